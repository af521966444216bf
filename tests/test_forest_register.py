"""A 森林簿 extract as an office keeps it: 林班/小班/枝番 in their own columns, 市町村コード beside
市町村名, 齢級 instead of 林齢, mixed stands (スギ・ヒノキ), 林班 subtotal rows, 地位 4 and 5,
アカマツ and 広葉樹, growth per year in a header that leaves the year out."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file
from offset.methods.calculation import CalcResult

# k [t-CO2/m3] = D x BEF x (1 + R) x CF x 44/12, the shipped constants (forest_species.csv):
K_SUGI_21 = 0.314 * 1.23 * 1.25 * 0.51 * 44 / 12  # 0.902789 (Forestry Agency's own factors)
K_HINOKI_21 = 0.407 * 1.24 * 1.26 * 0.51 * 44 / 12  # 1.189127

REGISTER = """森林簿 抽出 (伊那市 令和6年度)
市町村コード,市町村名,林班,小班,枝番,樹種,齢級,面積(ha),地位,ha当り蓄積(m3),成長量(m3/ha),森林経営計画
202096,伊那市,12,1,1,スギ,7齢級,2.5,2,310,8.5,有
202096,伊那市,12,1,2,ヒノキ,Ⅷ齢級,1.2,3,280,6.0,有
202096,伊那市,12,2,,スギ・ヒノキ,9,3.0,4,300,7.0,有
,,12林班 計,,,,,6.7,,,,
202096,伊那市,13,1,,アカマツ,10齢級,1.0,5,200,4.0,有
202096,伊那市,13,2,,広葉樹,12齢級,4.0,3,150,3.0,有
"""


def calc(path: Path, factors: FactorLibrary, **kw: object) -> CalcResult:
    return calculate_file("forest", path, fy=2024, factors=factors, gwp_metric="AR5", **kw)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_office_register_goes_in_whole(tmp_path: Path, factors: FactorLibrary) -> None:
    result = calc(write(tmp_path, REGISTER), factors)
    r = result.results
    assert r["stand_id"].tolist() == ["12-1-1", "12-1-2", "12-2", "13-1", "13-2"]
    assert r["municipality"].astype(str).tolist() == ["202096"] * 5
    # 齢級 N = ages 5N-4..5N, taken at the middle year 5N-2: 7 -> 33, VIII -> 38, 9 -> 43
    assert r["age_yr"].tolist() == [33, 38, 43, 48, 58]
    assert r["species"].astype(str).tolist() == [
        "sugi", "hinoki", "sugi", "akamatsu", "broadleaf_other",
    ]  # fmt: skip
    notices = " / ".join(map(str, result.notices))
    assert "12林班 計" in notices  # the subtotal row is skipped, and said
    assert "市町村コード" in notices
    # 成長量(m3/ha) is per year: 2.5 ha x 8.5 m3/ha/yr x 0.902789 = 19.1843 t-CO2
    assert r["reduction_tco2e"].iloc[0] == pytest.approx(2.5 * 8.5 * K_SUGI_21, rel=1e-9)
    assert r["reduction_tco2e"].iloc[0] == pytest.approx(19.1843, abs=1e-4)


def test_a_mixed_stand_is_split_evenly_and_says_so(tmp_path: Path, factors: FactorLibrary) -> None:
    r = calc(write(tmp_path, REGISTER), factors).results.iloc[2]
    assert (r["species"], r["species_2"], r["share_basis"]) == ("sugi", "hinoki", "even")
    # 3.0 ha x 7.0 m3/ha/yr x (0.5 x 0.902789 + 0.5 x 1.189127) = 21.9651 t-CO2
    assert r["reduction_tco2e"] == pytest.approx(3.0 * 7.0 * (K_SUGI_21 + K_HINOKI_21) / 2)
    assert r["reduction_tco2e"] == pytest.approx(21.9651, abs=1e-4)


def test_a_mixed_stand_by_its_stated_share(tmp_path: Path, factors: FactorLibrary) -> None:
    text = "林班,小班,市町村,都道府県,樹種,樹種比率,林齢,面積,成長量,森林経営計画\n"
    text += "5,い,伊那市,長野県,スギ・ヒノキ,60%,40,1.0,10,有\n"
    r = calc(write(tmp_path, text), factors).results.iloc[0]
    assert r["stand_id"] == "5-い"
    assert (r["species_share"], r["share_basis"]) == (pytest.approx(0.6), "given")
    # 1 ha x 10 m3/ha/yr x (0.6 x 0.902789 + 0.4 x 1.189127) = 10.1714 t-CO2
    assert r["reduction_tco2e"] == pytest.approx(10 * (0.6 * K_SUGI_21 + 0.4 * K_HINOKI_21))


def test_a_name_that_is_not_the_codes_municipality_is_refused(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = REGISTER.replace("202096,伊那市,13,2", "202029,伊那市,13,2")
    with pytest.raises(InputError) as info:
        calc(write(tmp_path, text), factors)
    [problem] = [str(p) for p in info.value.problems]
    assert "row 8" in problem
    assert "市町村名" in problem
    assert "202096" in problem


def test_age_classes_advance_from_the_registers_year(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = "林小班,市町村,都道府県,樹種,齢級,基準年度,面積,成長量,森林経営計画\n"
    text += "1-1,伊那市,長野県,スギ,4,R3,1.0,10,有\n"
    r = calc(write(tmp_path, text), factors).results.iloc[0]
    # 4齢級 in FY2021 = age 18 then; FY2024: 21, past the BEF switch (>= 21 years)
    assert r["age_yr"] == 21
    assert r["k_tco2_per_m3"] == pytest.approx(K_SUGI_21)


def test_a_stand_with_no_growth_names_the_ways_to_give_it(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = "林小班,市町村,都道府県,樹種,林齢,面積,地位,森林経営計画\n"
    text += "1-1,伊那市,長野県,スギ,40,1.0,4,有\n"
    with pytest.raises(InputError) as info:
        calc(write(tmp_path, text), factors)
    message = " ".join(str(p) for p in info.value.problems)
    assert "row 2" in message
    assert "成長量" in message
    assert "前回蓄積" in message
    assert "import-yield" in message
    assert "synthetic" not in message  # the demonstration table is never offered


def test_two_registers_stocks_give_growth(tmp_path: Path, factors: FactorLibrary) -> None:
    """The 森林簿 of FY2019 and of FY2024 side by side: (340 - 300) m3/ha / 5 yr = 8 m3/ha/yr."""
    text = "林小班,市町村,都道府県,樹種,林齢,基準年度,面積,蓄積,前回蓄積,前回調査年度,経営計画\n"
    text += "1-1,伊那市,長野県,スギ,45,R6,2.0,340,300,R1,有\n"
    result = calc(write(tmp_path, text), factors)
    r = result.results.iloc[0]
    assert r["growth_basis"] == "stock_difference"
    assert r["growth_m3_per_ha_yr"] == pytest.approx(8.0)
    # 2.0 ha x 8 m3/ha/yr x 0.902789 = 14.4446 t-CO2
    assert r["reduction_tco2e"] == pytest.approx(2.0 * 8.0 * K_SUGI_21)
    assert r["reduction_tco2e"] == pytest.approx(14.4446, abs=1e-4)


def test_an_earlier_stock_without_its_year_is_refused(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = "林小班,市町村,都道府県,樹種,林齢,面積,蓄積,前回蓄積,森林経営計画\n"
    text += "1-1,伊那市,長野県,スギ,45,2.0,340,300,有\n"
    with pytest.raises(InputError) as info:
        calc(write(tmp_path, text), factors)
    assert "前回調査年度" in " ".join(str(p) for p in info.value.problems)


def test_the_synthetic_table_is_used_only_when_named_and_then_said(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    text = "林小班,市町村,都道府県,樹種,林齢,面積,地位,収穫表,森林経営計画\n"
    text += "1-1,伊那市,長野県,スギ,40,1.0,1,synthetic_demo,有\n"
    result = calc(write(tmp_path, text), factors)
    assert result.results["growth_basis"].astype(str).tolist() == ["yield_table"]
    assert any("SYNTHETIC" in w for w in result.warnings)


OFFICE = Path(__file__).resolve().parents[1] / "examples" / "office"


def test_two_fys_extracts_give_each_stands_growth(factors: FactorLibrary) -> None:
    result = calc(
        OFFICE / "forest_register_r6.csv", factors, previous=OFFICE / "forest_register_r1.csv"
    )
    r = result.results.set_index("stand_id")
    # 12-1-1: (310 - 270) / (2024 - 2019) = 8 m3/ha/yr; 2.5 ha x 8 x 0.902789 = 18.0558 t-CO2
    assert r.loc["12-1-1", "growth_m3_per_ha_yr"] == pytest.approx(8.0)
    assert r.loc["12-1-1", "reduction_tco2e"] == pytest.approx(18.0558, abs=1e-4)
    # 12-2 divided: each part takes 12-2's 265 m3/ha: (300 - 265) / 5 = 7
    assert r.loc["12-2-1", "growth_m3_per_ha_yr"] == pytest.approx(7.0)
    # 13-2 joined: (1.0 x 300 + 3.0 x 260) / 4.0 = 270 m3/ha then: (310 - 270) / 5 = 8
    assert r.loc["13-2", "growth_m3_per_ha_yr"] == pytest.approx(8.0)
    assert set(r["growth_basis"].astype(str)) == {"stock_difference"}
    notices = " / ".join(map(str, result.notices))
    assert "12-2-1 (12-2)" in notices
    assert "13-2" in notices
    assert "14-1" in notices  # harvested since: named
