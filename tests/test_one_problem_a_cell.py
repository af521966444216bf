"""A cell the reading refused is named once: an office's 林齢 '三十' was refused as not a number
and again by the forest method as 'give age_yr, age_class or planted_fy' (列「林齢」 twice), and
an LED台数 '百' as not a number and as 'required for lighting rows'; the second line read as a
second mistake to look for. Through `offset calc` and `offset run` alike."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.refusals import refused_calc
from tests.test_grid_missing import LED

runner = CliRunner()

STANDS = (
    "林小班,市町村,都道府県,樹種,林齢,面積(ha),成長量(m3/ha),森林経営計画\n"
    "1-い,伊那市,長野県,スギ,三十,1.0,5,有\n"
    "1-ろ,伊那市,長野県,スギ,30,1.0,5,有\n"
)


def test_a_refused_cell_is_not_refused_again_by_the_method(tmp_path: Path) -> None:
    stands = tmp_path / "stands.csv"
    stands.write_text(STANDS, encoding="utf-8")
    said = refused_calc("forest", stands, "ja", "--fy", "2024")
    assert said.count("列「林齢」") == 1, said
    assert "数値ではありません: '三十'" in said
    led = tmp_path / "led.csv"
    led.write_text(LED.replace(",100,40,18,", ",百,40,18,"), encoding="utf-8")
    said = refused_calc("renovation", led, "ja", "--fy", "2024")
    assert said.count("列「LED台数」") == 1, said


def test_a_scenario_names_a_refused_cell_once(tmp_path: Path) -> None:
    (tmp_path / "stands.csv").write_text(STANDS, encoding="utf-8")
    (tmp_path / "town.toml").write_text(
        '[scenario]\nname = "cells"\nfiscal_years = [2024, 2024]\n\n'
        '[parties.town]\nkind = "municipality"\nname = "伊那市"\njis_code = "202096"\n'
        'prefecture = "nagano"\n\n[projects.forest]\nmethod = "forest"\ndata = "stands.csv"\n'
        'owner = "town"\ninstrument = "municipal-credit"\n',
        encoding="utf-8",
    )
    refused = runner.invoke(
        app, ["run", str(tmp_path / "town.toml"), "--out", str(tmp_path / "out"), "--lang", "ja"]
    )
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert said.count("列「林齢」") == 1, said
