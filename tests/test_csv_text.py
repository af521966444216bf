"""`csv_text` writes what pandas' `to_csv(index=False)` writes, byte for byte: the results files
a re-run compares were written by pandas before, and must read the same now."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common.cells import neutral, neutral_frame
from offset.documents import csv_text as csv_module
from offset.documents.csv_text import CHUNK_ROWS, csv_text
from offset.documents.output import write_frame

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
TEXT = st.one_of(
    st.none(),
    st.just(pd.NA),  # a missing cell of each kind a text column holds: an empty field
    st.just(math.nan),
    st.text(alphabet=st.sampled_from(list("ab,\"\n\r\t =+-@'日本 ")), max_size=6),
)


@pytest.fixture(autouse=True)
def column_wise_from_the_first_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small frames are written by pandas itself: these compare the column-wise path."""
    monkeypatch.setattr(csv_module, "SMALL_ROWS", 0)


def same_as_pandas(frame: pd.DataFrame) -> None:
    assert csv_text(frame) == frame.to_csv(index=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(FLOATS, st.integers(-(2**63), 2**63 - 1), st.booleans(), TEXT),
                min_size=0, max_size=30))  # fmt: skip
def test_numbers_booleans_and_text_are_written_as_pandas_writes_them(
    rows: list[tuple[float, int, bool, str | None]],
) -> None:
    frame = pd.DataFrame(rows, columns=["x", "n", "b", "s"])
    frame = frame.astype({"x": "float64", "n": "int64", "b": "bool", "s": "object"})
    same_as_pandas(frame)
    same_as_pandas(frame.assign(c=frame["s"].astype("category")))
    same_as_pandas(frame.assign(t=frame["s"].astype("str")))


def test_floats_at_the_edges_of_repr_are_written_as_pandas_writes_them() -> None:
    # positional and exponent forms switch at 1e-4 and 1e16; subnormals, -0.0, inf, NaN
    edges = [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, 5e-324,
             1.7976931348623157e308, math.inf, -math.inf, math.nan, 0.1 + 0.2, -1e-7]  # fmt: skip
    rng = np.random.default_rng(7)
    scaled = rng.uniform(-1, 1, 5000) * 10.0 ** rng.integers(-30, 30, 5000)
    values = np.concatenate([edges, scaled, np.round(scaled, 3)])
    frame = pd.DataFrame(
        {"x": values, "few": np.tile([0.000423, 5.5, math.nan], len(values))[: len(values)]}
    )
    same_as_pandas(frame)


@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=200))
def test_every_float_is_written_as_repr_and_reads_back_identical(values: list[float]) -> None:
    # orjson's digits where its form is repr's, repr for the rest: the text pandas wrote
    array = np.array(values, dtype=np.float64)
    written = csv_module._floats(array).to_pylist()
    assert written == ["" if math.isnan(v) else repr(v) for v in values]
    for value, text in zip(values, written, strict=True):
        assert math.isnan(value) if text == "" else float(text) == value
        assert math.copysign(1, value) == math.copysign(1, float(text or "nan")) or text == ""


def test_floats_of_every_binary_exponent_are_written_as_repr() -> None:
    # each power of two and its neighbours, both signs: every exponent orjson's digits meet
    powers = np.ldexp(1.0, np.arange(-1074, 1024))
    values = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf)])
    values = np.concatenate([values, -values, 10.0 ** np.arange(-20, 25)])
    written = csv_module._floats(values).to_pylist()
    assert written == [repr(v) for v in values.tolist()]


def test_categories_of_numbers_missing_cells_and_small_integers() -> None:
    frame = pd.DataFrame(
        {
            "code": pd.Categorical(["202029", None, "131041", "202029"]),
            "share": pd.Categorical([0.5, 0.25, None, 0.5]),
            "count": pd.Categorical([3, 1, 3, None]),
            "age": np.array([13, 4, 4, 13], dtype=np.int16),
            "flag": np.array([0, 1, 0, 0], dtype=np.int8),
            "unsigned": np.array([0, 2**64 - 1, 5, 5], dtype=np.uint64),
            "word": pd.array(["a", None, 'say "x"', "a,b"], dtype="str"),
        }
    )
    same_as_pandas(frame)


def test_a_frame_of_one_value_per_column_is_written_row_by_row() -> None:
    rows = 700
    frame = pd.DataFrame(
        {"gwp": pd.Categorical(["AR5"] * rows), "fy": np.full(rows, 2024, dtype=np.int16)}
    )
    same_as_pandas(frame)
    same_as_pandas(frame.assign(x=0.000423, flag=True, note="a,b"))


DAYS = st.integers(0, 60_000)  # days from 1970: 1970-01-01 to 2134


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), DAYS), st.integers(0, 86_399)), max_size=30),
       st.sampled_from(["ns", "us", "s"]), st.booleans())  # fmt: skip
def test_dates_are_written_as_pandas_writes_them(
    cells: list[tuple[int | None, int]], unit: str, with_times: bool
) -> None:
    # a column of dates at midnight is written column-wise (a PV file's commissioning dates);
    # one with a time of day goes through pandas, which writes the times of every row
    seconds = [None if day is None else day * 86_400 + (time if with_times else 0)
               for day, time in cells]  # fmt: skip
    days = np.array([s if s is not None else "NaT" for s in seconds], dtype="datetime64[s]")
    frame = pd.DataFrame({"day": days.astype(f"datetime64[{unit}]"), "n": range(len(cells))})
    same_as_pandas(frame)
    only_dates = not with_times or all(d is None or t == 0 for d, t in cells)
    assert (csv_module._fields(frame["day"]) is None) == (not only_dates)


