# One entry point. Each target sets itself up on a fresh machine (Python 3.11+ is all it needs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup native run test test-deps lint check bench bench-results embassies clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

native: $(STAMP)  ## compile the lookup's and compose's hot modules with mypyc (app/native.py); skipped without a C compiler
	$(PY) -m scripts.build_native

run: native  ## start the service on the embedded default
	$(PY) -m app serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(PY) -m ruff check app tests bench scripts
	$(PY) -m mypy app

test-deps:  ## PostgreSQL, Redis, chromium and axe-core for the suite: installed/started if missing
	bash scripts/test-deps.sh

test: lint test-deps native  ## the whole test suite (what CI runs)
	$(PY) -m pytest

embassies: $(STAMP)  ## regenerate data/embassies.json from the researched facts, then check it
	$(PY) -m app embassies build
	$(PY) -m app embassies check

check: test
	$(PY) -m app embassies check

BENCH ?=
bench: native test-deps  ## every benchmark, one table (a subset: make bench BENCH="lookup compose")
	$(PY) -m bench $(BENCH)

bench-results: native test-deps  ## the same table written to bench/RESULTS.md, with the machine
	$(PY) -m bench --write bench/RESULTS.md

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
