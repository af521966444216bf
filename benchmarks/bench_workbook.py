"""Writing a results workbook: offset's writer against the one before it, in one process.

`xlsxwriter`: `write_frame(..., .xlsx)` as offset writes it (`documents.workbook`: xlsxwriter
row by row, number formats per kind of figure, frozen header, filter, widths). `openpyxl`: the
writer before it (pandas' `to_excel` through openpyxl, then the formats set cell by cell),
kept here to compare with: the same cells, the same formats and widths. Interleaved rounds,
best of each; the ratio is the saving.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import timeit
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from offset.documents import output
from offset.documents.figures import EXCEL_FORMATS, column_kinds, formatter
from offset.documents.workbook import PIXELS_PER_CHARACTER, _width


def frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "system_id": [f"pv-{i}" for i in range(rows)],
            "municipality": rng.choice(["伊那市", "松本市", "長野市"], rows),
            "fy": 2024,
            "generation_kwh": rng.uniform(1000, 9000, rows),
            "reduction_tco2e": rng.uniform(0, 4, rows),
            "creditable_tco2e": rng.uniform(0, 2, rows),
            "issued": rng.integers(0, 5, rows),
        }
    )


def openpyxl_workbook(data: pd.DataFrame, path: Path) -> None:
    """The writer before xlsxwriter (main before the national report's work)."""
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as book:
        data.to_excel(book, sheet_name="results", index=False)
        sheet: Any = book.sheets["results"]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(data.columns))}{len(data) + 1}"
        sample = data.head(1000)
        for position, kind in enumerate(column_kinds(data), 1):
            if kind is not None and len(data):
                column = sheet.iter_rows(
                    min_row=2, max_row=len(data) + 1, min_col=position, max_col=position
                )
                cells = [c for (c,) in column]
                cells[0].number_format = EXCEL_FORMATS[kind]
                for cell in cells[1:]:
                    cell._style = copy.copy(cells[0]._style)
            shown = formatter(kind)
            values = [str(data.columns[position - 1]),
                      *map(shown, sample.iloc[:, position - 1].tolist())]  # fmt: skip
            width = round(_width(values) * PIXELS_PER_CHARACTER) / PIXELS_PER_CHARACTER
            sheet.column_dimensions[get_column_letter(position)].width = width


def cells(path: Path) -> list[tuple[object, ...]]:
    """Each cell's value, type and number format, row by row, and each column's width."""
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    found: list[tuple[object, ...]] = [
        (c.value, c.data_type if c.value is not None else None, c.number_format)
        for row in sheet.iter_rows()
        for c in row
    ]
    widths = {}
    for dimension in sheet.column_dimensions.values():
        for column in range(dimension.min or 0, (dimension.max or 0) + 1):
            widths[column] = dimension.width
    return [*found, *sorted(widths.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "results.xlsx"
        before = Path(tmp) / "before.xlsx"
        now, then = [], []
        for _ in range(args.repeat):  # interleaved: the machine's noise hits both alike
            now.append(timeit.timeit(lambda: output.write_frame(data, target), number=1))
            then.append(timeit.timeit(lambda: openpyxl_workbook(data, before), number=1))
        same = cells(target) == cells(before)
    print(f"rows {args.rows}")
    print(f"same_cells {same}")
    print(f"xlsxwriter_s {min(now):.3f}")
    print(f"openpyxl_s {min(then):.3f}")
    print(f"openpyxl_over_xlsxwriter {min(then) / min(now):.2f}")


if __name__ == "__main__":
    main()
