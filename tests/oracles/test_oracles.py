"""offset against published figures (issue 17): each case within its stated tolerance, and the
README's table exactly what these cases give."""

from __future__ import annotations

import pytest

from offset.factors import FactorLibrary
from tests.conftest import REPOSITORY
from tests.oracles import Case, cases, compute, difference, replace_table, table

CASES = cases()


def test_there_are_at_least_ten_cases_each_sourced() -> None:
    assert len(CASES) >= 10
    assert len({c.id for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.path.is_file(), case.id
        assert all((case.source, case.publisher, case.year, case.unit)), case.id
        assert 0 < case.tolerance < 0.05, case.id  # a wide tolerance would prove nothing


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_offset_matches_the_published_figure(case: Case, factors: FactorLibrary) -> None:
    value = compute(case, factors)
    assert abs(difference(case, value)) <= case.tolerance, (case.id, value, case.published)


def test_the_readme_table_is_generated_from_the_cases(factors: FactorLibrary) -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert replace_table(readme, table(factors)) == readme, "run: python -m tests.oracles"
