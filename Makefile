# Two commands do all the set-up on a fresh clone (Python 3.11+):
#   make run    creates .venv, installs CSP Bot, and runs it
#   make test   creates .venv, installs CSP Bot with its dev tools, lints and runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

run: $(STAMP)
	$(BIN)/cspbot run

test: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/mypy bot handlers briefings data

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ingest_process.py
	$(BIN)/python bench/briefing.py
	$(BIN)/python bench/real_briefing.py
	$(BIN)/python bench/slack.py
	$(BIN)/python bench/slack_crash.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/edge.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/where.py

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CSP Bot needs Python 3.11 or later: set PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
