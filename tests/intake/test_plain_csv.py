"""A plain UTF-8 CSV file is read by Arrow, and its cells are the cells pandas reads: every
check after the read (header search, blank and total rows, each cell's conversion) sees the
same grid whichever reader ran."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common import sheets
from offset.common.problems import InputError
from offset.common.sheets import read_grid

PLAIN = st.text(alphabet=st.sampled_from(list("a1.日-")), max_size=4)
# quotes, spaces and commas inside a cell: a file pandas must read, or rows of other widths
CELL = st.one_of(PLAIN, PLAIN, PLAIN, st.text(alphabet=st.sampled_from(list('a ,\t"')), max_size=3))
LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


def by_pandas(path: Path) -> pd.DataFrame | None:
    """The cells pandas reads (None: refused)."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sheets, "_read_plain_csv", lambda *_: None)
        try:
            return read_grid(path).cells
        except InputError:
            return None


@settings(max_examples=200, deadline=None)
@given(
    rows=st.one_of(
        st.lists(st.lists(PLAIN, min_size=2, max_size=2), min_size=1, max_size=8),
        st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=8),
    ),
    end=LINE_END,
    last_end=st.booleans(),
    bom=st.booleans(),
)
def test_arrow_reads_the_cells_pandas_reads(
    rows: list[list[str]], end: str, last_end: bool, bom: bool
) -> None:
    text = end.join(",".join(row) for row in rows) + (end if last_end else "")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "list.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        expected = by_pandas(path)
        encoding = sheets.detect_encoding(path)
        plain = sheets._read_plain_csv(path, encoding, sheets._width(path, encoding))
        if plain is not None:  # read by Arrow: pandas reads the same
            assert expected is not None
            pd.testing.assert_frame_equal(plain, expected)
            assert read_grid(path).cells.equals(expected)


def test_an_office_list_without_quotes_is_read_by_arrow(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    text = "番号,容量,日付\nA-1,4.5,2020-01-01\n\nA-2,,R2.1.1\n"
    path.write_text(text, encoding="utf-8-sig")
    plain = sheets._read_plain_csv(path, "utf-8-sig", 3)
    assert plain is not None
    assert plain.astype(object).where(plain.notna(), "-").to_numpy().tolist() == [
        ["番号", "容量", "日付"],
        ["A-1", "4.5", "2020-01-01"],
        ["-", "-", "-"],  # a blank line stays a row (missing cells): row numbers are the sheet's
        ["A-2", "-", "R2.1.1"],
    ]
    assert isinstance(plain[1].dtype, pd.StringDtype)


@pytest.mark.parametrize(
    "text",
    [
        '番号,名前\nA-1,"松本市, 長野県"\n',  # a quote: pandas reads quoting
        "作成日 2024-04-01\n番号,容量\nA-1,4.5\n",  # a title row narrower than the table
        "番号,容量\nA-1, 4.5\n",  # a space after the comma: pandas skips it
        "番号,容量\nA-1,4.5,9\n",  # a field past the header
    ],
)
def test_a_file_that_is_not_plain_is_left_to_pandas(tmp_path: Path, text: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    assert sheets._read_plain_csv(path, "utf-8-sig", 3 if text.endswith("9\n") else 2) is None
    read_grid(path)  # read (or refused by its row) as before
