"""No column vanishes silently (issue 34): a supplier or menu column headed as offices and
English files head it is read, and every column the intake does not read is named in a notice
(file, sheet, letter, header), with the column it probably meant where one is close."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from offset.common.messages import Msg, text
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake.headers import Matcher
from offset.intake.inputs import check
from offset.intake.unread import KEYS
from offset.jobs.calc import calculate_file
from offset.methods import METHODS
from offset.methods.calculation import CalcResult, calculate
from offset.methods.common import CalcOptions

# 1,000,000 kWh metered, no auxiliary use: the reduction in t is the grid factor in g/kWh
HEADER = "system_id,municipality,prefecture,capacity_kw,commissioned,generation_kwh,auxiliary_kwh"
ROW = "pv-1,ina,nagano,900,2015-04-01,1000000,0"


@pytest.mark.parametrize("method", ["solar", "renovation", "savings"])
@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("supplier", "grid_entity"),
        ("Supplier", "grid_entity"),
        ("electricity_supplier", "grid_entity"),
        # as offices head it: a space, a full-width space, another case, a hyphen
        ("Electricity Supplier", "grid_entity"),
        ("ELECTRICITY\u3000SUPPLIER", "grid_entity"),
        ("electricity  supplier", "grid_entity"),
        ("Electricity-Supplier", "grid_entity"),
        ("Power Supplier", "grid_entity"),
        ("Supplier Menu", "grid_menu"),
        ("Factor Kind", "grid_factor_kind"),
        ("retailer", "grid_entity"),
        ("電気事業者", "grid_entity"),
        ("小売電気事業者", "grid_entity"),
        ("電力供給事業者", "grid_entity"),
        ("契約電力会社", "grid_entity"),
        ("電力会社名", "grid_entity"),  # 電力会社 + 名
        ("menu", "grid_menu"),
        ("メニュー", "grid_menu"),
        ("料金メニュー", "grid_menu"),
        ("契約メニュー", "grid_menu"),
        ("factor_kind", "grid_factor_kind"),
    ],
)
def test_supplier_and_menu_headers(method: str, header: str, column: str) -> None:
    match = Matcher(METHODS[method].contract, {}).match(header)
    assert match is not None
    assert not isinstance(match, str), match
    assert match.column.name == column


def test_a_supplier_column_headed_supplier_takes_the_suppliers_factor(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """FY2025 under the reporting rule takes the FY2024 list: TEPCO's residual (メニューM(残差))
    basic factor 0.000452 t/kWh x 1,000,000 kWh = 452 t, not the national average."""
    path = tmp_path / "pv.csv"
    path.write_text(f"{HEADER},supplier\n{ROW},東京電力エナジーパートナー株式会社\n", "utf-8")
    result = calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    row = result.results.iloc[0]
    assert str(row["grid_factor_id"]).startswith("grid_electricity:tepco/residual/basic@2024")
    assert row["reduction_tco2e"] == pytest.approx(452.0)
    assert result.manifest["input"]["headers"]["grid_entity"] == "supplier"
    assert not [n for n in result.notices if "not read" in n]


def test_a_supplier_column_headed_with_spaces_is_read_not_hinted(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """`Electricity Supplier` (a space where the column's name has `_`) is the supplier column:
    TEPCO's residual factor, as `supplier` takes, and no notice of a column not read."""
    path = tmp_path / "pv.csv"
    path.write_text(
        f"{HEADER},Electricity Supplier\n{ROW},東京電力エナジーパートナー株式会社\n", "utf-8"
    )
    result = calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    row = result.results.iloc[0]
    assert str(row["grid_factor_id"]).startswith("grid_electricity:tepco/residual/basic@2024")
    assert result.manifest["input"]["headers"]["grid_entity"] == "Electricity Supplier"
    assert not [n for n in result.notices if isinstance(n, Msg) and "unread" in n.key]


def test_two_headers_of_one_column_spelled_apart_are_one_header_twice(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """`Electricity Supplier` beside `electricity_supplier` is a column headed twice: refused,
    naming both letters, never one of them read silently."""
    path = tmp_path / "pv.csv"
    path.write_text(f"{HEADER},Electricity Supplier,electricity_supplier\n{ROW},a,b\n", "utf-8")
    with pytest.raises(InputError) as refused:
        calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    assert any(
        isinstance(p.message, Msg) and p.message.key == "header.duplicate"
        for p in refused.value.problems
    ), refused.value.problems


def _unread(folder: Path, factors: FactorLibrary, more: str) -> tuple[CalcResult, list[Msg]]:
    """A PV list with `more` columns (headers, then values) computed, and its unread notices."""
    headers, values = more.split("\n")
    path = folder / "pv.csv"
    path.write_text(f"{HEADER},{headers}\n{ROW},{values}\n", "utf-8")
    result = calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    return result, [n for n in result.notices if isinstance(n, Msg) and "unread" in n.key]


def test_unread_columns_are_named_with_what_they_probably_meant(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    result, notices = _unread(tmp_path, factors, "備考,電気事業社\n屋根置き,東京電力")
    assert [str(n) for n in notices] == [
        "pv.csv: columns not read (no input column of the method has these headers):"
        " H 備考, I 電気事業社",
        "pv.csv: column I '電気事業社' was not read; if it means '電気事業者' (column"
        " grid_entity), write that header or map it in a --columns file",
    ]
    assert [text(n, "ja") for n in notices] == [
        "pv.csv: 読み込まなかった列 (計算方法の入力列にない見出し): H 備考, I 電気事業社",
        "pv.csv: I 列「電気事業社」は読み込んでいません。"
        "「電気事業者」(grid_entity 列) のことなら、"
        "その見出しに直すか --columns のファイルで対応付けてください",
    ]
    # the row names no supplier: the national average, offset's default, its id says so
    assert "national_average" in str(result.results.iloc[0]["grid_factor_id"])
    assert result.manifest["input"]["notices"][-2:] == [str(n) for n in notices]


def test_no_hint_for_a_column_read_from_another_header(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    _, notices = _unread(tmp_path, factors, "電力会社,電気事業社\n東京電力,東京電力")
    assert [n.key for n in notices] == ["notice.unread_columns"]


def test_a_sheet_names_its_unread_and_unnamed_columns(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "R7"
    sheet.append(["太陽光発電 一覧"])
    sheet.append([*HEADER.split(","), "担当", None, "suplier"])
    sheet.append([*ROW.split(","), "山田", "メモ", "tepco"])
    path = tmp_path / "pv.xlsx"
    book.save(path)
    result = calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    said = [str(n) for n in result.notices if isinstance(n, Msg) and "unread" in n.key]
    said += [str(n) for n in result.notices if isinstance(n, Msg) and "unnamed" in n.key]
    assert said == [
        "pv.xlsx, sheet 'R7': columns not read (no input column of the method has these"
        " headers): H 担当, J suplier",
        "pv.xlsx, sheet 'R7': column J 'suplier' was not read; if it means 'supplier' (column"
        " grid_entity), write that header or map it in a --columns file",
        "pv.xlsx, sheet 'R7': columns I hold values under no header: not read",
    ]


def test_a_parquet_file_names_its_unread_columns_without_letters(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    frame = pd.DataFrame([dict(zip(HEADER.split(","), ROW.split(","), strict=True))])
    frame["担当"] = "山田"
    path = tmp_path / "pv.parquet"
    frame.to_parquet(path)
    result = calculate_file("solar", path, fy=2025, factors=factors, gwp_metric="AR5")
    said = [str(n) for n in result.notices if isinstance(n, Msg) and "unread" in n.key]
    assert said == [
        "pv.parquet: columns not read (no input column of the method has these headers): 担当"
    ]


def test_a_frame_passed_in_code_gets_the_notices_a_file_gets(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """The Python API's frame (`calculation.calculate`, `inputs.check`) is told of the columns
    it does not read as a file is, by the same rule (`unread`): a frame has no letters."""
    _, from_file = _unread(tmp_path, factors, "備考,電気事業社\n屋根置き,東京電力")
    frame = pd.read_csv(tmp_path / "pv.csv", dtype=str)
    options = CalcOptions(fy=2025, gwp_metric="AR5", file="pv.csv")
    result = calculate("solar", frame, factors, options)
    notices = [n for n in result.notices if isinstance(n, Msg) and "unread" in n.key]
    assert [n.key for n in notices] == [n.key for n in from_file]
    assert [str(n) for n in notices] == [
        "pv.csv: columns not read (no input column of the method has these headers):"
        " 備考, 電気事業社",
        "pv.csv: column - '電気事業社' was not read; if it means '電気事業者' (column"
        " grid_entity), write that header or map it in a --columns file",
    ]
    prepared, _ = check(frame, METHODS["solar"].contract, "pv.csv")  # its cells' problems aside
    assert [n for n in prepared.notices if n.key in KEYS] == notices