def test_dates_of_years_not_of_four_digits_and_zoned_times_go_through_pandas() -> None:
    early = pd.DataFrame({"day": np.array(["0999-12-31", "2020-01-01"], dtype="datetime64[s]")})
    zoned = pd.DataFrame({"day": pd.to_datetime(["2024-04-01"] * 2).tz_localize("Asia/Tokyo")})
    for frame in (early, zoned):
        assert csv_module._fields(frame["day"]) is None
        same_as_pandas(frame.assign(x=1.5))


def test_kinds_only_pandas_formats_go_through_pandas() -> None:
    dates = pd.DataFrame({"day": pd.to_datetime(["2024-04-01 10:00", "NaT"]), "x": [1.5, 2.0]})
    nullable = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [1.5, 2.0]})
    mixed = pd.DataFrame({"m": ["a", 3], "x": [1.5, 2.0]})
    single = pd.DataFrame({"s": ["", "a"]})  # a lone empty field is written as ""
    for frame in (dates, nullable, mixed, single, pd.DataFrame({"a": [], "b": []})):
        same_as_pandas(frame)


def test_a_frame_longer_than_a_chunk_is_written_whole() -> None:
    rows = CHUNK_ROWS + 17
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "id": [f"pv-{i}" for i in range(rows)],
            "kwh": rng.uniform(0, 9000, rows),
            "prefecture": pd.Categorical(
                rng.choice(np.array(["nagano", "tokyo", None], dtype=object), rows)
            ),
            # neighbours of few values are joined into one field per combination
            "age": rng.integers(0, 30, rows).astype(np.int16),
            "managed": rng.integers(0, 2, rows).astype(bool),
            "share": rng.choice([0.25, 0.5, math.nan], rows),
        }
    )
    same_as_pandas(frame)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
@pytest.mark.parametrize("through_pandas", [False, True])
def test_a_results_file_is_the_file_pandas_wrote(
    tmp_path: Path, encoding: str, through_pandas: bool
) -> None:
    frame = pd.DataFrame({"name": ["松本市", "=SUM(A1)", "a,b"], "t": [1.25, math.nan, 3.0]})
    frame["day"] = pd.to_datetime(pd.Series(["2024-04-01", None, "2025-03-31"]))
    if through_pandas:  # a nullable integer column: the whole frame is written by pandas
        frame["n"] = pd.array([1, None, 3], dtype="Int64")
    write_frame(frame, tmp_path / "new.csv", encoding)
    # formulas neutralised (cells.neutral_frame) before writing, as before
    expected = frame.assign(name=["松本市", "'=SUM(A1)", "a,b"])
    expected.to_csv(tmp_path / "old.csv", index=False, encoding=encoding)
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()


def test_a_character_the_encoding_has_not_is_refused_by_name(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["松本市", "🌲"], "t": [1.25, 2.5]})
    with pytest.raises(OSError, match="cannot be written in cp932"):
        write_frame(frame, tmp_path / "new.csv", "cp932")
    assert not (tmp_path / "new.csv").exists()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("a=+-@\t\r\x00 ")),
                                             max_size=4)), min_size=1, max_size=20))  # fmt: skip
def test_every_text_cell_starting_like_a_formula_is_neutralised(cells: list[str | None]) -> None:
    # the column is scanned joined by NUL first: a NUL inside a cell must not hide one
    frame = pd.DataFrame({"s": pd.Series(cells, dtype=object)})
    frame["c"] = frame["s"].astype("category")
    frame["t"] = frame["s"].astype("str")
    frame["x"] = -1.5  # a negative number is a number, never a formula
    expected = [c if c is None else neutral(c) for c in cells]
    out = neutral_frame(frame)
    assert out["s"].tolist() == expected
    assert [None if pd.isna(c) else c for c in out["c"].tolist()] == expected
    assert [None if pd.isna(c) else c for c in out["t"].tolist()] == expected
    assert out["x"].tolist() == [-1.5] * len(cells)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 70_000), max_size=200), st.integers(0, 4))
def test_combined_keys_are_factorized_keys(keys: list[int], spare: int) -> None:
    """`_combined`'s codes by a table of every key (or `pd.factorize` where the keys' span is
    larger than the rows): the same distinct keys as pandas', each row's code naming its key."""
    array = np.array(keys, dtype=np.int64)
    span = (max(keys) + 1 if keys else 0) + spare
    codes, distinct = csv_module._combined(array, span)
    assert sorted(distinct.tolist()) == sorted(pd.unique(array).tolist())
    assert (distinct[codes] == array).all()


@pytest.mark.parametrize("last", ["text", "few", "one", "number"])
def test_each_kind_of_last_column_ends_its_rows(last: str) -> None:
    """The line break goes into the last field: a field per row, few distinct fields, one field
    for every row, or numbers; neighbours of few fields joined past the keys' table
    (`_combined` by `pd.factorize`)."""
    rows = 1_200
    rng = np.random.default_rng(5)
    many = np.array([f"c{i}" for i in range(400)], dtype=object)
    frame = pd.DataFrame(
        {
            "a": pd.Categorical(rng.choice(many, rows)),
            "b": pd.Categorical(rng.choice(many, rows)),  # 160,000 combinations: factorized
            "kwh": rng.uniform(0, 9, rows),
        }
    )
    ends: dict[str, npt.NDArray[Any] | pd.Categorical] = {
        "text": np.array([f"id-{i}" if i % 7 else 'q,"' for i in range(rows)], dtype=object),
        "few": pd.Categorical(rng.choice(np.array(["x", "y,z", None], dtype=object), rows)),
        "one": np.full(rows, 2024, dtype=np.int16),
        "number": rng.uniform(0, 1, rows),
    }
    same_as_pandas(frame.assign(end=ends[last]))
    same_as_pandas(frame[["a"]].assign(end=ends[last]))  # joined into one field with "a"
