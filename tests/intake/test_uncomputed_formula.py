"""A formula cell with no saved value is said as a formula, not as a blank cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file


def test_a_formula_without_a_saved_value_is_said_as_such(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """openpyxl writes `=1+1` with no value (Excel saves one): not 空欄です but what it is."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "一覧"
    sheet.append(["番号", "市町村", "都道府県", "設置容量(kW)", "設置年月日", "自家消費率"])
    sheet.append(["1", "松本市", "長野県", "=1+1", "2020-01-01", 0.3])
    sheet.append(["2", "松本市", "長野県", None, "2020-01-01", 0.3])  # blank: said as blank
    path = tmp_path / "pv.xlsx"
    book.save(path)
    with pytest.raises(InputError) as info:
        calculate_file("solar", path, fy=2024, factors=factors, gwp_metric="AR5")
    [formula, blank] = info.value.problems
    assert (formula.file, formula.sheet, formula.row, formula.column) == (
        str(path),
        "一覧",
        2,
        "設置容量(kW)",
    )
    assert formula.render("en").endswith(
        "a formula without a computed value (the file was written by a program, not saved by"
        " Excel): open it in Excel and save it, or enter the value"
    )
    assert "計算結果が保存されていない数式です" in formula.render("ja")
    assert (blank.row, blank.render("ja").endswith("空欄です。値が必要です")) == (3, True)
