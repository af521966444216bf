"""report.xlsx opens right (issue 15 item): numbers are numbers in their kind's format (tonnes
to three decimals, credits as integers with separators), the header row is frozen with a
filter, and a provenance sheet holds what manifest.json says produced the figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from typer.testing import CliRunner

from offset.cli.app import app
from offset.documents.figures import kind_of
from offset.documents.output import write_sheets_to
from tests.conftest import REPOSITORY
from tests.reports import column_keys

keys = column_keys()
runner = CliRunner()


def test_kinds_of_figures_from_column_names() -> None:
    assert kind_of("creditable_tco2e", integer=False) == "tonnes"
    assert kind_of("issued", integer=True) == "credits"
    assert kind_of("generation_kwh", integer=False) == "energy"
    assert kind_of("value_jpy", integer=True) == "yen"
    assert kind_of("grid_factor_t_co2_per_kwh", integer=False) == "factor"
    assert kind_of("fy", integer=True) is None  # 2024, not 2,024


def test_report_workbook_has_formats_frozen_headers_and_provenance(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        ["run", str(REPOSITORY / "scenarios" / "shinjuku-ina.toml"), "--out", str(out), "--no-pdf"],
    )
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out / "report.xlsx")
    # Shinjuku's and Ina's scenario is in Japanese: sheets and headers in Japanese
    summary = book["年度別の概要"]
    header = [c.value for c in summary[1]]
    first = {keys[name]: summary.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert isinstance(first["creditable_tco2e"].value, float)
    assert first["creditable_tco2e"].number_format == "#,##0.0"  # a summary: one decimal
    assert isinstance(first["issued"].value, int)
    assert first["issued"].number_format == "#,##0"
    assert first["fy"].number_format == "General"
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref is not None
    assert summary.column_dimensions["B"].width >= len("削減量 (t-CO2)") + 4  # kanji: two columns
    issuance = book["クレジットの発行"]
    header = [keys.get(str(c.value)) for c in issuance[1]]
    carried = issuance.cell(row=2, column=header.index("carried_out_tco2e") + 1)
    assert carried.number_format == "#,##0.000"  # a detail table: three decimals

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sheet = book["算定の根拠"]
    items = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert items["シナリオの SHA-256"] == manifest["scenario"]["sha256"]
    for table in manifest["factor_tables"]:
        assert items[f"係数表 {table['table']}"] == table["sha256"]
    assert "N-1年度の実績" in items["係数の年度の選び方"]  # the year rule in the sheet's language


def test_every_cell_is_written_by_its_type(tmp_path: Path) -> None:
    # the cells pandas' to_excel wrote through openpyxl before xlsxwriter: numbers as numbers in
    # their kind's format, missing values empty (in the column's format), booleans, dates in
    # pandas' formats, text as text (never a formula), anything else as its text
    frame = pd.DataFrame(
        {
            "fy": [2024, 2025, 2026],
            "reduction_tco2e": [1.5, np.nan, np.inf],
            "issued": [1, 2, 3],
            "name": ["=SUM(A1)", "", None],
            "flag": [True, False, True],
            "mixed": [1, "x", 2.5],
            "day": [dt.date(2026, 1, 2), None, dt.date(2025, 3, 4)],
            "at": pd.to_datetime(pd.Series(["2026-01-02 03:04:05", None, "2026-01-02 00:00:00"])),
            "code": pd.Categorical(["a", "b", None]),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "took": [dt.timedelta(days=1, hours=12), None, dt.timedelta(0)],
        }
    )
    write_sheets_to({"x" * 40: frame, "empty": frame.head(0), "none": pd.DataFrame()},
                    tmp_path / "book.xlsx")  # fmt: skip
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames == ["x" * 31, "empty", "none"]
    sheet = book["x" * 31]
    assert [c.value for c in sheet[1]] == list(frame.columns)
    cells = {name: [sheet.cell(row=r, column=i + 1) for r in (2, 3, 4)]
             for i, name in enumerate(frame.columns)}  # fmt: skip
    values = {name: [c.value for c in column] for name, column in cells.items()}
    assert values["fy"] == [2024, 2025, 2026]
    assert values["reduction_tco2e"] == [1.5, None, "inf"]  # pandas' inf_rep
    assert [c.number_format for c in cells["reduction_tco2e"]] == ["#,##0.000"] * 3
    assert [c.number_format for c in cells["issued"]] == ["#,##0"] * 3
    assert values["name"] == ["=SUM(A1)", None, None]
    assert cells["name"][0].data_type == "s"  # text, not a formula
    assert values["flag"] == [True, False, True]
    assert values["mixed"] == [1, "x", 2.5]
    assert values["day"] == [dt.datetime(2026, 1, 2), None, dt.datetime(2025, 3, 4)]
    assert cells["day"][0].number_format == "YYYY-MM-DD"
    assert values["at"] == [dt.datetime(2026, 1, 2, 3, 4, 5), None, dt.datetime(2026, 1, 2)]
    assert cells["at"][0].number_format == "YYYY-MM-DD HH:MM:SS"
    assert values["code"] == ["a", "b", None]
    assert values["count"] == [1, None, 3]
    assert values["took"] == [1.5, None, 0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K4"
    assert sheet.column_dimensions["B"].width == len("reduction_tco2e") + 2
    assert [c.value for c in book["empty"][1]] == list(frame.columns)
    assert book["empty"].max_row == 1
    assert book["none"].max_row == 1
    assert book["none"]["A1"].value is None
