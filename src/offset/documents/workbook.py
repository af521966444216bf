"""An Excel sheet that opens right: numbers as numbers in the format their kind needs
(`figures`), a frozen header row with a filter, and columns wide enough to read."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from offset.documents.figures import EXCEL_FORMATS, column_kinds, formatter

MIN_WIDTH, MAX_WIDTH = 8, 60  # characters


def _width(values: list[str]) -> float:
    """Display width of the longest value (a full-width character takes two columns)."""
    longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in values), default=0)
    return float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))


def _number_format(sheet: Any, column: int, rows: int, number_format: str) -> None:
    """One number format down a column: resolved once, then its style array shared by copy
    (openpyxl's number_format setter looks the style up again for every cell)."""
    cells = [
        c for (c,) in sheet.iter_rows(min_row=2, max_row=rows + 1, min_col=column, max_col=column)
    ]
    cells[0].number_format = number_format
    style = cells[0]._style
    for cell in cells[1:]:
        cell._style = copy.copy(style)


def format_sheet(
    sheet: Any, frame: pd.DataFrame, kinds: Sequence[str | None] | None = None
) -> None:
    """Formats, widths, frozen header and filter for `frame` written at the top of `sheet`;
    `kinds` gives each column's kind of figure when its header is a label, not offset's name."""
    if len(frame.columns) == 0:
        return
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(frame.columns))
    sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    sample = frame.head(1000)  # widths from the first rows: a sheet of a million rows stays fast
    kinds = column_kinds(frame) if kinds is None else kinds
    for position, (column, kind) in enumerate(zip(map(str, frame.columns), kinds, strict=True), 1):
        letter = get_column_letter(position)
        shown = formatter(kind)
        if kind is not None and len(frame):
            _number_format(sheet, position, len(frame), EXCEL_FORMATS[kind])
        values = [column, *map(shown, sample.iloc[:, position - 1].tolist())]
        sheet.column_dimensions[letter].width = _width(values)
