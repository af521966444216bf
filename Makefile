# The two commands the README names. Each does its own set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/offset calc solar examples/solar_pv.csv --fy 2024 --out $(OUT)/solar_pv-fy2024.csv
	$(BIN)/offset calc renovation examples/renovation.csv --fy 2024 --out $(OUT)/renovation-fy2024.csv
	$(BIN)/offset calc forest examples/forest_stands.csv --fy 2024 --out $(OUT)/forest_stands-fy2024.csv
	@echo "Results and run manifests are in $(abspath $(OUT))/"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_ledger.py

clean:
	rm -rf $(VENV) $(OUT) build dist .mypy_cache .pytest_cache .ruff_cache
