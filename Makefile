# driftgate: `make run` starts the platform on the embedded emulator, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Use uv from PATH, or install it with pip into the user site and run it as a module.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
SRC := contracts/src services/runtime/src services/ingest/src services/profiler/src services/notifier/src services/status/src cli/src benchmarks

.PHONY: help uv cc install run test check lint format typecheck bench schemas clean

help:
	@echo "make run    start the emulator, the topology and every service"
	@echo "make test   run every test (unit, integration, e2e)"
	@echo "make check  lint, format check, mypy --strict and the tests"
	@echo "make bench  run the benchmarks"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

# The profiler compiles its native CSV scanner when installed (docs/adr/0011): a C compiler.
cc:
	@command -v cc >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gcc libc6-dev >/dev/null; }
	@python3 -c "import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
		|| { apt-get update -qq && apt-get install -y -qq python3-dev >/dev/null; }

install: uv cc
	@$(UV) sync --frozen --all-packages

run: install
	@$(UV) run --frozen driftgate up

test: install
	@$(UV) run --frozen pytest

lint: install
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .

format: install
	@$(UV) run --frozen ruff check --fix .
	@$(UV) run --frozen ruff format .

typecheck: install
	@$(UV) run --frozen mypy $(SRC)
	@$(UV) run --frozen mypy --config-file mypy-tests.ini conftest.py contracts/tests services/*/tests cli/tests tests

check: lint typecheck test

bench: install
	@$(UV) run --frozen python -m benchmarks

schemas: install
	@$(UV) run --frozen python -m driftgate.contracts.schema_export --write

clean:
	rm -rf .driftgate .pytest_cache .mypy_cache .ruff_cache
