"""Solar PV, computed by hand (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from offset.common.problems import InputError
from offset.factors import FactorLibrary
from tests.conftest import Calc

BASE = {
    "system_id": "pv-1",
    "municipality": "ina",
    "prefecture": "nagano",
    "capacity_kw": 4.5,
    "commissioned": "2019-06-15",
}


def test_modelled_system_by_hand(calc: Calc) -> None:
    row = calc(
        "solar", [BASE | {"self_consumption_ratio": 0.3}], factor_year="results"
    ).results.iloc[0]
    # Commissioned 2019-06-15: on 1 April 2024, when FY2024 begins, it has been in service 4
    # whole years (5 FYs after its commissioning FY). Nagano's yield: MONSOLA-11 長野, 3.96
    # kWh/m2/day on a south-facing 30-degree plane x 365 x NEDO's K 0.73 = 1,055 kWh/kW/yr
    # (derived). Degradation 0.5 %/yr (Jordan & Kurtz 2013): 4.5 x 1055 x 0.995^4 = 4653.260 kWh.
    assert row["age_fy"] == 5
    assert row["years_in_service"] == 4
    assert row["generation_kwh"] == pytest.approx(4.5 * 1055 * 0.995**4)
    assert row["generation_kwh"] == pytest.approx(4653.260, abs=1e-3)
    assert row["yield_factor_id"] == "pv_yield:nagano"
    assert row["yield_factor_fallback"] == 0
    # FY2024 national average 0.000423 t/kWh: reduction = 4653.260 x 0.000423 = 1.968329 t.
    assert (
        row["grid_factor_id"]
        == "grid_electricity:national_average/overall/national_average@2024[results]"
    )
    assert row["reduction_tco2e"] == pytest.approx(1.968329, abs=1e-6)
    # Self-consumed 30 % = 1395.978 kWh; auxiliary 0.6 % of it = 8.3759 kWh (PCS standby, from
    # the 0.6 % impact a J-Credit household plan assessed; no methodology named, so the default
    # row); creditable (1395.978 - 8.3759) x 0.000423 = 0.586956 t.
    assert row["self_consumed_kwh"] == pytest.approx(1395.9779, abs=1e-4)
    assert row["auxiliary_kwh"] == pytest.approx(8.3759, abs=1e-4)
    assert row["auxiliary_factor_id"] == "method_parameters:solar/auxiliary_share/default"
    assert row["creditable_tco2e"] == pytest.approx(0.586956, abs=1e-6)
    assert not row["uses_unverified"]


def test_metered_generation_wins_and_exports_are_not_creditable(calc: Calc) -> None:
    row = calc(
        "solar",
        [BASE | {"generation_kwh": 5000, "self_consumed_kwh": 2000, "auxiliary_kwh": 6}],
        factor_year="results",
    ).results.iloc[0]
    assert row["generation_basis"] == "metered"
    assert row["reduction_tco2e"] == pytest.approx(5000 * 0.000423)
    # The 3,000 kWh exported (sold under FIT) earn nothing: (2000 - 6) x 0.000423.
    assert row["creditable_tco2e"] == pytest.approx(1994 * 0.000423)


def test_row_yield_and_irradiation_paths(calc: Calc) -> None:
    rows = calc(
        "solar",
        [
            BASE | {"annual_yield_kwh_per_kw": 1200, "commissioned": "2024-04-01"},
            BASE | {"poa_irradiation_kwh_per_m2": 1460, "commissioned": "2024-04-01"},
        ],
    ).results
    assert rows["generation_basis"].tolist() == ["row_yield", "irradiation"]
    assert rows["generation_kwh"].iloc[0] == pytest.approx(4.5 * 1200)  # age 0: no degradation
    # PR from JIS C 8907 losses: (1 - mean(10, 15, 20, 15) %) x (1 - 8 %) x (1 - 7 %) = 0.727260;
    # 1460 kWh/m2/yr / (1 kW/m2) x 0.72726 x 4.5 kW.
    assert rows["generation_kwh"].iloc[1] == pytest.approx(4.5 * 1460 * 0.85 * 0.92 * 0.93)


def test_own_factor_wins_and_is_recorded(calc: Calc) -> None:
    row = calc(
        "solar", [BASE | {"generation_kwh": 1000, "grid_factor_kg_co2_per_kwh": 0.38}]
    ).results.iloc[0]
    assert row["grid_factor_t_co2_per_kwh"] == pytest.approx(0.00038)  # kg -> t at the boundary
    assert row["grid_factor_id"] == "input row"
    assert row["grid_factor_fallback"] == -2
    assert row["reduction_tco2e"] == pytest.approx(0.38)


def test_supplier_factor_and_its_fallback(calc: Calc) -> None:
    supplier = BASE | {"generation_kwh": 1000, "grid_entity": "u_power"}
    rows = calc(
        "solar",
        [
            supplier | {"grid_factor_kind": "basic"},
            supplier | {"grid_factor_kind": "adjusted", "fy": 2022},
            supplier | {"grid_factor_kind": "basic", "fy": 2022},
        ],
        factor_year="results",
    ).results
    # FY2024: U-Power's residual menu E 0.000483 (A0213 in the FY2024 list). FY2022: only its
    # company-wide adjusted figure 0.000473 was read (its disclosure page): the company-wide row
    # (level 2); no basic row of FY2022: the FY2022 代替値 0.000429 (level 3, the MOE rule for a
    # supplier the FY's list does not give).
    assert rows["grid_factor_fallback"].tolist() == [0, 2, 3]
    assert rows["grid_factor_t_co2_per_kwh"].tolist() == [0.000483, 0.000473, 0.000429]
    rows = calc(
        "solar",
        [
            BASE
            | {"generation_kwh": 1000, "grid_entity": "kyushu_epco", "grid_factor_kind": "basic"},
            BASE
            | {
                "generation_kwh": 1000,
                "grid_entity": "kyushu_epco",
                "grid_factor_kind": "basic",
                "fy": 2018,
            },
        ],
        factor_year="results",
    ).results
    # FY2024: Kyushu's residual menu B 0.000472 (MOE/METI list of FY2024 results, A0275);
    # FY2018: its notice gives one basic factor for the company, 0.000319 (level 2).
    assert rows["grid_factor_fallback"].tolist() == [0, 2]
    assert rows["grid_factor_t_co2_per_kwh"].tolist() == [0.000472, 0.000319]


def test_not_yet_commissioned_generates_nothing(calc: Calc) -> None:
    row = calc(
        "solar", [BASE | {"commissioned": "2025-04-01", "self_consumption_ratio": 0.5}]
    ).results.iloc[0]
    assert row["generation_basis"] == "not_in_service"
    assert row["generation_kwh"] == 0
    assert row["creditable_tco2e"] == 0


def test_unknown_self_consumption_is_not_creditable_and_warned(calc: Calc) -> None:
    result = calc("solar", [BASE])
    assert result.results["creditable_tco2e"].iloc[0] == 0
    assert any("no self-consumption data" in w for w in result.warnings)


def test_self_consumption_above_generation_is_refused(calc: Calc) -> None:
    with pytest.raises(InputError) as info:
        calc("solar", [BASE | {"generation_kwh": 100, "self_consumed_kwh": 150}])
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (2, "self_consumed_kwh")
    assert "above metered generation" in problem.message


def test_degradation_counts_whole_years_in_service(calc: Calc) -> None:
    # Commissioned 20 March 2024: 12 days of FY2023 (pro-rated), then FY2024 begins 12 days
    # into its first year of service: not degraded. FY2025 begins after one whole year: 0.995.
    row = BASE | {"commissioned": "2024-03-20", "annual_yield_kwh_per_kw": 1000, "fy": 0}
    rows = calc(
        "solar", [row | {"fy": 2023}, row | {"fy": 2024}, row | {"fy": 2025}], fy=None
    ).results
    assert rows["years_in_service"].tolist() == [0, 0, 1]
    assert rows["age_fy"].tolist() == [0, 1, 2]
    assert rows["days_in_service"].tolist() == [12, 365, 365]
    assert rows["generation_kwh"].tolist() == pytest.approx(
        [4.5 * 1000 * 12 / 366, 4.5 * 1000, 4.5 * 1000 * 0.995]  # FY2023 spans 29 Feb 2024
    )


def test_a_household_programme_deducts_no_auxiliary(calc: Calc, factors: FactorLibrary) -> None:
    import pandas as pd

    from offset.methods import CalcOptions
    from offset.methods.calculation import calculate

    frame = pd.DataFrame([BASE | {"generation_kwh": 4000, "self_consumed_kwh": 1000}])
    options = CalcOptions(fy=2025, file="pv.csv", methodology="EN-R-002")
    row = calculate("solar", frame, factors, options).results.iloc[0]
    # The EN-R-002 household programme plan: EM_PJ 0.0 (PCS assessed at 0.6 %, not deducted):
    # 1,000 kWh x 0.000423 (FY2024 national average) = 0.423 t, nothing deducted.
    assert row["auxiliary_kwh"] == 0
    assert row["creditable_tco2e"] == pytest.approx(0.423)
    assert row["auxiliary_factor_id"] == "method_parameters:solar/auxiliary_share/EN-R-002"
    default = calc("solar", [BASE | {"generation_kwh": 4000, "self_consumed_kwh": 1000}], fy=2025)
    assert default.results["creditable_tco2e"].iloc[0] == pytest.approx(0.994 * 0.423)
