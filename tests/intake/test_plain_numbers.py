"""Plain numbers in an Arrow text column are read by Arrow's cast: the same floats, to the bit,
and the same problems, as `pd.to_numeric` and the per-value parser read them before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common.problems import Problem
from offset.intake import values
from offset.intake.columns import number

PLAIN = st.from_regex(r"\A[+-]?(?:\d{1,20}\.?\d{0,20}|\.\d{1,20})(?:[eE][+-]?\d{1,3})?\Z")
OTHER = st.sampled_from(
    ["-0", "-0.0", "+0", " -0 ", " 0", "-0e0 ", " 7 ", "inf", "-inf", "nan", "１２．５",
     "1,000", "9.54kW", " 5 ", "", "abc", "1e99999", "0x10", "1_000", "5.", ".5"]
)  # fmt: skip
CELLS = st.lists(st.one_of(st.none(), PLAIN, OTHER), min_size=1, max_size=40)


def read(series: pd.Series) -> tuple[np.ndarray, list[Problem]]:
    column = number("capacity_kw", "kW", "capacity", minimum=0.0)
    found, problems = values.numbers(
        series, column, None, lambda mask, message: [
            Problem("f", int(i), "c", message(int(i))) for i in np.flatnonzero(mask)
        ],
    )  # fmt: skip
    return found, problems


@settings(max_examples=300, deadline=None)
@given(CELLS)
def test_arrow_reads_plain_numbers_as_pandas_did(cells: list[str | None]) -> None:
    arrow = pd.Series(cells, dtype="string[pyarrow]")
    new, new_problems = read(arrow)
    with pytest.MonkeyPatch.context() as before:  # pd.to_numeric reads every cell, as before
        before.setattr(values, "_plain_numbers", lambda _: None)
        old, old_problems = read(arrow)
    assert np.array_equal(new, old, equal_nan=True)
    assert np.array_equal(np.signbit(new), np.signbit(old))  # -0.0 stays -0.0, -0 is 0
    assert [(p.row, str(p.message)) for p in new_problems] == [
        (p.row, str(p.message)) for p in old_problems
    ]


def test_a_column_of_plain_numbers_is_read_whole_by_arrow() -> None:
    cells = pd.Series(["4.5", "-0.25", "1e3", None, "７", "5kW"], dtype="string[pyarrow]")
    plain = values._plain_numbers(cells)
    assert plain is not None
    assert plain[:3].tolist() == [4.5, -0.25, 1000.0]
    assert np.isnan(plain[3:]).all()  # missing, full-width, a unit: pandas and the parser
    # -0 is 0 or -0.0 to pandas by the column's other cells: such a column is pandas'
    assert values._plain_numbers(pd.Series(["-0", "1"], dtype="string[pyarrow]")) is None


NUMBER_LIKE = st.text(st.sampled_from("0123456789+-.eE naifINAFxX_,１"), max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.none() | PLAIN | NUMBER_LIKE, min_size=1, max_size=20))
def test_a_column_cast_whole_holds_plain_numbers_only(cells: list[str | None]) -> None:
    """Arrow's cast of the whole column is kept only when it equals the pattern's reading:
    every cell plain (nan and inf, which the cast reads too, send the column to the pattern)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.chunked_array([pa.array(cells, pa.string())])
    whole = values._cast_whole(text)
    if whole is not None:
        plain = pc.match_substring_regex(text, values._PLAIN_NUMBER)
        assert all(p is not False for p in plain.to_pylist())  # None: a missing cell
    series = pd.Series(cells, dtype="string[pyarrow]")
    fast = values._plain_numbers(series)
    with pytest.MonkeyPatch.context() as before:  # the pattern over every column, as before
        before.setattr(values, "_cast_whole", lambda _: None)
        slow = values._plain_numbers(series)
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert fast.tobytes() == slow.tobytes()  # the same floats to the bit, NaN and -0.0
