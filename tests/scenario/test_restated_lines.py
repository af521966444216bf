"""What `offset run` prints under its restatement table, in a Japanese office's terminal: each
line named the project by its key and the FY in English (`pv FY2023: 入力データが変わりました`),
where the report beside it names the project by its title and the FY as 2023年度."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli import console
from offset.cli.app import app

runner = CliRunner()

SCENARIO = """
[scenario]
name = "restated-lines"
fiscal_years = [2023, 2024]

[parties.town]
kind = "municipality"
name = "伊那市"
jis_code = "202096"
prefecture = "nagano"

[projects.pv]
method = "solar"
title = "伊那市 住宅用太陽光発電"
data = "pv.csv"
owner = "town"
instrument = "municipal-credit"
"""
PV = "交付番号,太陽電池容量(kW),設置年月日,自家消費率\n{rows}"
ROWS = ["太補-1,{kw},令和4年5月1日,0.3\n", "太補-2,500,令和4年6月1日,0.3\n"]


def test_a_restatement_line_names_the_project_by_title_and_the_fy_in_japanese(
    tmp_path: Path, monkeypatch: object
) -> None:
    monkeypatch.setattr(console.out, "_width", 300)  # type: ignore[attr-defined]
    (tmp_path / "town.toml").write_text(SCENARIO, encoding="utf-8")
    pv = tmp_path / "pv.csv"
    pv.write_text(PV.format(rows=ROWS[0].format(kw=400) + ROWS[1]), encoding="utf-8")
    args = ["run", str(tmp_path / "town.toml"), "--out", str(tmp_path / "out"), "--no-pdf"]
    first = runner.invoke(app, [*args, "--lang", "ja"])
    assert first.exit_code == 0, first.output
    pv.write_text(PV.format(rows=ROWS[0].format(kw=40) + ROWS[1]), encoding="utf-8")
    for lang, line in (
        ("ja", "伊那市 住宅用太陽光発電 (pv) 2023年度: 入力データが変わりました"),
        ("en", "伊那市 住宅用太陽光発電 (pv) FY2023: data file changed"),
    ):
        dry = runner.invoke(app, [*args, "--dry-run", "--lang", lang])
        assert dry.exit_code == 0, dry.output
        assert line in dry.output, dry.output
        assert "  pv FY2023:" not in dry.output  # the line as it was (warnings keep the key)
