"""A city's own lists as they are, through `offset calc` and a three-FY `offset run` (issue 28):
a workbook with one sheet per FY and no 市町村 column, units in lower case, a pasted duplicate,
municipalities written in four forms. Each real system counted once; each municipality named
once, in every table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from tests.conftest import EXAMPLES, REPOSITORY

runner = CliRunner()
OFFICE = EXAMPLES / "office"
SCENARIO = REPOSITORY / "scenarios" / "city-pv-by-fy.toml"


def scenario_beside(tmp_path: Path, workbook: Path, more: str = "") -> Path:
    """The shipped city-pv-by-fy scenario reading `workbook`, written into `tmp_path`."""
    text = SCENARIO.read_text(encoding="utf-8").replace(
        'data = "../examples/office/pv_by_fy.xlsx"', f'data = "{workbook.name}"{more}'
    )
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def pasted(tmp_path: Path) -> Path:
    """pv_by_fy.xlsx with 太補04-0001 pasted again at the end of the R6 sheet (above its 計)."""
    path = tmp_path / "pv_by_fy.xlsx"
    shutil.copy(OFFICE / "pv_by_fy.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book["R6"]
    sheet.insert_rows(9)
    for column, value in enumerate(["太補04-0001", "4.5kw", "R4.5.20", "5,080", 1690], start=1):
        sheet.cell(row=9, column=column, value=value)
    book.save(path)
    return path


def test_a_city_list_by_fy_through_calc(tmp_path: Path) -> None:
    out = tmp_path / "pv.csv"
    result = runner.invoke(
        app,
        ["calc", "solar", str(OFFICE / "pv_by_fy.xlsx"), "--municipality", "202029",
         "--out", str(out), "--lang", "ja"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # the summary names it once, by its code (the table may wrap the label)
    assert "松本市" in result.output
    assert "(202029)" in result.output
    assert "no --fy given" not in result.output  # the sheets give each row its FY
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype={"municipality": str})
    assert set(rows["municipality"]) == {"202029"}
    assert set(rows["municipality_name"]) == {"松本市"}
    assert rows["fy"].tolist() == [2022] * 3 + [2023] * 4 + [2024] * 5
    assert rows["capacity_kw"].tolist()[:3] == [4.5, 3.9, 7.2]  # 3.9kw, 7.2KW


def test_a_pasted_row_is_refused_by_calc_and_run(tmp_path: Path) -> None:
    workbook = pasted(tmp_path)
    calc = runner.invoke(
        app,
        ["calc", "solar", str(workbook), "--municipality", "202029",
         "--out", str(tmp_path / "r.csv"), "--lang", "en"],
    )  # fmt: skip
    assert calc.exit_code == 2
    both = "sheet 'R6', row 9, column '受付番号': repeats row R6!4: the same 受付番号 '太補04-0001'"
    assert both in calc.output
    assert not (tmp_path / "r.csv").exists()
    path = scenario_beside(tmp_path, workbook)
    run = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert run.exit_code == 2
    assert both in run.output
    assert not (tmp_path / "out" / "ledger.db").exists()  # nothing posted


def test_the_project_may_count_the_first_row(tmp_path: Path) -> None:
    """duplicates = "first": the pasted row is left out, and every figure is the original's."""
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(OFFICE / "pv_by_fy.xlsx", original / "pv_by_fy.xlsx")
    first = tmp_path / "first"
    first.mkdir()
    pasted(first)
    runs = {}
    for directory, more in ((original, ""), (first, '\nduplicates = "first"')):
        path = scenario_beside(directory, directory / "pv_by_fy.xlsx", more)
        out = directory / "out"
        result = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-pdf"])
        assert result.exit_code == 0, result.output
        runs[directory.name] = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(runs["original"], runs["first"])


