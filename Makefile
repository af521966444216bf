# The two commands the README names. Each does its own set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: run test lint typecheck pytest bench clean browser fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) fonts
	$(BIN)/offset run scenarios/settlement-area.toml --out $(OUT)/settlement-area
	@echo "Open the report: $(abspath $(OUT))/settlement-area/report.html"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The dashboard's browser test drives Debian's Chromium through its driver; install them once.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ($(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver)

# The report's charts and PDFs draw Japanese names: a Japanese font (IPAex Gothic, Debian's
# package), and Pango, which WeasyPrint lays the PDFs' text out with.
fonts:
	@[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] && ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q fonts-ipaexfont-gothic libpango-1.0-0 libpangoft2-1.0-0)

# Parallel workers (pytest-xdist), one test file each at a time: a module's shared fixtures (the
# API's world, a built wheel) are built once. Every PostgreSQL test has a schema of its own.
# PYTEST_WORKERS=0 runs in this process only.
PYTEST_WORKERS ?= auto
pytest: $(STAMP) browser fonts
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

# PGLEDGER=DIR (a checkout of pgr0ss/pgledger) adds the peer to the concurrency benchmark.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_verify.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_workbook.py
	$(BIN)/python benchmarks/bench_concurrency.py $(if $(PGLEDGER),--pgledger $(PGLEDGER))
	$(if $(PGLEDGER),$(BIN)/python benchmarks/bench_serve.py --pgledger $(PGLEDGER) --workers 1 2 4)
	$(BIN)/python benchmarks/bench_calc.py
	$(BIN)/python benchmarks/bench_national.py

clean:
	rm -rf $(VENV) $(OUT) build dist .mypy_cache .pytest_cache .ruff_cache
