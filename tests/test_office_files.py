"""Japanese office files in, as they are kept: examples/office against their canonical twins,
and each rule of the reading (headers, sheets, values, places, limits) with hand-built files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common import sheets
from offset.common.messages import CATALOGUE, Msg
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake.dates import to_date, to_year
from offset.intake.places import check_digit, municipality_code
from offset.jobs.calc import calculate_file
from offset.methods.calculation import CalcResult

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "examples" / "office"
COMPARED = ("reduction_tco2e", "creditable_tco2e")


def calc(method: str, path: Path, factors: FactorLibrary, **kw: object) -> CalcResult:
    return calculate_file(method, path, fy=2024, factors=factors, gwp_metric="AR5", **kw)  # type: ignore[arg-type]


def problems_of(method: str, path: Path, factors: FactorLibrary, **kw: object) -> list[str]:
    with pytest.raises(InputError) as info:
        calc(method, path, factors, **kw)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("method", "office", "twin"),
    [
        ("solar", "pv_subsidy_list.xlsx", "pv.csv"),
        ("solar", "pv_subsidy_list_cp932.csv", "pv.csv"),
        ("forest", "forest_register_cp932.csv", "forest.csv"),
        ("forest", "forest_register_ina.csv", "forest_register_ina.csv"),
        ("renovation", "renovation_wording.csv", "renovation_wording.csv"),
        ("savings", "facility_savings.csv", "facility_savings.csv"),
        ("renovation", "renovation_list.xlsx", "renovation.csv"),
    ],
)
def test_office_files_give_the_results_of_their_canonical_twins(
    factors: FactorLibrary, method: str, office: str, twin: str
) -> None:
    a = calc(method, OFFICE / office, factors).results
    b = calc(method, OFFICE / "canonical" / twin, factors).results
    assert len(a) == len(b) > 0
    assert a["municipality"].astype(str).tolist() == b["municipality"].astype(str).tolist()
    for column in COMPARED:
        assert a[column].tolist() == pytest.approx(b[column].tolist(), rel=1e-12), column


def test_pv_list_row_by_hand(factors: FactorLibrary) -> None:
    """Row 6 of the sheet: 9.54 kW commissioned 2020-06-13 (a 和暦 date cell), in service 3 whole
    years when FY2024 begins; Nagano's yield 1,055 kWh/kW/yr (MONSOLA-11 x K 0.73), degradation
    0.5 %/yr. The reporting rule takes the FY2023 results for FY2024: the national average
    0.000423, read only in a code seed file (unverified)."""
    result = calc("solar", OFFICE / "pv_subsidy_list.xlsx", factors)
    first = result.results.iloc[0]
    expected = 9.54 * 1055 * 0.995**3 * 0.000423
    assert first["reduction_tco2e"] == pytest.approx(expected)
    assert first["creditable_tco2e"] == pytest.approx(expected * 0.30 * (1 - 0.006))
    assert result.results.index[0] + 2 == 6  # the sheet's row
    notices = [str(n) for n in result.notices]
    assert "skipped rows 16: a total row (合計)" in notices
    assert any(n.startswith("header found in row 5 (two rows, flattened)") for n in notices)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("R6.4.1", dt.date(2024, 4, 1)),
        ("令和6年4月1日", dt.date(2024, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("H27/01/10", dt.date(2015, 1, 10)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("2024年4月1日", dt.date(2024, 4, 1)),
        ("2024/4/1", dt.date(2024, 4, 1)),
        ("２０２４／０４／０１", dt.date(2024, 4, 1)),
        ("2024/04/01 0:00", dt.date(2024, 4, 1)),
        ("20240401", dt.date(2024, 4, 1)),
        (45383, dt.date(2024, 4, 1)),  # Excel serial
        (dt.datetime(2024, 4, 1), dt.date(2024, 4, 1)),
    ],
)
def test_dates_as_offices_write_them(typed: object, day: dt.date) -> None:
    assert to_date(typed) == day


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("令和元年4月1日", "value.era_range"),  # 令和 began on 2019-05-01
        ("平成31年5月1日", "value.era_range"),
        ("昭和64年1月8日", "value.era_range"),
        ("平成元年1月7日", "value.era_range"),
        ("2023-02-30", "value.impossible_date"),
        ("S63", "value.year_only"),
        ("令和元年", "value.year_only"),
        ("2024/04/01 9:30", "value.time_of_day"),
        ("9999-12-31", "value.date_range"),
        ("next week", "value.not_date"),
        (True, "value.not_date"),
    ],
)
def test_impossible_dates_say_why(typed: object, key: str) -> None:
    found = to_date(typed)
    assert isinstance(found, Msg)
    assert found.key == key


def test_years_and_fiscal_years() -> None:
    assert to_year("令和6年度") == 2024
    assert to_year("R6") == 2024
    assert to_year("令和元年度") == 2019
    assert to_year("平成31年度") == 2019  # named before the change, still FY2019
    assert to_year("2024年度") == 2024
    assert to_year("S63") == 1988
    assert isinstance(to_year("平成32年度"), Msg)


def test_municipality_codes_and_their_check_digit() -> None:
    # 総務省's rule, checked by hand: 松本市 20202 -> 2*6+0*5+2*4+0*3+2*2 = 24, 24 mod 11 = 2,
    # 11 - 2 = 9; 長野市 20201 -> 22 mod 11 = 0 -> 11 -> 1; 鳥取県 31000 -> 23 mod 11 = 1 -> 10 -> 0
    assert check_digit("20202") == 9
    assert check_digit("20201") == 1
    assert check_digit("31000") == 0
    assert municipality_code("202029") == municipality_code("20202")
    assert municipality_code("202029").code == "202029"  # type: ignore[union-attr]
    wrong = municipality_code("202028")
    assert wrong is not None
    assert wrong.code is None
    assert wrong.check_digit == 9
    assert municipality_code(11002).code == "011002"  # type: ignore[union-attr]  # 札幌市
    assert municipality_code("松本市") is None


def write_pv(path: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


JA_HEADER = "番号,市町村,都道府県,太陽電池容量(kW),設置年月日,自家消費率"


def test_every_problem_of_an_office_file_in_one_pass(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = write_pv(
        tmp_path / "pv.csv",
        JA_HEADER,
        "1,松本市,長野県,9.54kWh,R2.6.13,30%",  # row 2: a unit of another dimension
        "2,202028,長野県,4.5,令和元年4月1日,0.3",  # row 3: check digit, a date before 令和
        "3,松本市,アトランティス,4.5,2020/1/1,0.3",  # row 4: no such prefecture
        "4,131016,長野県,1e308,2020/1/1,0.3",  # row 5: Tokyo's code in Nagano; huge
        "5,松本市,長野県,4.5,2020/1/1,0.3",
    )
    found = problems_of("solar", path, factors)
    text = "\n".join(found)
    assert "row 2, column '太陽電池容量(kW)': the unit 'kWh' in '9.54kWh' does not convert" in text
    assert "row 3, column '市町村': 団体コード '202028': the check digit should be 9" in text
    assert "row 3, column '設置年月日': '令和元年4月1日': 令和 runs from 2019-05-01" in text
    assert "row 4, column '都道府県': unknown prefecture 'アトランティス'" in text
    assert "row 5, column '市町村': 団体コード '131016' is in prefecture 13 (東京都)" in text
    assert "row 5, column '太陽電池容量(kW)': '1e308' is beyond any real figure" in text


def test_problems_in_japanese(tmp_path: Path) -> None:
    path = write_pv(tmp_path / "pv.csv", JA_HEADER, "1,松本市,長野県,abc,R2.6.13,0.3")
    result = CliRunner().invoke(app, ["calc", "solar", str(path), "--fy", "2024", "--lang", "ja"])
    assert result.exit_code == 2
    assert "2行目, 列「太陽電池容量(kW)」: 数値ではありません: 'abc'" in result.output
    assert "何も書き込んでいません" in result.output


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    import string

    for key, (english, japanese) in CATALOGUE.items():
        assert english, key
        assert japanese, key
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        # `{column_ja}` is the same field as `{column}`, named in Japanese (an office header)
        named = {f.removesuffix("_ja") for _, f, _, _ in string.Formatter().parse(japanese) if f}
        assert fields == named, key


def test_header_units_convert_and_disagreeing_ones_are_refused(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    watts = write_pv(
        tmp_path / "w.csv", "市町村,都道府県,出力（Ｗ）,設置日", "松本市,nagano,4500,2020-01-01"
    )
    kilowatts = write_pv(
        tmp_path / "kw.csv",
        "municipality,prefecture,capacity_kw,commissioned",
        "松本市,nagano,4.5,2020-01-01",
    )
    a = calc("solar", watts, factors).results["reduction_tco2e"].iloc[0]
    b = calc("solar", kilowatts, factors).results["reduction_tco2e"].iloc[0]
    assert a == pytest.approx(b)
    wrong = write_pv(
        tmp_path / "bad.csv", "市町村,都道府県,容量(kWh),設置日", "松本市,nagano,4.5,2020-01-01"
    )
    assert any(
        "the header's unit 'kWh' does not convert to 'kW'" in p
        for p in problems_of("solar", wrong, factors)
    )


def test_booleans_as_offices_write_them(tmp_path: Path, factors: FactorLibrary) -> None:
    rows = [
        f"s{i},伊那市,長野県,スギ,30,1.0,2.5,{v}"
        for i, v in enumerate(
            ["有", "無", "○", "×", "はい", "いいえ", "あり", "なし", "1", "0", "TRUE", "false"]
        )
    ]
    path = tmp_path / "stands.csv"
    path.write_text(
        "林小班,市町村,都道府県,樹種,林齢,面積(ha),成長量(m3/ha/年),森林経営計画\n"
        + "\n".join(rows)
        + "\n"
    )
    managed = calc("forest", path, factors).results["creditable_tco2e"].to_numpy() > 0
    assert managed.tolist() == [True, False] * 6


def test_latin1_is_refused_not_guessed(tmp_path: Path, factors: FactorLibrary) -> None:
    path = write_pv(
        tmp_path / "fr.csv",
        "municipality,prefecture,capacity_kw,commissioned",
        "Orléans,nagano,4.5,2020-01-01",
        encoding="latin-1",
    )
    [message] = problems_of("solar", path, factors)
    assert "not UTF-8 or Shift_JIS (CP932) text (tried utf-8-sig, cp932)" in message
    assert "Latin-1" in message


def test_workbook_limits_refuse_before_opening(
    tmp_path: Path, factors: FactorLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 1000)  # a zip bomb unpacks past the limit
    [message] = problems_of("solar", OFFICE / "pv_subsidy_list.xlsx", factors)
    assert "the workbook unpacks to" in message
    assert "the limit is 1,000" in message
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 1 << 30)
    monkeypatch.setattr(sheets, "MAX_CELLS", 50)
    [message] = problems_of("solar", OFFICE / "pv_subsidy_list.xlsx", factors)
    assert "more than 50 cells" in message


def test_sheets_duplicates_and_cells_of_the_wrong_type(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    missing = problems_of("solar", OFFICE / "pv_subsidy_list.xlsx", factors, sheet="なし")
    assert missing == [
        f"{OFFICE / 'pv_subsidy_list.xlsx'}: no sheet 'なし'; the workbook has: 太陽光補助金一覧, 集計"
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["市町村", "都道府県", "容量", "容量", "設置日"])
    sheet.append(["松本市", "長野県", True, 4.5, dt.datetime(2020, 1, 1)])
    sheet.append(["松本市", "長野県", dt.datetime(2020, 1, 1), 4.5, dt.datetime(2020, 1, 1)])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    text = "\n".join(problems_of("solar", path, factors))
    assert "the header '容量' appears more than once (columns C, D)" in text
    assert "sheet 'Sheet', row 2, column '容量': a true/false cell, not a number: True" in text
    assert (
        "sheet 'Sheet', row 3, column '容量': a date, not a number: '2020-01-01 00:00:00'" in text
    )


def test_a_column_map_for_anything_else(tmp_path: Path, factors: FactorLibrary) -> None:
    path = write_pv(
        tmp_path / "pv.csv", "設置場所,県,パネル(kW),稼働日", "松本市,長野県,4.5,R2.1.1"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\n"設置場所" = "municipality"\n"県" = "prefecture"\n"パネル(kW)" = "capacity_kw"\n"稼働日" = "commissioned"\n',
        encoding="utf-8",
    )
    result = calc("solar", path, factors, columns=mapping)
    assert result.results["municipality"].iloc[0] == "202029"
    assert result.results["municipality_name"].iloc[0] == "松本市"
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"県" = "prefectur"\n', encoding="utf-8")
    assert any(
        "no method reads; known: prefecture" in p
        for p in problems_of("solar", path, factors, columns=bad)
    )


def test_bad_input_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    path = write_pv(
        tmp_path / "pv.csv",
        JA_HEADER,
        "1,松本市,長野県,abc,R2.6.13,0.3",
        "2,松本市,長野県,4,R2.13.1,0.3",
    )
    out = tmp_path / "out" / "results.csv"
    result = CliRunner().invoke(
        app, ["calc", "solar", str(path), "--fy", "2024", "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "2 problem(s); nothing was written." in result.output
    assert not out.exists()
    assert not out.parent.exists()


def test_an_impossible_output_path_is_an_answer_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(
        app,
        [
            "calc",
            "solar",
            str(OFFICE / "canonical" / "pv.csv"),
            "--fy",
            "2024",
            "--out",
            str(blocker / "x.csv"),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2
    assert "cannot write the results" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def office_copy(tmp_path: Path) -> Path:
    """examples/office and scenarios/office-files.toml copied, to be spoilt by a test."""
    import shutil

    shutil.copytree(OFFICE, tmp_path / "examples" / "office")
    (tmp_path / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "office-files.toml", tmp_path / "scenarios")
    return tmp_path / "examples" / "office"


def test_csv_row_limit(
    tmp_path: Path, factors: FactorLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    [message] = problems_of("solar", OFFICE / "pv_subsidy_list_cp932.csv", factors)
    assert "more than 5 rows" in message


def test_a_scenario_reports_cells_and_method_checks_in_one_run(tmp_path: Path) -> None:
    register = office_copy(tmp_path) / "forest_register_cp932.csv"
    lines = register.read_text(encoding="cp932").splitlines()
    lines[2] = lines[2].replace(",12.4,", ",abc,")  # row 3: a cell that is no number
    lines[3] = lines[3].replace(",35,", ",,")  # row 4: no age (the method's own check)
    register.write_text("\r\n".join(lines) + "\r\n", encoding="cp932")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(tmp_path / "scenarios" / "office-files.toml"),
            "--out",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "row 3, column '面積(ha)': not a number: 'abc'" in result.output
    assert "row 4, column '林齢': give age_yr, age_class or planted_fy" in result.output
    assert not (out / "ledger.db").exists()


def test_the_methods_own_messages_are_translated() -> None:
    """Every plain message a method may report has its Japanese text (read from the code)."""
    import ast

    from offset.common.messages import PLAIN, text

    found = set()
    for path in (ROOT / "src" / "offset" / "methods").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            called = getattr(name, "id", getattr(name, "attr", None))
            if (
                isinstance(node, ast.Call)
                and called in ("rows_problems", "listed_problems")
                and len(node.args) >= 5
            ):
                message = node.args[4]
                if isinstance(message, ast.Lambda):
                    message = message.body
                if isinstance(message, ast.Constant) and isinstance(message.value, str):
                    found.add(message.value)
    assert len(found) >= 15
    assert found <= set(PLAIN), found - set(PLAIN)
    assert text("must be above 0", "ja") == "0 より大きくしてください"
    assert text("must be above 0", "en") == "must be above 0"


def test_broadleaf_and_other_conifers_ask_for_their_growing_stock(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """広葉樹 and その他針葉樹 have no wood density or BEF of their own: their IPCC BCEF is chosen
    by growing stock (蓄積), which the row must give; with it, they compute."""
    path = tmp_path / "stands.csv"
    header = "林小班,市町村,樹種,林齢,面積(ha),成長量(m3/ha/年),森林経営計画"
    rows = "a,伊那市,広葉樹,30,1,2,有\nb,伊那市,その他針葉樹,30,1,2,有\nc,伊那市,スギ,30,1,2,有\n"
    path.write_text(f"{header}\n{rows}", encoding="utf-8")
    found = problems_of("forest", path, factors)
    assert len(found) == 2
    assert "row 2, column 'stock_m3_per_ha'" in found[0]
    assert "growing stock" in found[0]
    assert "row 3, column 'stock_m3_per_ha'" in found[1]
    given = tmp_path / "with_stock.csv"
    stocked = "".join(f"{line},80\n" for line in rows.splitlines())
    given.write_text(f"{header},蓄積(m3/ha)\n{stocked}", encoding="utf-8")
    results = calc("forest", given, factors).results
    assert (results["reduction_tco2e"] > 0).all()


def test_a_run_with_many_rows_sharing_a_problem_is_an_answer(tmp_path: Path) -> None:
    """Found by fuzzing: more than LISTED_PER_CHECK rows with one problem in `offset run`."""
    register = office_copy(tmp_path) / "forest_register_cp932.csv"
    lines = register.read_text(encoding="cp932").splitlines()
    bad = lines[2].replace(",12.4,", ",-1,")
    register.write_text("\r\n".join([*lines[:2], *[bad] * 45]) + "\r\n", encoding="cp932")
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(tmp_path / "scenarios" / "office-files.toml"),
            "--out",
            str(tmp_path / "out"),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "... and 25 more rows with the problem of row 3" in result.output
