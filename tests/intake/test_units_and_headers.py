"""Units typed in any case, the header variants offices use, subtotal rows, and a column map
applied whether the header carries its bracketed unit or not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.intake import layout
from offset.intake.headers import Matcher, load_map
from offset.intake.japanese import pint_unit
from offset.intake.layout import is_total
from offset.intake.unit_case import read_unit
from offset.jobs.calc import calculate_file
from offset.methods import METHODS, every_column_name
from offset.units import scale


@pytest.mark.parametrize(
    ("typed", "column", "factor"),
    [
        # power: kw, KW and full-width ｋＷ are kW; W in any case is W
        ("kw", "kW", 1.0),
        ("KW", "kW", 1.0),
        ("ｋＷ", "kW", 1.0),
        ("w", "kW", 0.001),
        # energy
        ("kwh", "kWh", 1.0),
        ("KWH", "kWh", 1.0),
        ("gj", "kWh", 1e6 / 3600),
        # area: HA is a hectare, M2 a square metre
        ("HA", "m**2", 1e4),
        ("M2", "m**2", 1.0),
        # a 森林簿's 面積(a) or 面積(アール): an are (100 m2), not pint's annum
        ("a", "ha", 0.01),
        ("アール", "ha", 0.01),
        ("ａ", "ha", 0.01),
        # volume
        ("M3", "m**3", 1.0),
        ("KL", "m**3", 1.0),
        # time: H is an hour here, not a henry
        ("H", "h", 1.0),
        # mass: T is a tonne here, not a tesla
        ("T", "t", 1.0),
        # a thermal transmittance written W/m2K and in lower case
        ("w/m2k", "W/(m**2*K)", 1.0),
        # a specific yield, per year in Japanese
        ("kwh/kw/年", "kWh/kW/yr", 1.0),
        # an emission factor: the 2 of CO2 is no square
        ("kg-co2/kwh", "t CO2/kWh", 0.001),
    ],
)
def test_a_unit_in_any_case_where_one_reading_converts(
    typed: str, column: str, factor: float
) -> None:
    read = read_unit(pint_unit(typed), column)
    assert isinstance(read, str), read
    assert scale(read, column) == pytest.approx(factor)


def test_a_stays_a_year_where_a_year_is_read() -> None:
    read = read_unit(pint_unit("a"), "yr")
    assert isinstance(read, str)
    assert scale(read, "yr") == 1.0


def test_a_forest_register_in_ares(tmp_path: Path, factors: FactorLibrary) -> None:
    """A 森林簿 whose areas are in ares (面積(a)), columns in its own order, extra columns, 樹種
    as 唐松 and 杉: read as the shipped layout in hectares."""
    path = tmp_path / "register.csv"
    head = (
        "市町村,林小班,備考,面積({unit}),樹種,林齢,地位,森林経営計画,林齢基準年度,所有者,"
        "都道府県,収穫表\n"
    )
    rows = (
        "伊那市,101-い,,{a},唐松,42,上,有,令和6年度,市有林,長野県,synthetic_demo\n"
        "伊那市,101-ろ,,{b},杉,35,中,有,R6,市有林,長野県,synthetic_demo\n"
    )
    path.write_text(head.format(unit="a") + rows.format(a="1240", b="８７０"), encoding="utf-8")
    ares = calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5").results
    path.write_text(head.format(unit="ha") + rows.format(a="12.4", b="8.7"), encoding="utf-8")
    hectares = calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5").results
    assert ares["area_ha"].tolist() == pytest.approx([12.4, 8.7])
    assert ares["reduction_tco2e"].tolist() == pytest.approx(hectares["reduction_tco2e"].tolist())


def test_a_unit_that_differs_by_case_is_refused_naming_both() -> None:
    assert set(read_unit(pint_unit("mw"), "kW")) == {"MW", "mW"}  # megawatt or milliwatt
    assert read_unit(pint_unit("kw"), "kWh") == ()  # power is no energy in any case


def test_cells_with_units_in_lower_case(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "pv.csv"
    path.write_text(
        "番号,市町村,都道府県,容量,設置日,発電量,自家消費量\n"
        "1,松本市,長野県,3.9kw,2020-01-01,4100kwh,1200KWH\n"
        "2,松本市,長野県,7.2KW,2020-01-01,7.5mwh,2\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        calculate_file("solar", path, fy=2024, factors=factors, gwp_metric="AR5")
    text = str(info.value)
    assert "row 3, column '発電量': the unit 'mwh' in '7.5mwh' reads as MWh / mWh" in text
    path.write_text(path.read_text(encoding="utf-8").replace("7.5mwh", "7.5MWh"), encoding="utf-8")
    rows = calculate_file("solar", path, fy=2024, factors=factors, gwp_metric="AR5").results
    assert rows["capacity_kw"].tolist() == [3.9, 7.2]
    assert rows["generation_kwh"].tolist() == [4100.0, 7500.0]
    assert rows["self_consumed_kwh"].tolist() == [1200.0, 2.0]


@pytest.mark.parametrize(
    ("method", "header", "column", "unit"),
    [
        ("solar", "設置容量(kW)", "capacity_kw", "kW"),
        ("solar", "設置容量（ｋｗ）", "capacity_kw", "kW"),
        ("solar", "受付番号", "system_id", None),
        ("solar", "市区町村コード", "municipality", None),
        ("solar", "自治体名", "municipality", None),  # 自治体 + 名
        ("solar", "電気事業者名", "grid_entity", None),  # 電気事業者 + 名
        ("solar", "住所", "address", None),
        ("renovation", "台数", "lamp_count", "dimensionless"),
        ("renovation", "台数(台)", "lamp_count", "dimensionless"),
        ("renovation", "設置台数", "lamp_count", "dimensionless"),
        ("renovation", "器具台数(台)", "lamp_count", "dimensionless"),
        ("renovation", "施設名", "building_id", None),
        ("forest", "齢級", "age_class", None),
        ("forest", "林班", "compartment", None),
        ("forest", "小班", "subcompartment", None),
        ("forest", "枝番", "branch", None),
        ("forest", "樹種コード", "species", None),  # 樹種 + コード
    ],
)
def test_header_variants(method: str, header: str, column: str, unit: str | None) -> None:
    match = Matcher(METHODS[method].contract, {}).match(header)
    assert match is not None
    assert not isinstance(match, str), match
    assert match.column.name == column
    assert match.unit == unit


def test_a_header_suffix_never_makes_a_number_of_a_name() -> None:
    matcher = Matcher(METHODS["solar"].contract, {})
    assert matcher.match("容量番号") is None  # 容量 is a number: no 番号 after it


@pytest.mark.parametrize(
    "label", ["合計", "計", "小計", "12林班 計", "12林班計", "松本市 小計", "R6 合計", "Sub total"]
)
def test_subtotal_labels(label: str) -> None:
    assert is_total(label)


@pytest.mark.parametrize("label", ["設計", "会計", "計画", "計測", "合計額", "太補06-0001"])
def test_words_with_計_are_no_totals(label: str) -> None:
    assert not is_total(label)


_ASCII_PIECES = ["total", "TOTAL", "Total", "toTAl", "tota", "x", "1-", " "]
_ASCII_CELLS = st.lists(st.sampled_from(_ASCII_PIECES), max_size=4).map("".join)
_ANY_PIECES = [*_ASCII_PIECES, "計", "ｔｏｔａｌ", "ＴＯＴＡＬ", "\u017f", "\u212a"]
_ANY_CELLS = st.lists(st.sampled_from(_ANY_PIECES), max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.none() | _ASCII_CELLS, max_size=20) | st.lists(st.none() | _ANY_CELLS, max_size=20)
)
def test_the_label_hint_reads_as_the_regex_on_the_ascii_path(cells: list[str | None]) -> None:
    """ASCII columns go by Arrow's lower case and a plain search, the rest by the regex: the
    same cells either way (long s and the Kelvin sign fold to s and k only in the regex)."""
    text = pd.Series(cells, dtype="string[pyarrow]")
    expected = text.str.contains(layout._LABEL_HINT, regex=True).to_numpy(
        dtype=bool, na_value=False
    )
    assert layout._maybe_label(text).tolist() == expected.tolist()


def test_subtotal_rows_anywhere_in_the_first_cells(tmp_path: Path, factors: FactorLibrary) -> None:
    path = tmp_path / "stands.csv"
    path.write_text(
        "林班,小班,市町村,樹種,林齢,面積(ha),成長量(m3/ha/年),森林経営計画\n"
        "12,い,伊那市,スギ,30,1.5,5,有\n"
        "12,ろ,伊那市,スギ,30,2.0,5,有\n"
        ",12林班 計,,,,3.5,,\n"
        "13,い,伊那市,ヒノキ,25,1.0,4,有\n",
        encoding="utf-8",
    )
    result = calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5")
    assert len(result.results) == 3
    assert "skipped rows 4: a total row (12林班 計)" in [str(n) for n in result.notices]


@pytest.mark.parametrize(
    ("mapped", "written"),
    [
        ("パネル(kW)", "パネル"),  # the header written without the map's unit
        ("パネル", "パネル(kW)"),  # ... or with one the map leaves out
        ("パネル(kW)", "パネル(kW)"),
        ("パネル(W)", "パネル"),  # the map's unit is the header's when the header has none
    ],
)
def test_a_column_map_with_or_without_the_unit(
    tmp_path: Path, factors: FactorLibrary, mapped: str, written: str
) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(f'[columns]\n"{mapped}" = "capacity_kw"\n', encoding="utf-8")
    loaded = load_map(mapping, every_column_name())
    match = Matcher(METHODS["solar"].contract, loaded).match(written)
    assert match is not None
    assert not isinstance(match, str)
    assert match.column.name == "capacity_kw"
    expected = "W" if mapped == "パネル(W)" else "kW"
    assert match.unit == expected
    path = tmp_path / "pv.csv"
    path.write_text(f"番号,市町村,都道府県,{written},設置日\n1,松本市,長野県,4500,2020-01-01\n")
    rows = calculate_file(
        "solar", path, fy=2024, factors=factors, gwp_metric="AR5", columns=mapping
    ).results
    assert rows["capacity_kw"].iloc[0] == (4.5 if expected == "W" else 4500.0)


def test_vocabularies_are_built_when_a_column_asks(factors: FactorLibrary) -> None:
    from offset.intake.vocabulary import USER, vocabularies, with_user_words

    known = vocabularies(factors)
    assert {"prefecture", "species", "carrier"} <= set(known)
    assert "species" in known
    assert "nothing" not in known
    assert known._built == {}  # naming them builds none
    words = with_user_words(known, {"species": {"すぎ科": "sugi"}})
    assert words["species"].resolve("スギ") == "sugi"
    assert set(known._built) == {"species"}  # built once, for the column that asked
    assert words[USER + "species"].resolve("すぎ科") == "sugi"
    assert sorted(words) == sorted([*known, USER + "species"])
