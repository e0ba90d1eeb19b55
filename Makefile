# The README's commands: `bash scripts/setup.sh`, then `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup sandboxes test lint unit bench clean

setup:
	bash scripts/setup.sh

sandboxes:
	$(VENV)/bin/codefactory sandbox build

lint:
	$(VENV)/bin/ruff check codefactory tests benchmarks
	$(VENV)/bin/ruff format --check codefactory tests benchmarks
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

# Every test that needs neither Docker nor a model (nor a GPU); tests/conftest.py marks `docker`.
unit:
	$(PY) -m pytest -m "not docker and not model and not gpu"

bench:
	$(PY) benchmarks/bench_verify.py

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache
