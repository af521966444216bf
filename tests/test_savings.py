"""`savings`: a public-facility list (事務事業編) whose annual savings the facility's engineer
computed already, converted with the FY's factors (hand-checked), pro-rated from the month the
measure was completed."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file
from offset.methods.calculation import CalcResult
from offset.methods.savings import METHOD

HEADER = "施設名,市町村,改修内容,完了年月,削減電力量(kWh/年),削減灯油量(L/年),削減都市ガス(m3/年)\n"


def calc(tmp_path: Path, text: str, factors: FactorLibrary, fy: int = 2024) -> CalcResult:
    path = tmp_path / "facilities.csv"
    path.write_text(text, encoding="utf-8")
    return calculate_file("savings", path, fy=fy, factors=factors, gwp_metric="AR5")


def test_electricity_times_the_grid_factor(tmp_path: Path, factors: FactorLibrary) -> None:
    r = calc(tmp_path, HEADER + '本庁舎,松本市,LED照明への交換,R6.4,"52,000",,\n', factors)
    row = r.results.iloc[0]
    # FY2024 under the reporting rule takes the FY2023 national average, 0.000423 t-CO2/kWh:
    # 52,000 kWh x 0.000423 = 21.996 t-CO2; completed 2024-04-01: the whole FY
    assert row["grid_factor_t_co2_per_kwh"] == pytest.approx(0.000423)
    assert row["reduction_tco2e"] == pytest.approx(21.996)
    assert row["measure"] == "LED照明への交換"
    assert row["basis"] == "estimated"
    assert row["creditable_tco2e"] == 0.0  # an estimate is reported, not credited


def test_kerosene_litres_by_heat_value_and_carbon_factor(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """算定省令 別表第1 as revised (FY2023 on): kerosene 36.5 GJ/kL, 0.0187 t-C/GJ.
    12,000 L = 12 kL x 36.5 x 0.0187 x 44/12 = 30.0322 t-CO2 a year; completed R6.9, read as
    2024-09-01: 212 of the FY's 365 days -> 17.4434 t-CO2."""
    r = calc(tmp_path, HEADER + '公民館,松本市,ボイラー更新,R6.9,,"12,000",\n', factors)
    row = r.results.iloc[0]
    assert row["kerosene_tco2e"] == pytest.approx(12 * 36.5 * 0.0187 * 44 / 12)
    assert row["kerosene_tco2e"] == pytest.approx(30.0322, abs=1e-4)
    assert row["days_in_service"] == 212
    assert row["reduction_tco2e"] == pytest.approx(30.0322 * 212 / 365, abs=1e-4)
    assert any("R6.9" in str(n) for n in r.notices)  # the month-only date is said


def test_city_gas_and_the_older_regime(tmp_path: Path, factors: FactorLibrary) -> None:
    """City gas 8,000 m3: FY2024 (revised, 40.0 GJ/千m3 x 0.0140) = 8 x 40.0 x 0.0140 x 44/12 =
    16.4267 t-CO2 (Tokyo Gas's 2.05 t-CO2/千m3 x 8 = 16.4); FY2022 (pre-2023, 44.8 x 0.0136):
    8 x 44.8 x 0.0136 x 44/12 = 17.8722 t-CO2."""
    text = HEADER + '体育館,松本市,高効率給湯器,2021年10月,,,"8,000"\n'
    now = calc(tmp_path, text, factors).results.iloc[0]
    before = calc(tmp_path, text, factors, fy=2022).results.iloc[0]
    assert now["reduction_tco2e"] == pytest.approx(16.4267, abs=1e-4)
    assert before["reduction_tco2e"] == pytest.approx(17.8722, abs=1e-4)


def test_a_fuel_switch_counts_the_extra_electricity(tmp_path: Path, factors: FactorLibrary) -> None:
    text = HEADER + '公民館,松本市,灯油ボイラー→ヒートポンプ,R6.4,"-8,000","12,000",\n'
    row = calc(tmp_path, text, factors).results.iloc[0]
    # 30.0322 t saved on kerosene less 8,000 kWh x 0.000423 = 3.384 t more on electricity
    assert row["annual_tco2e"] == pytest.approx(30.0322 - 3.384, abs=1e-4)


