"""An FY older than every grid list the tables hold: each method that multiplies electricity by
the grid factor refuses the row with the same sentence (the FY, the list its year rule takes,
import-grid or the row's own factor), never a zero. Found running an office's ten Aprils from
FY2015: the LED list read 'no emission factor for this row's carrier and FY' on its 改修内容
column, and the facility list's saved kWh counted 0 t with no word."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from tests.refusals import refused_calc

runner = CliRunner()

LED = (
    "施設名,市町村,都道府県,改修内容,完了日,LED台数,改修前消費電力(W),改修後消費電力(W),年間点灯時間\n"
    "本庁舎,伊那市,長野県,LED照明への交換,H26.6.1,100,40,18,3000\n"
)
FACILITY = "施設名,市町村,削減電力量(kWh),完了年月\n本庁舎,伊那市,12000,H26.9\n"
SAID = {
    "en": "no grid factor for FY2015: its year rule takes the FY2014 list",
    "ja": "2015年度の電力排出係数がありません: 年度規則は2014年度の一覧を使います",
}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(
    ("method", "rows"), [("renovation", LED), ("savings", FACILITY)], ids=["led", "facility"]
)
def test_an_fy_before_every_grid_list_is_refused_naming_the_list(
    tmp_path: Path, method: str, rows: str, lang: str
) -> None:
    data = tmp_path / "list.csv"
    data.write_text(rows, encoding="utf-8")
    said = refused_calc(method, data, lang, "--fy", "2015")
    assert SAID[lang] in said
    assert "import-grid" in said
    assert said.count(SAID[lang]) == 1  # one problem for the row, not one per check


def test_a_fuel_saving_of_the_same_year_still_computes(tmp_path: Path) -> None:
    """Only electricity needs a grid list: a kerosene saving of FY2015 is computed."""
    data = tmp_path / "list.csv"
    data.write_text("施設名,市町村,削減灯油量(L),完了年月\n本庁舎,伊那市,1000,H26.9\n", "utf-8")
    out = tmp_path / "out.csv"
    done = runner.invoke(app, ["calc", "savings", str(data), "--fy", "2015", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.exists()
