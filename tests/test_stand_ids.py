"""A stand's identifier: the file's ids kept as the check left them (no string made again per
row) are the cells the conversion through Arrow made."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from offset.methods.forest import _ID_PARTS, stand_ids

CELLS = st.one_of(st.text(max_size=8), st.none(), st.just(float("nan")), st.just(pd.NA))


def converted(frame: pd.DataFrame) -> list[object]:
    """The cells as `stand_ids` made them before: through Arrow's strings and back."""
    return list(frame["stand_id"].astype("string").astype(object))


def same(a: list[object], b: list[object]) -> bool:
    return len(a) == len(b) and all(
        (x is pd.NA and y is pd.NA) or (type(x) is str and type(y) is str and x == y)
        for x, y in zip(a, b, strict=True)
    )


@given(st.lists(CELLS, max_size=30), st.integers(0, 5))
def test_kept_ids_are_the_converted_ones(cells: list[object], shift: int) -> None:
    frame = pd.DataFrame({"stand_id": pd.Series(cells, dtype=object)})
    frame.index += shift  # a FY's rows of a larger file
    ids = stand_ids(frame)
    assert same(list(ids), converted(frame))
    assert ids.index.equals(frame.index)
    assert ids.dtype == object
    assert ids.name == "stand_id"


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=10))
def test_ids_of_numbers_are_converted(cells: list[int]) -> None:
    """A column of something other than text still goes through Arrow's strings."""
    frame = pd.DataFrame({"stand_id": pd.Series(cells, dtype=object)})
    assert same(list(stand_ids(frame)), [str(c) for c in cells])


def test_parts_still_joined() -> None:
    frame = pd.DataFrame({"stand_id": [None, "A"], **{c: ["12", "1"] for c in _ID_PARTS}})
    assert list(stand_ids(frame)) == ["12-12-12", "A"]
