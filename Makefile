# kazmig: `make run` builds and publishes the warehouse; `make test` runs the test suite.
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test test-quick lint ui service bench eval setup clean report docs browser postgres

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as here and in CI) Python
# would otherwise recompile every imported module on every start (3 s of each build).
$(BIN)/kazmig: pyproject.toml uv.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv sync --frozen --extra dev --quiet --compile-bytecode
	touch $@

# The project's own modules too: an editable install compiles only site-packages, and with
# PYTHONDONTWRITEBYTECODE every `kazmig` process compiled pipelines/ again (0.2-0.4 s of each
# build's start). Up-to-date files are skipped; an edited one is compiled in memory until then.
setup: $(BIN)/kazmig
	$(BIN)/python -m compileall -q pipelines bench > /dev/null

run: setup
	$(BIN)/kazmig build

# Two workers (pytest-xdist): the suite is mostly builds, each a process that keeps about one core
# busy; a test module stays on one worker, so its module fixtures are built once. The modules start
# longest first, by the seconds of a recorded run (tests/module_seconds.json, read by
# tests/conftest.py), so the short tests fill in at the end. `make test-quick` leaves the tests
# marked slow (real builds, services) out: a quick loop while working; `make test` (and CI) runs them all.
test: setup browser postgres
	$(BIN)/python -m pytest -q -n 2 --dist loadscope --no-loadscope-reorder

test-quick: setup browser postgres
	$(BIN)/python -m pytest -q -n 2 --dist loadscope --no-loadscope-reorder -m "not slow"

# Python by ruff (lint, format as a check, C901), the dbt project's SQL by sqlfluff (pyproject.toml),
# and the package's shape by its import graph (grimp: layers, no loops, every import declared).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql/models sql/tests
	$(BIN)/python -m pytest -q -p no:cacheprovider -o addopts='' tests/test_architecture.py

# Dagster's daemon (schedule, sensors, run queue) and webserver, as Dagster documents for a
# deployment, under DAGSTER_HOME (default $KAZMIG_HOME/.dagster) with config/dagster.yaml and
# config/workspace.yaml (pipelines/service.py). `make ui` serves on this machine only; `make
# service HOST=0.0.0.0` for colleagues; scripts/kazmig.service runs it under systemd.
PORT ?= 3000
HOST ?= 127.0.0.1
ui: setup
	$(BIN)/python -m pipelines.service --host 127.0.0.1 --port $(PORT)

service: setup
	$(BIN)/python -m pipelines.service --host $(HOST) --port $(PORT)

bench: setup
	$(BIN)/python -m bench

# the extractor on the development corpus (../shared/extraction): precision, recall, F1, misses
eval: setup
	$(BIN)/kazmig eval $(abspath ../shared/extraction)

clean:
	rm -rf warehouse/build warehouse/kazmig.duckdb warehouse/cache sql/target .dagster .dbt

# --- report, marts reference, the browser the UI tests drive ---------------------------------
browser:
	sh scripts/install-browser.sh

# --- the PostgreSQL server the serving-tier tests start clusters of ----------------------------
postgres:
	sh scripts/install-postgres.sh

report: setup
	$(BIN)/kazmig report

docs: setup
	$(BIN)/kazmig docs
