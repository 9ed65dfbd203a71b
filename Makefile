# Two commands do everything on a fresh Debian 12 machine with Python 3.11 (run as root, or
# with sudo available): `make serve` and `make test`. Repeated runs skip what is installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8866

.PHONY: serve test lint bench chromium pdf-tools check-clinic clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing: installing it with apt-get"; rm -rf $(VENV); \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.run-installed

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; }

# pdftoppm / pdfinfo: the handout tests render and inspect the PDF they download; DejaVu Sans is
# the handout's typeface (embedded in the PDF).
pdf-tools:
	@{ command -v pdftoppm && [ -d /usr/share/fonts/truetype/dejavu ]; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils and DejaVu fonts for the handout"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends poppler-utils fonts-dejavu-core; }

serve: $(VENV)/.run-installed
	$(BIN)/ketamine-explainer serve --port $(PORT) $(if $(CLINIC),--clinic $(CLINIC))

# make check-clinic CLINIC=examples/clinic.toml
check-clinic: $(VENV)/.run-installed
	$(BIN)/ketamine-explainer check-clinic $(or $(CLINIC),examples/clinic.toml)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

test: $(VENV)/.test-installed chromium pdf-tools lint
	$(BIN)/pytest

bench: $(VENV)/.test-installed chromium pdf-tools
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.handout

clean:
	rm -rf $(VENV) tests/artifacts benchmarks/results .pytest_cache
