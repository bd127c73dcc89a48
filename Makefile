# The two commands a newcomer runs: `make run` and `make test`. Everything installs from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GENBA_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint format bench install install-dev messages clean demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages

# Translations are compiled at install (GNU gettext's msgfmt), never committed.
messages: $(VENV)/.installed
	cd src/genba && GENBA_DEBUG=1 ../../$(BIN)/genba compilemessages --ignore=.venv -v 0

# The worker (notifications, webhooks, SLA sweeps) runs beside the server and stops with it.
run: install
	GENBA_DEBUG=1 $(BIN)/genba migrate --noinput -v 0
	GENBA_DEBUG=1 $(BIN)/genba demo
	GENBA_DEBUG=1 $(BIN)/genba worker -v 0 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	GENBA_DEBUG=1 $(BIN)/genba runserver 127.0.0.1:8000

demo: install
	GENBA_DEBUG=1 $(BIN)/genba migrate --noinput -v 0
	GENBA_DEBUG=1 $(BIN)/genba demo

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: install-dev lint
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
