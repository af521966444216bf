"""offset against published figures (issue 17): each case within its stated tolerance, and the
README's table exactly what these cases give."""

from __future__ import annotations

import pandas as pd
import pytest

from offset.factors import FactorLibrary
from tests.conftest import REPOSITORY
from tests.oracles import HERE, Case, cases, compute, difference, replace_table, table

CASES = cases()


def test_there_are_at_least_thirty_cases_each_sourced_and_spread() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.path.is_file(), case.id
        assert all((case.source, case.publisher, case.year, case.unit)), case.id
        assert 0 < case.tolerance < 0.05, case.id  # a wide tolerance would prove nothing
        assert case.group in ("grid", "pv_yield", "fuel", "forest", "jcredit"), case.id
        assert not case.factors or (HERE / "factors" / case.factors).is_dir(), case.id
    groups = {g: [c for c in CASES if c.group == g] for g in {c.group for c in CASES}}
    assert len({c.year for c in groups["grid"]}) >= 3  # grid figures of several years
    places = {
        str(p) for c in groups["pv_yield"] for p in pd.read_csv(c.path)["prefecture"].iloc[[c.row]]
    }
    assert len(places) >= 3  # PV yields of at least three places
    forest_places = {
        str(p) for c in groups["forest"] for p in pd.read_csv(c.path)["municipality"].iloc[[c.row]]
    }
    # forest figures published by at least three prefectures (the national and unnamed examples
    # aside): Kyoto's certificates, Fukui's and Shimane's worked stock figures
    assert len(forest_places - {"japan", "example"}) >= 3, forest_places
    assert len(groups["fuel"]) >= 10
    assert {c.id for c in groups["jcredit"]} >= {"jcredit-en-s-002", "jcredit-en-s-006",
                                                   "jcredit-en-r-002"}  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_offset_matches_the_published_figure(case: Case, factors: FactorLibrary) -> None:
    value = compute(case, factors)
    assert abs(difference(case, value)) <= case.tolerance, (case.id, value, case.published)


def test_the_readme_table_is_generated_from_the_cases(factors: FactorLibrary) -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert replace_table(readme, table(factors)) == readme, "run: python -m tests.oracles"
