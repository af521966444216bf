"""Shared fixtures: the shipped factor library and small frames built in the test itself."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from offset.common import messages
from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear
from offset.methods import CalcOptions
from offset.methods.calculation import CalcResult, calculate

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY / "examples"

Calc = Callable[..., CalcResult]

#: The files that take longest (seconds on a worker, `--durations=0` summed per file, 2026-12-07,
#: load 6-8), started first: `--dist loadfile` hands a worker a whole file, and a long file
#: begun last leaves the other worker idle until it ends. A file not listed keeps its place
#: after these; a list gone stale costs only balance.
SLOWEST_FIRST = [
    "tests/ledger/test_state_machine.py",
    "tests/api/test_serve_load.py",
    "tests/scenario/test_restatement_properties.py",
    "tests/scenario/test_ten_years.py",
    "tests/ledger/test_catch_up.py",
    "tests/ledger/test_tamper_reported.py",
    "tests/ledger/test_tamper_columnar.py",
    "tests/scenario/test_properties.py",
    "tests/mutations/test_mutations.py",
    "tests/api/test_schema.py",
    "tests/test_docs.py",
    "tests/test_benchmarks.py",
    "tests/ledger/test_concurrency.py",
    "tests/ledger/test_tamper.py",
    "tests/scenario/test_run.py",
    "tests/api/test_browser.py",
]


def pytest_configure(config: pytest.Config) -> None:
    """Keep the order `pytest_collection_modifyitems` gives: pytest-xdist's `loadfile` would
    otherwise queue the files by their number of tests, most first, so that the files of one or
    two long tests (the state machines, the properties) start last."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of `SLOWEST_FIRST` first, in its order; the rest as collected."""
    rank = {name: place for place, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test asks otherwise (a CLI call's --lang ends with it)."""
    with messages.use("en"):
        yield


@pytest.fixture(scope="session")
def factors() -> FactorLibrary:
    return FactorLibrary()


@pytest.fixture
def calc(factors: FactorLibrary) -> Calc:
    """calc(method, rows, fy=2024) -> CalcResult, for rows given as a list of dicts.

    `factor_year` (default: the library's default, the reporting rule) picks the grid row; the
    by-hand tests of a method's arithmetic name the FY's own row with factor_year="results"."""

    def run(
        method: str,
        rows: list[dict[str, object]],
        fy: int | None = 2024,
        library: FactorLibrary = factors,
        factor_year: FactorYear = DEFAULT_FACTOR_YEAR,
    ) -> CalcResult:
        options = CalcOptions(fy=fy, file="test.csv", factor_year=factor_year)
        return calculate(method, pd.DataFrame(rows), library, options)

    return run


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A private copy of examples/ (tests may write beside it)."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target