def test_a_three_fy_run_names_one_municipality_in_every_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SCENARIO), "--out", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    reductions = pd.read_csv(out / "tables" / "reductions.csv", encoding="utf-8-sig", dtype=str)
    assert reductions["年度"].tolist() == ["2022", "2023", "2024"]
    assert set(reductions["自治体 (団体コード)"]) == {"202029"}
    assert set(reductions["自治体"]) == {"松本市"}  # the official name, not the party's label
    sheets = pd.read_excel(out / "report.xlsx", sheet_name=None)
    reduction_sheet = next(f for n, f in sheets.items() if "自治体" in f.columns)
    assert set(reduction_sheet["自治体"]) == {"松本市"}
    html = (out / "report.html").read_text(encoding="utf-8")
    pivot = html.split("自治体別 (t-CO2)")[1].split("</table>")[0]
    assert "<td>松本市</td>" in pivot
    assert "202029" not in pivot
    # FY sheets read right: each FY's results come from its own sheet's rows
    for fy, sheet, rows in ((2022, "R4", 3), (2023, "R5", 4), (2024, "R6", 5)):
        results = pd.read_csv(out / "results" / f"matsumoto-pv-fy{fy}.csv", encoding="utf-8-sig")
        assert set(results["sheet"]) == {sheet}
        assert results["row"].tolist() == list(range(4, 4 + rows))
        assert set(results["fy"]) == {fy}
    book = Ledger.open(f"sqlite:///{out / 'ledger.db'}")
    issued = {e.id: e.source for e in book.issuance_history("city-pv-by-fy:")}
    book.engine.dispose()
    source = issued["city-pv-by-fy:matsumoto-pv:fy2023:issue"]
    assert source is not None
    assert source["input"]["rows"] == "R5!4-7"  # the rows the FY's credits come from


def test_municipalities_in_four_forms_are_two(tmp_path: Path) -> None:
    """202029, 松本市, 松本, Matsumoto and まつもとし are one municipality; 伊那市, ina (with its
    row's prefecture) and 20209 another: the results name two, once each."""
    forms = OFFICE / "pv_municipality_forms.csv"
    out = tmp_path / "pv.csv"
    result = runner.invoke(app, ["calc", "solar", str(forms), "--fy", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype={"municipality": str})
    assert rows["municipality"].tolist() == ["202029"] * 5 + ["202096"] * 3
    assert rows["municipality_name"].tolist() == ["松本市"] * 5 + ["伊那市"] * 3
    twin = tmp_path / "twin.csv"
    runner.invoke(app, ["calc", "solar", str(OFFICE / "canonical" / forms.name), "--fy", "2024",
                        "--out", str(twin)])  # fmt: skip
    canonical = pd.read_csv(twin, encoding="utf-8-sig")
    assert rows["creditable_tco2e"].tolist() == canonical["creditable_tco2e"].tolist()


def test_a_dry_run_lists_every_problem_of_every_project(tmp_path: Path) -> None:
    shutil.copy(OFFICE / "pv_municipality_forms.csv", tmp_path / "forms.csv")
    bad = (tmp_path / "forms.csv").read_text(encoding="utf-8").replace("3.9kw", "3.9mw")
    (tmp_path / "forms.csv").write_text(bad.replace("P-08,20209", "P-08,府中市"), encoding="utf-8")
    workbook = pasted(tmp_path)
    path = scenario_beside(tmp_path, workbook)
    text = path.read_text(encoding="utf-8") + (
        '\n[projects.area-pv]\nmethod = "solar"\ndata = "forms.csv"\nowner = "matsumoto"\n'
        'instrument = "J-Credit"\n'
    )
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(path), "--out", str(tmp_path / "out"), "--dry-run", "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "3 problem(s); nothing was posted." in result.output
    assert "forms.csv, row 3, column '設置容量(kW)': the unit 'mw' in '3.9mw' reads as" in (
        result.output
    )
    assert (
        "forms.csv, row 9, column '市町村': '府中市' is 府中市 (東京都, 132063), 府中市 (広島県,"
        in (result.output)
    )
    assert "pv_by_fy.xlsx, sheet 'R6', row 9, column '受付番号': repeats row R6!4" in (
        result.output
    )
    assert not (tmp_path / "out").exists()


def test_keep_going_writes_the_refused_rows_beside_the_results(tmp_path: Path) -> None:
    workbook = pasted(tmp_path)
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"pv{suffix}"
        result = runner.invoke(
            app,
            ["calc", "solar", str(workbook), "--municipality", "202029", "--keep-going",
             "--out", str(out), "--lang", "en"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "--keep-going: computed 12 rows; refused 1 rows (1 problems)" in result.output
        rejects = tmp_path / f"pv.rejects{suffix}"
        assert f"rejects:  {rejects}" in result.output
        frame = (
            pd.read_csv(rejects, encoding="utf-8-sig")
            if suffix == ".csv"
            else pd.read_excel(rejects)
        )
        assert frame[["sheet", "row", "column"]].values.tolist() == [["R6", 9, "受付番号"]]
        assert frame["reason"].iloc[0].startswith("repeats row R6!4")
        assert frame["system_id"].iloc[0] == "太補04-0001"
        manifest = json.loads((tmp_path / "pv.manifest.json").read_text(encoding="utf-8"))
        assert manifest["rejected"] == {"rows": 1, "problems": 1, "file": str(rejects)}
