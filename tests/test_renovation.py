"""Eco-renovation measures, computed by hand."""

from __future__ import annotations

import pytest

from offset.common.problems import InputError
from tests.conftest import Calc

# FY2024 national average grid factor, t-CO2/kWh (MOE/METI list, quoted in public code).
GRID_2024 = 0.000423
ENVELOPE = {
    "building_id": "b1",
    "municipality": "shinjuku",
    "prefecture": "tokyo",
    "measure": "envelope",
    "ua_before_w_m2k": 0.87,
    "ua_after_w_m2k": 0.46,
    "envelope_area_m2": 300,
    "location": "tokyo",
    "heating_appliance": "heat_pump",
    "usage_factor": 0.5,
}


def test_envelope_by_hand(calc: Calc) -> None:
    row = calc("renovation", [ENVELOPE], factor_year="results").results.iloc[0]
    # The reference's example: 0.41 W/m2K x 300 m2 x 1,590 K day (Tokyo, 拡張アメダス) x 24 / 1000
    # = 4,693.68 kWh of heat; / COP 3.0 x usage 0.5 = 782.28 kWh; x 0.000423 = 0.330904 t.
    assert row["heat_saved_kwh"] == pytest.approx(4693.68)
    assert row["energy_saved_kwh"] == pytest.approx(782.28)
    assert row["reduction_tco2e"] == pytest.approx(782.28 * GRID_2024)
    assert row["hdd_factor_id"] == "hdd:tokyo"
    assert row["efficiency_factor_id"] == "heating_efficiency:heat_pump"
    # Estimated envelope savings are not creditable (no J-Credit insulation methodology).
    assert row["basis"] == "estimated"
    assert row["creditable_tco2e"] == 0


def test_envelope_grade_zone_and_kerosene(calc: Calc) -> None:
    row = calc(
        "renovation",
        [
            ENVELOPE
            | {
                "prefecture": "nagano",
                "ua_after_w_m2k": None,
                "target_grade": 5,
                "location": None,
                "hdd_kday": 2900,
                "heating_appliance": None,
                "heating_efficiency": 0.85,
                "energy_carrier": "kerosene",
                "basis": "measured",
            }
        ],
    ).results.iloc[0]
    # Nagano's main zone is 4; grade 5 in zone 4 allows UA 0.60 (品確法 grades).
    assert row["ua_limit_factor_id"] == "ua_limits:5/4"
    heat = (0.87 - 0.60) * 300 * 2900 * 24 / 1000  # 5,637.6 kWh
    energy = heat * 0.5 / 0.85
    # Kerosene, revised regime for FY2024: 0.0187 t-C/GJ x 44/12 / 277.78 kWh/GJ.
    per_kwh = 0.0187 * 44 / 12 / (1e9 / 3.6e6)
    assert row["factor_id"] == "fuel:kerosene/carbon_factor@2023"
    assert row["reduction_tco2e"] == pytest.approx(energy * per_kwh)
    assert row["creditable_tco2e"] == pytest.approx(row["reduction_tco2e"])  # measured


def test_kerosene_regime_before_2023(calc: Calc) -> None:
    row = calc(
        "renovation", [ENVELOPE | {"heating_appliance": "kerosene_fan_heater"}], fy=2022
    ).results.iloc[0]
    assert row["factor_id"] == "fuel:kerosene/carbon_factor@2010"
    assert row["uses_unverified"]  # the fan heater's 0.85 is a placeholder


BOILER = {
    "municipality": "伊那市",
    "measure": "equipment",
    "project_output_gj": 187.2,  # = 52,000 kWh of heat
    "baseline_efficiency": 0.8,
    "baseline_carrier": "a_heavy_oil",
    "project_energy_kwh": 16500,
    "project_carrier": "electricity",
}


def test_equipment_by_hand(calc: Calc) -> None:
    row = calc("renovation", [BOILER], factor_year="results").results.iloc[0]
    # Baseline: 52,000 / 0.8 = 65,000 kWh of A heavy oil; 0.0193 t-C/GJ x 44/12 = 0.070767 t/GJ
    # = 0.00025476 t/kWh -> 16.559 t. Project: 16,500 kWh x 0.000423 = 6.9795 t.
    baseline = 65000 * 0.0193 * 44 / 12 / 277.7777778
    assert row["baseline_tco2e"] == pytest.approx(baseline)
    assert row["project_tco2e"] == pytest.approx(16500 * GRID_2024)
    assert row["reduction_tco2e"] == pytest.approx(baseline - 16500 * GRID_2024)
    assert (
        row["project_factor_id"]
        == "grid_electricity:national_average/overall/national_average@2024[results]"
    )
    assert row["creditable_tco2e"] == pytest.approx(row["reduction_tco2e"])


def test_lighting_by_hand(calc: Calc) -> None:
    row = calc(
        "renovation",
        [
            {
                "municipality": "伊那市",
                "measure": "lighting",
                "power_before_w": 40,
                "power_after_w": 18,
                "lamp_count": 220,
                "operating_hours_h": 3000,
            }
        ],
        factor_year="results",
    ).results.iloc[0]
    # (40 - 18) W x 220 x 3,000 h = 14,520 kWh; x 0.000423 = 6.14196 t.
    assert row["energy_saved_kwh"] == pytest.approx(14520)
    assert row["reduction_tco2e"] == pytest.approx(6.14196)


def test_missing_measure_columns_are_reported_per_row(calc: Calc) -> None:
    with pytest.raises(InputError) as info:
        calc(
            "renovation",
            [
                {"municipality": "伊那市", "measure": "lighting", "power_before_w": 40},
                {"municipality": "伊那市", "measure": "bogus"},
                ENVELOPE | {"ua_after_w_m2k": 0.95},
            ],
        )
    found = {(p.row, p.column) for p in info.value.problems}
    assert {(2, "power_after_w"), (2, "lamp_count"), (2, "operating_hours_h")} <= found
    assert (3, "measure") in found
    assert (4, "ua_after_w_m2k") in found  # UA after above UA before
