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
