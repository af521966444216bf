"""A file's constants (its municipality and prefecture) and workbooks read by their FY sheets."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake.localities import Constants
from offset.intake.sheet_choice import choose, sheet_fy
from offset.jobs.calc import calculate_file
from offset.methods.calculation import CalcResult
from tests.conftest import EXAMPLES

OFFICE = EXAMPLES / "office"
CITY_LIST = (
    "受付番号,設置容量(kW),設置年月日,自家消費率\nA-1,4.5,2020-01-01,0.3\nA-2,3.9,2021-01-01,0.3\n"
)


def calc(path: Path, factors: FactorLibrary, fy: int | None = 2024, **kw: object) -> CalcResult:
    return calculate_file("solar", path, fy=fy, factors=factors, gwp_metric="AR5", **kw)  # type: ignore[arg-type]


def refused(path: Path, factors: FactorLibrary, fy: int | None = 2024, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        calc(path, factors, fy, **kw)
    return str(info.value)


def test_a_city_list_without_a_municipality_column(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "city.csv"
    path.write_text(CITY_LIST, encoding="utf-8")
    text = refused(path, factors)
    assert "required column is missing (municipality" in text
    assert "give it for the whole file (offset calc --municipality 202029" in text
    assert text.count("required column is missing (prefecture") == 1  # said once
    for given in ("202029", "松本市", "Matsumoto", "20202"):
        result = calc(path, factors, constants=Constants(given))
        assert result.results["municipality"].tolist() == ["202029", "202029"]
        assert result.results["municipality_name"].tolist() == ["松本市", "松本市"]
        assert result.results["prefecture"].tolist() == ["nagano", "nagano"]  # from the code
        assert "municipality 松本市 (長野県, 202029) for every row (--municipality)" in [
            str(n) for n in result.notices
        ]


def test_a_column_that_is_there_must_agree(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        "受付番号,市町村,都道府県,設置容量(kW),設置年月日\n"
        "A-1,松本,長野県,4.5,2020-01-01\n"
        "A-2,伊那市,長野県,3.9,2021-01-01\n"
        "A-3,,長野県,3.9,2021-01-01\n",  # a blank takes the file's municipality
        encoding="utf-8",
    )
    text = refused(path, factors, constants=Constants("202029"))
    assert (
        "row 3, column '市町村': the row's municipality '伊那市' (伊那市 (長野県, 202096)) is not"
        " the file's 松本市 (長野県, 202029) (--municipality)"
    ) in text
    assert "row 2" not in text
    assert "row 4" not in text
    prefecture = refused(path, factors, constants=Constants(None, "tokyo"))
    assert "row 2, column '都道府県': the row's prefecture '長野県' is not the file's 東京都" in (
        prefecture
    )


def test_constants_that_name_nothing(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "city.csv"
    path.write_text(CITY_LIST, encoding="utf-8")
    assert "key --municipality: '伊達' names several municipalities" in refused(
        path, factors, constants=Constants("伊達")
    )
    date = calc(path, factors, constants=Constants("伊達", "hokkaido"))  # the prefecture says
    assert set(date.results["municipality"]) == {"012335"}
    assert "key --municipality: 'アトランティス市' is not in the list of local governments" in (
        refused(path, factors, constants=Constants("アトランティス市"))
    )
    assert "key --prefecture: unknown prefecture 'atlantis'" in refused(
        path, factors, constants=Constants("202029", "atlantis")
    )


@pytest.mark.parametrize(
    ("name", "fy"),
    [("R6", 2024), ("令和6年度", 2024), ("2024年度", 2024), ("FY2024", 2024), ("2023", 2023),
     ("R5年度分", 2023), ("H30", 2018), ("集計", None), ("Sheet1", None), ("12", None)],
)  # fmt: skip
def test_a_sheet_named_for_an_fy(name: str, fy: int | None) -> None:
    assert sheet_fy(name) == fy


def test_which_sheets_are_read() -> None:
    names = ["R4", "R5", "R6", "集計"]
    assert [n for n, _ in choose(names, None, None).sheets] == ["R4", "R5", "R6"]
    assert choose(names, None, 2024).sheets == (("R6", 2024),)
    assert choose(names, None, 2021).problem is not None  # no sheet for the FY
    assert choose(names, ["R4"], 2024).problem is not None  # sheet R4 computed as FY2024
    assert choose(names, ["R4"], 2022).sheets == (("R4", 2022),)
    every = choose(names, ["all"], 2024)
    assert [n for n, _ in every.sheets] == ["R6", "集計"]
    assert every.every
    plain = choose(["一覧", "集計"], None, 2024)
    assert plain.sheets == (("一覧", None),)  # no FY sheets: the first


def test_fy_sheets_read_as_their_fys(factors: FactorLibrary) -> None:
    workbook = OFFICE / "pv_by_fy.xlsx"
    twin = OFFICE / "canonical" / "pv_by_fy.csv"
    city = Constants("202029")
    every = calc(workbook, factors, fy=None, constants=city)
    b = calc(twin, factors, fy=None).results
    a = every.results
    assert a["fy"].tolist() == b["fy"].tolist() == [2022] * 3 + [2023] * 4 + [2024] * 5
    for column in ("generation_kwh", "reduction_tco2e", "creditable_tco2e"):
        assert a[column].tolist() == pytest.approx(b[column].tolist(), rel=1e-12)
    assert any(str(n).startswith("read the FY sheets R4 (FY2022), R5 (FY2023), R6") for n in
               every.notices)  # fmt: skip
    # --fy reads that FY's sheet, whose rows are that FY's
    fy2024 = calc(workbook, factors, fy=2024, constants=city).results
    assert fy2024["fy"].tolist() == [2024] * 5
    assert fy2024["creditable_tco2e"].tolist() == pytest.approx(
        b[b["fy"] == 2024]["creditable_tco2e"].tolist(), rel=1e-12
    )
    assert "sheet R4 (FY2022) holds another FY's rows than FY2024" in refused(
        workbook, factors, 2024, sheet=["R4"], constants=city
    )
    assert "no sheet for FY2021; the workbook's FY sheets are R4 (FY2022)" in refused(
        workbook, factors, 2021, constants=city
    )
    every_sheet = calc(workbook, factors, fy=None, sheet=["all"], constants=city)
    assert len(every_sheet.results) == 12
    assert "left out sheet '集計': it lacks the columns of a list (capacity_kw, commissioned)" in [
        str(n) for n in every_sheet.notices
    ]


def test_a_row_of_another_fy_on_an_fy_sheet(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "R6"
    sheet.append(["受付番号", "設置容量(kW)", "設置年月日", "年度", "発電量"])
    sheet.append(["A-1", 4.5, "2020-01-01", "R6", 5000])
    sheet.append(["A-2", 4.5, "2020-01-01", "R5", 5000])
    book.save(path)
    assert (
        "sheet 'R6', row 3, column '年度': the row's FY2023 is not its sheet's: sheet 'R6' holds"
        " FY2024's rows"
    ) in refused(path, factors, None, constants=Constants("202029"))


def test_a_repeat_within_one_fy_sheet_names_the_sheet(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = tmp_path / "pv_by_fy.xlsx"
    shutil.copy(OFFICE / "pv_by_fy.xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book["R6"]
    sheet.insert_rows(9)  # above the 計 row
    for column, value in enumerate(["太補04-0001", 4.5, "2022-05-20", 5080, 1690], start=1):
        sheet.cell(row=9, column=column, value=value)
    book.save(path)
    text = refused(path, factors, None, constants=Constants("202029"))
    assert (
        "sheet 'R6', row 9, column '受付番号': repeats row R6!4: the same 受付番号 '太補04-0001'"
        in (text)
    )
    assert "R4" not in text.split("repeats")[0]  # the same system in R4 and R5 is no repeat


def test_problems_of_places_read_in_japanese(tmp_path: Path, factors: FactorLibrary) -> None:
    """Every new refusal is a catalogued message: a Japanese user reads it in Japanese."""
    path = tmp_path / "pv.csv"
    path.write_text(
        "番号,市町村,設置容量(kW),設置日\n1,伊達,4.5mw,2020-01-01\n1,府中市,4.5,R2.1.1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        calc(path, factors)
    text = "\n".join(p.render("ja") for p in info.value.problems)
    assert (
        "2行目, 列「市町村」: 「伊達」に当たる自治体が複数あります: 伊達市 (北海道, 012335)" in text
    )
    assert "2行目, 列「設置容量(kW)」: '4.5mw' の単位「mw」は MW / mW のどれとも読めます" in text
    assert "3行目, 列「番号」: 2行目と同じ番号「1」の行です" in text
    with pytest.raises(InputError) as info:
        calc(path, factors, constants=Constants("伊達"))
    constant = [p for p in info.value.problems if p.key == "--municipality"]
    expected = (
        "キー --municipality: 「伊達」に当たる自治体が複数あります: 伊達市 (北海道, 012335),"
        " 伊達市 (福島県, 072133)。行の都道府県 (都道府県の列か --prefecture) を入れるか、"
        "正式名か団体コードで書いてください"
    )
    assert constant[0].render("ja").endswith(expected)
