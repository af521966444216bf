"""`offset factors import-yield`: a 収穫表 in the layout prefectures print (齢級 lines x 地位
columns), checked cell by cell, then used by a stand that names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.factors import FactorLibrary
from offset.factors.yield_import import age_class, site_class
from offset.jobs.calc import calculate_file

# A table in the printed layout (its numbers made up for the test: no prefectural table could
# be read in full, see README "Forest")
TABLE = """スギ林分収穫表 (試験用)
齢級,地位1,地位2,地位3
Ⅰ,5,3,2
Ⅱ,40,30,20
Ⅲ,100,80,55
Ⅳ,170,135,95
Ⅴ,240,190,140
Ⅵ,300,240,180
Ⅶ,350,285,215
Ⅷ,395,325,245
"""
ARGS = [
    "--region", "test_region", "--species", "sugi", "--source", "試験用の表",
    "--publisher", "test", "--published", "2026",
]  # fmt: skip


def run(tmp_path: Path, text: str) -> tuple[int, str]:
    source = tmp_path / "table.csv"
    source.write_text(text, encoding="utf-8")
    into = tmp_path / "mine"
    result = CliRunner().invoke(
        app, ["factors", "import-yield", str(source), "--into", str(into), *ARGS, "--lang", "en"]
    )
    return result.exit_code, result.output


def test_a_printed_table_goes_in_and_a_stand_uses_it(tmp_path: Path) -> None:
    code, output = run(tmp_path, TABLE)
    assert code == 0, output
    assert "24 rows" in output
    stands = tmp_path / "stands.csv"
    stands.write_text(
        "林小班,市町村,都道府県,樹種,齢級,面積,地位,収穫表,森林経営計画\n"
        "1-1,伊那市,長野県,スギ,7齢級,2.0,2,test_region,有\n",
        encoding="utf-8",
    )
    library = FactorLibrary(overlay=tmp_path / "mine")
    result = calculate_file("forest", stands, fy=2024, factors=library, gwp_metric="AR5")
    r = result.results.iloc[0]
    # 7齢級, 地位2: (V_8 - V_7) / 5 = (325 - 285) / 5 = 8 m3/ha/yr;
    # 2.0 ha x 8 x 0.902789 (sugi >= 21 yr) = 14.4446 t-CO2
    assert r["growth_m3_per_ha_yr"] == pytest.approx(8.0)
    assert r["reduction_tco2e"] == pytest.approx(14.4446, abs=1e-4)
    assert "test_region/sugi/2/7" in str(r["yield_factor_id"])
    assert not any("SYNTHETIC" in w for w in result.warnings)


def test_every_bad_cell_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    bad = TABLE.replace("Ⅲ,100,80,55", "Ⅲ,100,-,55").replace("Ⅵ,300,240,180\n", "")
    bad = bad.replace("Ⅷ,395,325,245", "Ⅷ,395,280,245")
    code, output = run(tmp_path, bad)
    assert code != 0
    assert "row 5, column '地位2'" in output  # '-' is no volume
    assert "age classes 6 are missing" in output
    assert "falls with age" in output  # 地位2: 285 then 280
    assert not (tmp_path / "mine" / "forest_yield.csv").exists()


@pytest.mark.parametrize(
    ("header", "site"), [("1", 1), ("地位2", 2), ("3等地", 3), ("Ⅳ", 4), ("地位級V", 5), ("下", 3)]
)
def test_site_class_headers(header: str, site: int) -> None:
    assert site_class(header) == site


def test_age_class_lines() -> None:
    assert age_class("7齢級", in_years=False) == 7
    assert age_class("Ⅻ", in_years=False) == 12
    assert age_class("35", in_years=True) == 7  # 林齢 35 ends the 7th class
    assert age_class("33", in_years=True) is None


def _workbook(path: Path, hidden: tuple[int, ...] = ()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "収穫表"
    for line in TABLE.splitlines():
        sheet.append([float(c) if c.isdigit() else c for c in line.split(",")])
    for row in hidden:
        sheet.row_dimensions[row].hidden = True
    book.save(path)
    return path


def test_a_workbook_is_read_as_office_files_are(tmp_path: Path) -> None:
    """The table's workbook went through pandas.read_excel: a hidden row was read without a
    word, and a shared string -1 read the workbook's last string. Now the hidden rows are
    named (and read), and a shared string outside the table is refused with its cell."""
    into = tmp_path / "mine"
    source = _workbook(tmp_path / "table.xlsx", hidden=(4, 5))

    def imported(path: Path) -> tuple[int, str]:
        result = CliRunner().invoke(
            app, ["factors", "import-yield", str(path), "--into", str(into), *ARGS, "--lang", "ja"]
        )
        return result.exit_code, result.output

    code, output = imported(source)
    assert code == 0, output
    assert "シート「収穫表」の非表示の行4-5も読みました" in output
    assert len(FactorLibrary(overlay=into)["forest_yield"].rows.query("region == 'test_region'"))
    from tests.attacks.office import SHEET, part, rewrite

    spoilt = rewrite(
        _workbook(tmp_path / "plain.xlsx"),
        tmp_path / "spoilt.xlsx",
        part(SHEET, lambda d: d.replace(b'<c r="A1" t="inlineStr"><is><t>',
                                        b'<c r="A1" t="s"><v>-1</v><is><t>', 1)),
    )  # fmt: skip
    code, output = imported(spoilt)
    assert code == 2, output
    assert "セル A1 が共有文字列の-1番を指していますが" in output
    assert "Traceback" not in output
