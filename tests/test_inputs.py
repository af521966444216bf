"""The input boundary: every problem at once with file, row and column; encodings and formats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from offset.common.problems import InputError
from offset.common.sheets import read_grid
from offset.factors import FactorLibrary
from offset.intake.inputs import LISTED_PER_CHECK
from offset.jobs.calc import calculate_file

HEADER = (
    "system_id,municipality,prefecture,capacity_kw,commissioned,generation_kwh,self_consumed_kwh\n"
)


def _problems(
    path: Path, factors: FactorLibrary, method: str = "solar"
) -> set[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as info:
        calculate_file(method, path, fy=2024, factors=factors, gwp_metric="AR5")
    return {(p.row, p.column, p.message) for p in info.value.problems}


def test_every_problem_is_reported_at_once(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        HEADER
        + "a,ina,nagano,abc,2020-01-01,,\n"  # row 2: text in a numeric column
        + "b,ina,nagano,-3,2020-01-01,,\n"  # row 3: negative capacity
        + "c,ina,atlantis,4,2020-01-01,,\n"  # row 4: unknown prefecture
        + "d,ina,nagano,4,2023-02-30,,\n"  # row 5: impossible date
        + "e,ina,nagano,,2020-01-01,,\n"  # row 6: capacity missing
        + "f,ina,nagano,4,2020-01-01,100,150\n"  # row 7: self-consumption above generation
        + "g,ina,nagano,inf,2020-01-01,,\n"  # row 8: not finite
    )
    found = _problems(path, factors)
    rows_columns = {(r, c) for r, c, _ in found}
    # One pass: the cells' types and the method's own checks together.
    assert {
        (2, "capacity_kw"),
        (3, "capacity_kw"),
        (4, "prefecture"),
        (5, "commissioned"),
        (6, "capacity_kw"),
        (7, "self_consumed_kwh"),
        (8, "capacity_kw"),
    } <= rows_columns
    messages = {m for _, _, m in found}
    assert "not a number: 'abc'" in messages
    assert "must be at least 0, got -3" in messages
    assert "no such date: '2023-02-30'" in messages
    assert "empty, but a value is required" in messages


def test_domain_problems_after_types_are_right(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        HEADER + "c,ina,atlantis,4,2020-01-01,,\n" + "f,ina,nagano,4,2020-01-01,100,150\n"
    )
    found = _problems(path, factors)
    assert {(r, c) for r, c, _ in found} == {(2, "prefecture"), (3, "self_consumed_kwh")}
    assert any(m.startswith("unknown prefecture 'atlantis'") for _, _, m in found)


def test_missing_columns_are_named_with_their_alternatives(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = tmp_path / "pv.csv"
    path.write_text("system_id,municipality\na,ina\n")
    found = _problems(path, factors)
    missing = {c: m for r, c, m in found if r is None}
    assert missing["capacity_kw"] == (
        "required column is missing (capacity_kw / capacity_mw / capacity_w / 太陽電池容量 / "
        "容量 / 出力); columns found: system_id, municipality"
    )
    assert missing["prefecture"].startswith("required column is missing (prefecture / 都道府県")


def test_a_missing_column_is_named_in_the_readers_language(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """A Japanese officer reads the header an office writes (面積), not offset's own name
    (area_ha), where a problem says which column; English keeps the canonical name."""
    path = tmp_path / "森林簿.csv"
    path.write_text("小班,市町村\na,ina\n")
    with pytest.raises(InputError) as info:
        calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5")
    missing = {p.column: p for p in info.value.problems if p.row is None}
    area = missing["area_ha"]
    assert area.render("ja").startswith(f"{path}, 列「面積」: 必須の列がありません")
    assert area.render("en").startswith(f"{path}, column 'area_ha': required column is missing")


def test_a_rows_problem_in_a_column_the_file_lacks_is_named_as_an_office_writes_it(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """No growth for a stand (the file has no 成長量 column): the row's problem names the
    column 成長量 in Japanese, growth_m3_per_ha_yr in English."""
    path = tmp_path / "森林簿.csv"
    path.write_text("小班,市町村,都道府県,面積,樹種,林齢\na,伊那市,長野県,1.2,スギ,40\n")
    with pytest.raises(InputError) as info:
        calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5")
    (growth,) = [p for p in info.value.problems if p.column == "growth_m3_per_ha_yr"]
    assert growth.render("ja").startswith(f"{path}, 2行目, 列「成長量」: ")
    assert growth.render("en").startswith(f"{path}, row 2, column 'growth_m3_per_ha_yr': ")


def test_many_bad_rows_are_listed_up_to_a_limit(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(HEADER + "".join(f"s{i},ina,nagano,-1,2020-01-01,,\n" for i in range(500)))
    found = _problems(path, factors)
    listed = [f for f in found if f[0] is not None]
    assert len(listed) == LISTED_PER_CHECK
    assert (
        None,
        "capacity_kw",
        f"... and {500 - LISTED_PER_CHECK} more rows with the problem of row 2",
    ) in found


def test_blank_lines_keep_row_numbers(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(HEADER + "a,ina,nagano,4,2020-01-01,,\n\nb,ina,nagano,-4,2020-01-01,,\n")
    found = _problems(path, factors)
    assert (4, "capacity_kw", "must be at least 0, got -4") in found  # row 3 is the blank line


CSV_JA = (
    "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio\n"
    "伊那-001,伊那市,nagano,4.5,2019/06/15,0.3\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_encodings_give_the_same_result(
    tmp_path: Path, factors: FactorLibrary, encoding: str
) -> None:
    path = tmp_path / f"pv-{encoding}.csv"
    path.write_bytes(CSV_JA.encode(encoding))
    result = calculate_file("solar", path, fy=2024, factors=factors, gwp_metric="AR5")
    row = result.results.iloc[0]
    assert row["municipality"] == "202096"  # the 団体コード of the name
    assert row["municipality_name"] == "伊那市"
    assert row["system_id"] == "伊那-001"
    # Nagano's yield 1,055 kWh/kW/yr, 4 whole years in service on 1 April 2024; FY2024 under
    # the reporting rule: the FY2023 national average 0.000423 (unverified: a code seed file)
    assert row["reduction_tco2e"] == pytest.approx(4.5 * 1055 * 0.995**4 * 0.000423)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_excel_and_parquet_read_like_csv(
    tmp_path: Path, factors: FactorLibrary, suffix: str
) -> None:
    csv = tmp_path / "pv.csv"
    csv.write_text(CSV_JA, encoding="utf-8")
    frame = pd.read_csv(csv)
    other = tmp_path / f"pv{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(other, index=False)
    else:
        frame.to_parquet(other, index=False)
    a = calculate_file("solar", csv, fy=2024, factors=factors, gwp_metric="AR5").results
    b = calculate_file("solar", other, fy=2024, factors=factors, gwp_metric="AR5").results
    assert b["reduction_tco2e"].tolist() == pytest.approx(a["reduction_tco2e"].tolist())


def test_unreadable_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_grid(tmp_path / "missing.csv")
    (tmp_path / "data.json").write_text("{}")
    with pytest.raises(InputError, match="unknown format"):
        read_grid(tmp_path / "data.json")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81\x00" * 20)
    with pytest.raises(InputError):
        read_grid(tmp_path / "binary.csv")


def test_a_cell_already_refused_sets_off_no_numeric_warning(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """A number past float's range (`1e400`, inf) is refused with its cell; the kernel, which
    still runs to report the method's own checks in the same pass, prints no RuntimeWarning
    of numpy beside the answer (`offset calc` showed `invalid value encountered in subtract`)."""
    import warnings

    path = tmp_path / "pv.csv"
    path.write_text(  # a self-consumption ratio: the creditable part is computed too
        "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio\n"
        "g,ina,nagano,1e400,2020-01-01,0.3\n"
        "h,ina,nagano,inf,2020-01-01,0.3\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        found = _problems(path, factors)
    assert {(r, c) for r, c, _ in found} == {(2, "capacity_kw"), (3, "capacity_kw")}