def test_a_row_without_a_saving_is_named(tmp_path: Path, factors: FactorLibrary) -> None:
    with pytest.raises(InputError) as info:
        calc(tmp_path, HEADER + "本庁舎,松本市,LED照明への交換,R6.4,,,\n", factors)
    [message] = [str(p) for p in info.value.problems]
    assert "row 2" in message
    assert "削減電力量" in message


def test_a_saving_in_the_wrong_unit_is_named(tmp_path: Path, factors: FactorLibrary) -> None:
    text = HEADER.replace("削減灯油量(L/年)", "削減灯油量(kWh/年)")
    with pytest.raises(InputError) as info:
        calc(tmp_path, text + "本庁舎,松本市,LED照明への交換,R6.4,,100,\n", factors)
    [message] = [str(p) for p in info.value.problems]
    assert "削減灯油量(kWh/年)" in message
    assert "L/yr" in message


def test_heat_gj_times_the_heat_factor(tmp_path: Path, factors: FactorLibrary) -> None:
    """Heat supplied by others (a district heating supplier's hot and cold water). FY2025 takes
    the 代替値 of the ガス/熱供給事業者別排出係数 list (R8.6.30): 0.0532 t-CO2/GJ, so
    100 GJ x 0.0532 = 5.32 t-CO2 a year; completed R7.4 = 2025-04-01: the whole FY.
    FY2024 takes the older default 0.057 t-CO2/GJ (unverified): 100 x 0.057 = 5.7 t-CO2."""
    header = "施設名,市町村,改修内容,完了年月,削減熱量(GJ/年)\n"
    text = header + "駅前市民センター,松本市,冷温水配管の断熱,R7.4,100\n"
    now = calc(tmp_path, text, factors, fy=2025).results.iloc[0]
    assert now["heat_tco2e"] == pytest.approx(5.32)
    assert now["reduction_tco2e"] == pytest.approx(5.32)
    assert not now["uses_unverified"]
    older = header + "駅前市民センター,松本市,冷温水配管の断熱,R6.4,100\n"
    before = calc(tmp_path, older, factors, fy=2024).results.iloc[0]
    assert before["reduction_tco2e"] == pytest.approx(5.7)
    assert before["uses_unverified"]  # the 0.057 default was not read in a cited source


def test_heat_in_megajoules_is_converted_once(tmp_path: Path, factors: FactorLibrary) -> None:
    # 100,000 MJ = 100 GJ: 100 x 0.0532 = 5.32 t-CO2 (FY2025)
    text = '施設名,市町村,改修内容,完了年月,削減熱量(MJ/年)\nA,松本市,冷水,2025-04-01,"100,000"\n'
    row = calc(tmp_path, text, factors, fy=2025).results.iloc[0]
    assert row["heat_tco2e"] == pytest.approx(5.32)


def test_the_plans_electricity_saved_counts_from_completion(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    """The 実行計画's 施設の削減電力量 is the FY's, as the reduction is: 36,500 kWh a year from
    R6.10 (182 of FY2024's 365 days) is 18.2 MWh, and a facility completed in FY2025 saved
    nothing in FY2024 (the figure once summed every facility's saving a year, whenever done)."""
    text = (
        HEADER
        + '本庁舎,松本市,LED照明への交換,R6.10,"36,500",,\n'
        + '支所,松本市,LED照明への交換,R7.4,"10,000",,\n'
    )
    results = calc(tmp_path, text, factors).results
    assert results["in_service_share"].tolist() == pytest.approx([182 / 365, 0.0])
    # each row's reduction traces: the year's saving x the factor x the share of the FY
    assert results["reduction_tco2e"].tolist() == pytest.approx(
        (results["annual_tco2e"] * results["in_service_share"]).tolist()
    )
    (figure,) = METHOD.plan
    assert figure.total(results) == pytest.approx(18.2)
