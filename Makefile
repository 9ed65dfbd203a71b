# Two commands do everything on a fresh Debian 12 machine with Python 3.11 (run as root, or
# with sudo available): `make serve` and `make test`. Repeated runs skip what is installed.
# For trainees: `make lab` opens JupyterLab on the study notebooks; `make docs` builds the
# models' API reference into docs/api/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8866
LAB_PORT ?= 8888
LAB_ARGS ?=
LAB_DIR  ?= notebooks/study
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lock serve test lint bench bench3 load multi hub chromium nginx pdf-tools check-clinic clean lab docs

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing: installing it with apt-get"; rm -rf $(VENV); \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

# Bytecode compiled once at install: each viewer's kernel is a new Python process, which would
# otherwise compile the explainer's modules again wherever it cannot write __pycache__.
# Every install takes its versions from requirements/lock.txt (pinned by pip-tools from
# pyproject.toml: `make lock` refreshes it; tests/test_packaging.py checks the two agree).
LOCK   := requirements/lock.txt
PIP_LOCKED := $(BIN)/pip install -q -c $(LOCK)

$(VENV)/.run-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_LOCKED) -e .
	$(BIN)/python -m compileall -q explainer
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_LOCKED) -e '.[test]'
	$(BIN)/python -m compileall -q explainer
	@touch $@ $(VENV)/.run-installed $(VENV)/.lab-installed $(VENV)/.docs-installed

$(VENV)/.lab-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_LOCKED) -e '.[lab]'
	@touch $@ $(VENV)/.run-installed

$(VENV)/.docs-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_LOCKED) -e '.[docs]'
	@touch $@ $(VENV)/.run-installed

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; }

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the multi-process deployment"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends nginx-light; }

# pdftoppm / pdfinfo: the handout tests render and inspect the PDF they download; DejaVu Sans is
# the handout's typeface (embedded in the PDF).
pdf-tools:
	@{ command -v pdftoppm && [ -d /usr/share/fonts/truetype/dejavu ]; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils and DejaVu fonts for the handout"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends poppler-utils fonts-dejavu-core; }

# Refresh the lock after changing pyproject.toml's dependencies (or to take newer releases:
# `make lock LOCK_ARGS=--upgrade`); then run `make test` and commit requirements/lock.txt.
lock: | $(BIN)/python
	$(BIN)/pip install -q 'pip-tools>=7.4'
	$(BIN)/pip-compile -q --extra=docs --extra=lab --extra=test --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file=$(LOCK) pyproject.toml

serve: $(VENV)/.run-installed
	$(BIN)/ketamine-explainer serve --port $(PORT) $(if $(CLINIC),--clinic $(CLINIC))

# make check-clinic CLINIC=examples/clinic.toml
check-clinic: $(VENV)/.run-installed
	$(BIN)/ketamine-explainer check-clinic $(or $(CLINIC),examples/clinic.toml)

# JupyterLab on notebooks/study (the package is installed, so `import explainer` works), bound
# to this machine only; the extension manager does not query PyPI. Extra options go in LAB_ARGS, e.g. LAB_ARGS=--no-browser; LAB_DIR=...
# opens another folder (the tests use a copy).
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) --LabApp.default_url=/lab/tree/index.ipynb \
	  --LabApp.extension_manager=readonly $(LAB_ROOT) $(LAB_ARGS)

docs: $(VENV)/.docs-installed
	$(BIN)/python docs/build_api.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

# configurable-http-proxy from npm, for the JupyterHub recipe (deploy/jupyterhub)
CHP := $(VENV)/chp/node_modules/.bin/configurable-http-proxy
$(CHP): | $(BIN)/python
	@command -v npm >/dev/null 2>&1 || { echo "Installing Debian's npm"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends npm; }
	npm install --prefix $(VENV)/chp --no-audit --no-fund configurable-http-proxy@5

# The suite runs in TEST_JOBS worker processes, a whole test file to a worker (pytest-xdist; each
# worker has its own server and Chromium, see tests/conftest.py); TEST_JOBS=0 runs it in one.
# The 25 slowest steps are listed at the end, to keep an eye on the suite's time.
TEST_JOBS ?= 2
test: $(VENV)/.test-installed chromium pdf-tools nginx $(CHP) lint
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder --durations=25

# JupyterHub in front: one explainer per signed-in person (set your authenticator first)
hub: $(VENV)/.test-installed $(CHP)
	$(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

# Several explainer processes behind nginx with sticky sessions, on http://127.0.0.1:8080
multi: $(VENV)/.run-installed nginx
	$(BIN)/python -m deploy.multi

# Many viewers over the real protocol: bursts, latency, memory, CPU, soak (several minutes)
load: $(VENV)/.test-installed
	$(BIN)/python -m benchmarks.load

bench: $(VENV)/.test-installed chromium pdf-tools
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.latency
	$(BIN)/python -m benchmarks.handout

# The page and latency benchmarks three times, then the median and range of each figure
bench3: $(VENV)/.test-installed chromium
	for run in 1 2 3; do $(BIN)/python -m benchmarks.run --out benchmarks/results/run-$$run.json; \
	  $(BIN)/python -m benchmarks.latency --out benchmarks/results/latency-$$run.json; done
	$(BIN)/python -m benchmarks.compare benchmarks/results/run-1.json \
	  benchmarks/results/run-2.json benchmarks/results/run-3.json
	$(BIN)/python -m benchmarks.latency --summarise benchmarks/results/latency-1.json \
	  benchmarks/results/latency-2.json benchmarks/results/latency-3.json

clean:
	rm -rf $(VENV) tests/artifacts benchmarks/results .pytest_cache docs/api
