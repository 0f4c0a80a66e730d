# Siklus: `make run` starts everything on the embedded defaults; `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run test test-sqlite test-postgres test-cluster lint chromium lock schema bench clean

# The first install fetches and unpacks ~$(PINNED) pinned packages (Prefect, FastAPI, Playwright's
# driver, ...): minutes on a slow line or a busy machine, so pip shows every package it takes.
PINNED = $(shell grep -c '==' constraints.txt)
$(STAMP): pyproject.toml constraints.txt
	@echo "=== Installing Siklus into $(VENV): $(PINNED) pinned packages from constraints.txt."
	@echo "=== The first time takes minutes (see README, 'The first start'); pip lists each package below."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -c constraints.txt -e '.[dev]'
	touch $(STAMP)
	@echo "=== Installed: $(VENV) is ready."

install: $(STAMP)

run: install
	@echo "=== Migrating the database, loading the catalogue, then starting Prefect, the flow runner and the web."
	$(BIN)/siklus db upgrade
	$(BIN)/siklus catalog load
	@# Demo accounts only when asked for: a password is never invented or shipped.
	@if [ -n "$$SIKLUS_DEMO_PASSWORD" ]; then $(BIN)/siklus account ensure-demo; fi
	$(BIN)/siklus serve

# Browser tests drive Debian's chromium; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .

test-sqlite: install
	@echo "=== pytest on SQLite"
	SIKLUS_TEST_DATABASE_URL= $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: install
	@echo "=== pytest on PostgreSQL ($(PG_URL))"
	SIKLUS_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q $(PYTEST_ARGS)

# Machines lost mid-run (issue 21): a Prefect server on PostgreSQL, workers and the web as processes,
# killed. `make test` runs them too, in a lane of their own; this runs them alone.
test-cluster: install
	@echo "=== cluster tests on PostgreSQL ($(PG_URL))"
	SIKLUS_TEST_DATABASE_URL=$(PG_URL) SIKLUS_CLUSTER_TESTS=1 $(BIN)/pytest -q -m cluster $(PYTEST_ARGS)

# The suite on SQLite and (when it answers) on PostgreSQL, each pass in two lanes, and the cluster
# tests on PostgreSQL, run side by side: see .ci/lanes. One pass alone: make test-sqlite / make test-postgres.
test: install chromium lint
	@BIN=$(BIN) PG_URL=$(PG_URL) PYTEST_ARGS="$(PYTEST_ARGS)" ./.ci/lanes

# Pre-release only: rebuild the initial migration from the models (delete once released).
schema: install
	rm -f policies/core/migrations/versions/0001_initial_schema.py /tmp/siklus-schema.db
	SIKLUS_DATABASE_URL=sqlite:////tmp/siklus-schema.db $(BIN)/alembic revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
	rm -f /tmp/siklus-schema.db

lock:
	rm -rf /tmp/siklus-lock && $(PYTHON) -m venv /tmp/siklus-lock
	/tmp/siklus-lock/bin/pip install -q --upgrade pip
	/tmp/siklus-lock/bin/pip install -q -e '.[dev]'
	( echo "# Exact pins that CI tested; make installs with -c constraints.txt. Regenerate: make lock"; \
	  /tmp/siklus-lock/bin/pip freeze --exclude-editable ) > constraints.txt

bench: install
	$(BIN)/python -m bench.all

clean:
	rm -rf $(VENV) .siklus .pytest_cache .ruff_cache test-artifacts
