"""An Excel workbook that opens right: numbers as numbers in the format their kind needs
(`figures`), a frozen header row with a filter, and columns wide enough to read.

Written by xlsxwriter row by row in its constant-memory mode (each row goes to disk as it is
written), every cell by its type: a text cell is always text, never a formula
(`common.cells`). The cells are those pandas' `to_excel` wrote through openpyxl before (a
value's type and date formats as pandas gives them, a missing value an empty cell), at about a
twentieth of the cost: openpyxl made and styled a cell object per value (a national report's
52,230-row sheets took about a minute each).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from offset.documents.figures import EXCEL_FORMATS, column_kinds, formatter

MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
PIXELS_PER_CHARACTER = 7  # xlsxwriter stores a width of `pixels / 7` characters (Calibri 11)
# the formats pandas' ExcelWriter gives a date and a time cell
DATE_FORMAT, DATETIME_FORMAT = "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"

Cell = Callable[[int, int, object], None]  # writes one value at (row, column)


def _width(values: list[str]) -> float:
    """Display width of the longest value (a full-width character takes two columns)."""
    longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in values), default=0)
    return float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))


def write_workbook(
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    kinds: Mapping[str, Sequence[str | None]] | None = None,
) -> None:
    """One workbook at `path`, a sheet per frame named by its key (cut to Excel's 31
    characters); `kinds` gives each column's kind of figure per sheet when its header is a
    label, not offset's name (else `figures.column_kinds`)."""
    import xlsxwriter  # only when a workbook is written

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        formats = _Formats(book)
        for name, frame in frames.items():
            sheet = book.add_worksheet(name[:31])
            _write_sheet(sheet, frame, formats, (kinds or {}).get(name))
    finally:
        book.close()


class _Formats:
    """A workbook's cell formats by number format, each made once."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[str, Any] = {}

    def __call__(self, number_format: str | None) -> Any:
        if number_format is None:
            return None
        if number_format not in self._made:
            self._made[number_format] = self._book.add_format({"num_format": number_format})
        return self._made[number_format]


def _write_sheet(
    sheet: Any, frame: pd.DataFrame, formats: _Formats, kinds: Sequence[str | None] | None
) -> None:
    """`frame` at the top of `sheet` (a header row, no index), formatted: each column's kind in
    its number format, widths from the first 1,000 rows, the header frozen, a filter."""
    header = _cell(sheet, None, formats)
    for position, column in enumerate(frame.columns):
        header(0, position, column)
    if len(frame.columns) == 0:
        return
    kinds = column_kinds(frame) if kinds is None else kinds
    writers = [
        _column_cell(sheet, frame.iloc[:, position], kind, formats)
        for position, kind in enumerate(kinds)
    ]
    columns = [frame.iloc[:, position].tolist() for position in range(len(frame.columns))]
    for row, cells in enumerate(zip(*columns, strict=True), 1):
        for position, (write, value) in enumerate(zip(writers, cells, strict=True)):
            write(row, position, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    sample = frame.head(1000)  # widths from the first rows: a sheet of a million rows stays fast
    for position, (column, kind) in enumerate(zip(map(str, frame.columns), kinds, strict=True)):
        shown = formatter(kind)
        values = [column, *map(shown, sample.iloc[:, position].tolist())]
        pixels = round(_width(values) * PIXELS_PER_CHARACTER)
        sheet.set_column_pixels(position, position, pixels)


def _column_cell(sheet: Any, column: pd.Series, kind: str | None, formats: _Formats) -> Cell:
    """How one column's values are written: its kind's number format on every cell, a missing
    value as an empty cell in it; a column of floats or integers without a look at each
    value's type."""
    number_format = formats(EXCEL_FORMATS[kind]) if kind is not None else None
    dtype = column.dtype
    if pd.api.types.is_float_dtype(dtype) and isinstance(dtype, np.dtype):
        return _float_cell(sheet, number_format)
    if pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, np.dtype):
        write_number = sheet.write_number

        def integer(row: int, position: int, value: object) -> None:
            write_number(row, position, value, number_format)

        return integer
    return _cell(sheet, number_format, formats)


def _float_cell(sheet: Any, number_format: Any) -> Cell:
    write_number, write_blank, write_string = (
        sheet.write_number, sheet.write_blank, sheet.write_string,
    )  # fmt: skip

    def number(row: int, position: int, value: Any) -> None:
        if value != value:  # NaN: an empty cell, as pandas' na_rep ""
            write_blank(row, position, None, number_format)
        elif value in (math.inf, -math.inf):  # pandas' inf_rep
            write_string(row, position, "inf" if value > 0 else "-inf", number_format)
        else:
            write_number(row, position, value, number_format)

    return number


def _cell(sheet: Any, number_format: Any, formats: _Formats) -> Cell:
    """A cell of any value, typed as pandas' Excel writer types it (`_value_with_fmt`):
    integers, floats and decimals as numbers, booleans, dates and times in pandas' formats
    (unless the column's kind gives one), anything else as its text; an empty text an empty
    cell, as openpyxl wrote it."""
    number = _float_cell(sheet, number_format)
    dates = number_format or formats(DATE_FORMAT)
    times = number_format or formats(DATETIME_FORMAT)
    days = number_format or formats("0")

    def write(row: int, position: int, value: object) -> None:
        if isinstance(value, str) and value:
            sheet.write_string(row, position, value, number_format)
        elif value is None or value is pd.NA or value is pd.NaT or isinstance(value, str):
            sheet.write_blank(row, position, None, number_format)
        elif isinstance(value, bool | np.bool_):
            sheet.write_boolean(row, position, bool(value), number_format)
        elif isinstance(value, int | np.integer):
            sheet.write_number(row, position, int(value), number_format)
        elif isinstance(value, float | np.floating):
            number(row, position, float(value))
        elif isinstance(value, Decimal):
            sheet.write_number(row, position, value, number_format)
        elif isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                raise ValueError("Excel does not support datetimes with timezones")
            sheet.write_datetime(row, position, value, times)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, position, value, dates)
        elif isinstance(value, dt.timedelta):
            sheet.write_number(row, position, value.total_seconds() / 86400, days)
        elif isinstance(value, np.datetime64 | np.timedelta64) and np.isnat(value):
            sheet.write_blank(row, position, None, number_format)
        else:
            sheet.write_string(row, position, str(value), number_format)

    return write
