"""report.xlsx opens right (issue 15 item): numbers are numbers in their kind's format (tonnes
to three decimals, credits as integers with separators), the header row is frozen with a
filter, and a provenance sheet holds what manifest.json says produced the figures."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from offset.cli.app import app
from offset.documents.figures import kind_of
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
