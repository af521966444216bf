"""Shared fixtures: the shipped factor library and small frames built in the test itself."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from offset import messages
from offset.calc import CalcResult, calculate
from offset.factors import FactorLibrary
from offset.methods import CalcOptions

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
    """calc(method, rows, fy=2024) -> CalcResult, for rows given as a list of dicts."""

    def run(
        method: str, rows: list[dict[str, object]], fy: int | None = 2024, **kw: object
    ) -> CalcResult:
        library = kw.pop("library", factors)
        assert isinstance(library, FactorLibrary)
        return calculate(method, pd.DataFrame(rows), library, CalcOptions(fy=fy, file="test.csv"))

    return run


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A private copy of examples/ (tests may write beside it)."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target
