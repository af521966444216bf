"""`methods.common.count_of`: a part's count of one value by a categorical's codes is pandas'
count by comparison, whatever the categories and missing cells."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from offset.methods.common import count_of

WORDS = st.sampled_from(["unknown", "even", "measured", "a,b"])


@given(st.lists(st.one_of(st.none(), WORDS), max_size=40), WORDS, st.lists(WORDS, max_size=3))
def test_count_of_is_the_count_by_comparison(
    cells: list[str | None], value: str, unused: list[str]
) -> None:
    # categories in another order than the cells', some never used
    categories = list(dict.fromkeys([*unused, *(c for c in cells if c is not None)]))
    for values in (
        pd.Series(pd.Categorical(cells, categories=categories)),
        pd.Series(cells, dtype=object),
        pd.Series(cells, dtype="string"),
    ):
        assert count_of(values, value) == int((values == value).sum())
