"""Each real thing counted once: repeated identifiers, one system under two, per method."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common.messages import text as text_of
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake import identity
from offset.jobs.calc import calculate_file

PV = "受付番号,市町村,都道府県,設置容量(kW),設置年月日,自家消費率\n"


def calc(path: Path, factors: FactorLibrary, method: str = "solar", **kw: object) -> object:
    return calculate_file(method, path, fy=2024, factors=factors, gwp_metric="AR5", **kw)  # type: ignore[arg-type]


def problems(path: Path, factors: FactorLibrary, method: str = "solar", **kw: object) -> str:
    with pytest.raises(InputError) as info:
        calc(path, factors, method, **kw)
    return str(info.value)


def test_a_pasted_row_is_refused_naming_both_rows(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        PV
        + "太補01-0001,松本市,長野県,4.5,2020-01-01,0.3\n"
        + "太補01-0002,松本市,長野県,3.9,2020-02-01,0.3\n"
        + "太補０１－０００１,松本市,長野県,4.5,2020-01-01,0.3\n",  # the same, full-width
        encoding="utf-8",
    )
    text = problems(path, factors)
    assert "row 4, column '受付番号': repeats row 2: the same 受付番号 '太補０１－０００１'" in text
    # the project may say how to treat it: the first row counts, or every row
    first = calc(path, factors, duplicates="first")
    assert first.results["system_id"].tolist() == ["太補01-0001", "太補01-0002"]  # type: ignore[attr-defined]
    assert "left out rows 4: they repeat earlier rows (duplicates = first)" in [
        str(n)
        for n in first.notices  # type: ignore[attr-defined]
    ]
    kept = calc(path, factors, duplicates="keep")
    assert len(kept.results) == 3  # type: ignore[attr-defined]


def test_one_identifier_in_two_fys_is_two_rows(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        "受付番号,市町村,都道府県,設置容量(kW),設置年月日,年度,発電量\n"
        "A-1,松本市,長野県,4.5,2020-01-01,2023,5000\n"
        "A-1,松本市,長野県,4.5,2020-01-01,2024,5100\n",
        encoding="utf-8",
    )
    assert len(calc(path, factors).results) == 2  # type: ignore[attr-defined]
    # a row without its own FY counts for every FY: with a row of FY2024 it repeats it
    path.write_text(path.read_text(encoding="utf-8").replace(",2023,5000", ",,5000"))
    assert "row 3, column '受付番号': repeats row 2: the same 受付番号 'A-1'" in problems(
        path, factors
    )


def test_one_system_under_two_identifiers(tmp_path: Path, factors: FactorLibrary) -> None:
    header = "受付番号,市町村,都道府県,住所,設置容量(kW),設置年月日\n"
    path = tmp_path / "pv.csv"
    path.write_text(
        header
        + "A-1,松本市,長野県,松本市中央1-1-1,4.5,2020-01-01\n"
        + "A-2,松本市,長野県,松本市中央2-2-2,4.5,2020-01-01\n"  # a neighbour: another address
        + "B-7,松本市,長野県,松本市中央１－１－１,4.5,2020-01-01\n",  # row 2's, re-numbered
        encoding="utf-8",
    )
    text = problems(path, factors)
    assert (
        "row 4, column '受付番号': the same as row 2 under another identifier (受付番号 'A-1'"
        " there, 'B-7' here): 市町村, 住所, 設置容量(kW), 設置年月日 are all equal"
    ) in text
    assert "row 3" not in text
    # without an address or owner, capacity and date alone never make two rows one system
    plain = tmp_path / "plain.csv"
    plain.write_text(
        PV + "A-1,松本市,長野県,4.5,2020-01-01,0.3\nB-7,松本市,長野県,4.5,2020-01-01,0.3\n",
        encoding="utf-8",
    )
    assert len(calc(plain, factors).results) == 2  # type: ignore[attr-defined]


def test_a_stand_is_its_compartment_subcompartment_and_branch(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = tmp_path / "stands.csv"
    path.write_text(
        "林班,小班,枝番,市町村,樹種,林齢,面積(ha),成長量(m3/ha/年),森林経営計画\n"
        "12,い,1,伊那市,スギ,30,1.5,5,有\n"
        "12,い,2,伊那市,スギ,30,2.0,5,有\n"
        "12,ろ,1,伊那市,スギ,30,2.0,5,有\n"
        "12,い,1,伊那市,スギ,31,1.5,5,有\n",
        encoding="utf-8",
    )
    text = problems(path, factors, "forest")
    assert "row 5, column '林班': repeats row 2: the same 林班, 小班, 枝番 '12 + い + 1'" in text
    assert "row 3" not in text
    assert "row 4" not in text


def test_a_renovation_is_its_building_and_measure(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "reno.csv"
    head = "案件番号,市町村,改修種別,改修前消費電力,改修後消費電力,灯数,点灯時間\n"
    path.write_text(
        head
        + "R-1,松本市,照明,40,18,100,3000\n"
        + "R-1,松本市,設備,40,18,100,3000\n"  # the same building, another measure
        + "R-1,松本市,LED照明,40,18,100,3000\n",  # the lighting again (another spelling)
        encoding="utf-8",
    )
    text = problems(path, factors, "renovation")
    assert (
        "row 4, column '案件番号': repeats row 2: the same 案件番号, 改修種別 'R-1 + lighting'"
        in (text)
    )


def test_identifiers_arrow_cannot_hold_are_compared_too() -> None:
    """A lone surrogate is no UTF-8 (Arrow refuses it): such identifiers are folded in Python."""
    import pandas as pd

    from offset.intake.identity import _column_codes

    codes = _column_codes(pd.Series(["a\ud800", "b", "A\ud800", None], dtype=object))
    assert codes.tolist() == [0, 1, 0, -1]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from(list("aB1- \t\n\r\f\x0b\x1c")), max_size=6),
            st.text(alphabet=st.sampled_from(list("aB1 ０Ａ－　ｶﾞ\u3000")), max_size=6),
        ),
        max_size=20,
    )
)
def test_identifiers_fold_alike_on_the_ascii_path(cells: list[str | None]) -> None:
    # ASCII text skips NFKC and lowers as ASCII: the same folding as the full pipeline
    text = pa.array(cells, type=pa.string())
    full = pc.replace_substring_regex(
        pc.utf8_lower(pc.utf8_normalize(text, "NFKC")), pattern=r"\s+", replacement=""
    )
    assert identity._folded_text(text).to_pylist() == full.to_pylist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40))
def test_each_row_finds_the_first_row_of_its_group(groups: list[int]) -> None:
    positions = np.arange(len(groups), dtype=np.int64) * 3 + 5  # rows kept after blanks
    first: dict[int, int] = {}
    for group, position in zip(groups, positions.tolist(), strict=True):
        first.setdefault(group, position)
    numbered = identity._combined(np.array(groups, dtype=np.int64).reshape(-1, 1))
    found = identity._first_positions(numbered, positions)
    assert found.tolist() == [first[g] for g in groups]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.sampled_from([0, 1, 2, 2**40, 2**61]), min_size=width, max_size=width),
            min_size=1,
            max_size=30,
        )
    )
)
def test_combined_codes_number_each_combination_by_its_first_row(rows: list[list[int]]) -> None:
    # codes as large as 2**61 make the digits overflow int64: renumbered on the way
    combined = identity._combined(np.array(rows, dtype=np.int64))
    numbers: dict[tuple[int, ...], int] = {}
    expected = [numbers.setdefault(tuple(row), len(numbers)) for row in rows]
    assert combined.tolist() == expected


def test_a_row_pasted_under_a_new_number_is_named_and_refused_when_strict(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """No address: two households' identical systems may share every cell, so a row equal to
    another in all but its 番号 is a warning naming both rows, refused by `strict`; a column
    that differs (a note, an address) tells a genuine twin apart."""
    path = tmp_path / "pv.csv"
    path.write_text(
        "番号,市町村,都道府県,設置容量(kW),設置年月日,自家消費率,メーカー,備考\n"
        "1,松本市,長野県,4.5,2020-01-01,0.3,A社,\n"
        "2,松本市,長野県,3.9,2020-02-01,0.3,A社,\n"
        "3,松本市,長野県,4.5,2020-01-01,0.3,A社,\n"  # row 2 pasted under a new number
        "4,松本市,長野県,4.5,2020-01-01,0.3,B社,\n",  # another maker: another system
        encoding="utf-8",
    )
    result = calc(path, factors)
    assert len(result.results) == 4  # type: ignore[attr-defined]
    [notice] = [n for n in result.notices if "pasted" in str(n)]  # type: ignore[attr-defined]
    assert str(notice).startswith("pv.csv: rows 2 & 4 are equal in every column but 番号")
    assert text_of(notice, "ja").startswith("pv.csv: 2行目と4行目は番号以外のすべての列が同じです")
    text = problems(path, factors, duplicates="strict")
    assert "row 4, column '番号': the same as row 2 in every column but 番号 ('1' there" in text
    assert "row 5" not in text
    # a genuine twin, told apart by a note: no notice, and strict counts it
    path.write_text(
        path.read_text(encoding="utf-8").replace("3,松本市,長野県,4.5,2020-01-01,0.3,A社,",
                                                 "3,松本市,長野県,4.5,2020-01-01,0.3,A社,隣家")
    )  # fmt: skip
    twin = calc(path, factors, duplicates="strict")
    assert len(twin.results) == 4  # type: ignore[attr-defined]
    assert not [n for n in twin.notices if "pasted" in str(n)]  # type: ignore[attr-defined]


def test_a_notice_names_ten_pasted_pairs_and_counts_the_rest_in_either_language(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = tmp_path / "pv.csv"
    pasted = "".join(f"{n},松本市,長野県,4.5,2020-01-01,0.3\n" for n in range(1, 14))
    path.write_text("番号,市町村,都道府県,設置容量(kW),設置年月日,自家消費率\n" + pasted)
    result = calc(path, factors)
    [notice] = [n for n in result.notices if "pasted" in str(n)]  # type: ignore[attr-defined]
    english = ", ".join(f"2 & {row}" for row in range(3, 13)) + " (+2) are equal"
    assert english in str(notice)
    japanese = "、".join(f"2行目と{row}行目" for row in range(3, 13)) + " ほか2組は番号以外"
    assert japanese in text_of(notice, "ja")
