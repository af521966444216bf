"""report.xlsx opens right (issue 15 item): numbers are numbers in their kind's format (tonnes
to three decimals, credits as integers with separators), the header row is frozen with a
filter, and a provenance sheet holds what manifest.json says produced the figures."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from offset.cli.app import app
from offset.figures import kind_of
from tests.conftest import REPOSITORY

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
        app, ["run", str(REPOSITORY / "scenarios" / "shinjuku-ina.toml"), "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out / "report.xlsx")
    summary = book["summary"]
    header = [c.value for c in summary[1]]
    first = {name: summary.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert isinstance(first["creditable_tco2e"].value, float)
    assert first["creditable_tco2e"].number_format == "#,##0.000"
    assert isinstance(first["issued"].value, int)
    assert first["issued"].number_format == "#,##0"
    assert first["fy"].number_format == "General"
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref is not None
    assert summary.column_dimensions["B"].width >= len("reduction_tco2e")

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sheet = book["provenance"]
    items = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert items["scenario sha256"] == manifest["scenario"]["sha256"]
    for table in manifest["factor_tables"]:
        assert items[f"factor table {table['table']}"] == table["sha256"]
    assert "FY N-1 results" in items["factor year rule"]
