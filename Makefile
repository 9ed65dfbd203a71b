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

# pdftoppm / pdffonts / pdfinfo: the handout tests render and inspect the PDF they download.
pdf-tools:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils for the handout tests"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends poppler-utils; }

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

clean:
	rm -rf $(VENV) tests/artifacts benchmarks/results .pytest_cache
