"""Rows with a time span (issue 13): PV days in service, renovation completion, advancing ages.
The day counts are by hand; FY2024 runs 2024-04-01 to 2025-03-31, 365 days (Feb 2025 has 28)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from offset.common import fiscal
from offset.common.problems import InputError
from tests.conftest import Calc
from tests.test_forest import STAND
from tests.test_renovation import BOILER, ENVELOPE
from tests.test_solar import BASE as PV

# 4.5 kW x 1,055 kWh/kW/yr (Nagano: MONSOLA-11 長野 3.96 kWh/m2/day x 365 x K 0.73), no whole year
# in service yet: no degradation
FULL_YEAR_KWH = 4.5 * 1055


def test_fy_lengths_and_days_in_service() -> None:
    fy = np.array([2023, 2024])
    # FY2023 holds 29 February 2024.
    assert fiscal.days_in_fy(fy).tolist() == [366, 365]
    start = np.array(["2023-04-01", "2024-10-01"], dtype="datetime64[D]")
    stop = np.array(["2023-04-02", "NaT"], dtype="datetime64[D]")
    assert fiscal.days_in_service(fy, start, stop).tolist() == [1, 182]


def test_pv_commissioned_on_17_march_gets_15_days(calc: Calc) -> None:
    row = calc("solar", [PV | {"commissioned": "2025-03-17"}]).results.iloc[0]
    # 17 to 31 March 2025, both counted: 15 days of FY2024's 365.
    assert row["days_in_service"] == 15
    assert row["age_fy"] == 0
    assert row["generation_kwh"] == pytest.approx(FULL_YEAR_KWH * 15 / 365)


def test_pv_decommissioned_mid_year(calc: Calc) -> None:
    rows = calc(
        "solar",
        [
            PV | {"commissioned": "2024-04-01", "decommissioned": "2024-07-01"},
            PV | {"commissioned": "2024-04-01", "decommissioned": "2026-01-01"},
        ],
    ).results
    # April, May, June: 30 + 31 + 30 = 91 days; the second system runs the whole FY.
    assert rows["days_in_service"].tolist() == [91, 365]
    assert rows["generation_kwh"].tolist() == pytest.approx(
        [FULL_YEAR_KWH * 91 / 365, FULL_YEAR_KWH]
    )


def test_pv_out_of_service_before_the_fy_and_metered_figures(calc: Calc) -> None:
    rows = calc(
        "solar",
        [
            PV | {"commissioned": "2019-06-15", "decommissioned": "2024-04-01"},
            PV | {"commissioned": "2025-03-17", "generation_kwh": 200, "fy": 2024},
            PV | {"commissioned": "2025-03-17", "generation_kwh": 3650, "self_consumed_kwh": 730},
        ],
    ).results
    assert rows["days_in_service"].tolist() == [0, 15, 15]
    assert rows["generation_basis"].tolist() == ["not_in_service", "metered", "metered"]
    # A row with its own fy: the meter read that FY's 15 days. A row without one gives annual
    # figures for every FY: 3,650 and 730 kWh a year are 150 and 30 kWh in 15 days of 365.
    assert rows["generation_kwh"].tolist() == pytest.approx([0, 200, 150])
    assert rows["self_consumed_kwh"].iloc[2] == pytest.approx(30)


def test_pv_decommissioned_before_commissioning_is_a_row_error(calc: Calc) -> None:
    with pytest.raises(InputError) as e:
        calc("solar", [PV, PV | {"decommissioned": "2019-06-01"}])
    (problem,) = e.value.problems
    assert (problem.row, problem.column) == (3, "decommissioned")
    assert "before the commissioning date" in problem.message


def test_renovation_completed_1_october_gets_182_days(calc: Calc) -> None:
    whole = calc("renovation", [ENVELOPE]).results.iloc[0]
    rows = calc(
        "renovation",
        [ENVELOPE | {"completed": "2024-10-01"}, ENVELOPE | {"completed": "2025-04-01"}],
    ).results
    # October to March: 31 + 30 + 31 + 31 + 28 + 31 = 182 days; completed in FY2025: nothing.
    assert rows["days_in_service"].tolist() == [182, 0]
    assert rows["reduction_tco2e"].tolist() == pytest.approx(
        [whole["reduction_tco2e"] * 182 / 365, 0.0]
    )
    # From the next FY on, the whole year: as a row without a completion date.
    later = calc("renovation", [ENVELOPE | {"completed": "2024-10-01"}], fy=2025).results.iloc[0]
    assert later["days_in_service"] == 365
    assert (
        later["reduction_tco2e"]
        == calc("renovation", [ENVELOPE], fy=2025).results.iloc[0]["reduction_tco2e"]
    )


def test_renovation_energy_saved_is_the_fys_as_its_reduction_is(calc: Calc) -> None:
    """The energy a measure saves in a FY is counted from completion, as its reduction: the
    実行計画's 省エネ改修による削減エネルギー sums it, and a case completed in a later FY saved
    nothing yet (it once counted whole in every FY, before its completion too)."""
    whole = calc("renovation", [ENVELOPE]).results.iloc[0]
    rows = calc(
        "renovation",
        [ENVELOPE | {"completed": "2024-10-01"}, ENVELOPE | {"completed": "2025-04-01"}],
    ).results
    for column in ("heat_saved_kwh", "energy_saved_kwh"):
        assert rows[column].tolist() == pytest.approx([whole[column] * 182 / 365, 0.0])
    # each row's figure traces: energy saved x the factor it names = its reduction
    assert (rows["energy_saved_kwh"] * rows["factor_t_co2_per_kwh"]).tolist() == pytest.approx(
        rows["reduction_tco2e"].tolist()
    )


def test_renovation_equipment_baseline_and_project_are_the_fys(calc: Calc) -> None:
    """An annual equipment figure pro-rated in its first FY: baseline - project = reduction."""
    whole = calc("renovation", [BOILER]).results.iloc[0]
    row = calc("renovation", [BOILER | {"completed": "2024-10-01"}]).results.iloc[0]
    assert row["reduction_tco2e"] == pytest.approx(whole["reduction_tco2e"] * 182 / 365)
    assert row["baseline_tco2e"] == pytest.approx(whole["baseline_tco2e"] * 182 / 365)
    assert row["project_tco2e"] == pytest.approx(whole["project_tco2e"] * 182 / 365)
    assert row["energy_saved_kwh"] == pytest.approx(whole["energy_saved_kwh"] * 182 / 365)


def test_a_measured_fy_figure_is_not_pro_rated_but_starts_at_completion(calc: Calc) -> None:
    measured = ENVELOPE | {"basis": "measured", "fy": 2024}
    rows = calc(
        "renovation",
        [
            measured,
            measured | {"completed": "2024-10-01"},
            measured | {"completed": "2025-04-01"},
            measured | {"completed": "2024-10-01", "fy": None},  # annual: pro-rated
        ],
    ).results
    first = rows["creditable_tco2e"].iloc[0]
    assert rows["creditable_tco2e"].tolist() == pytest.approx(
        [first, first, 0.0, first * 182 / 365]
    )


def test_sugi_age_20_in_fy2022_switches_bef_in_fy2023(calc: Calc) -> None:
    stand = STAND | {"species": "sugi", "age_yr": 20, "age_fy": 2022, "growth_m3_per_ha_yr": 1}
    for fy, age, bef in ((2022, 20, 1.57), (2023, 21, 1.23), (2021, 19, 1.57)):
        row = calc("forest", [stand], fy=fy).results.iloc[0]
        assert row["age_yr"] == age
        # sugi: D 0.314 t/m3, R 0.25, CF 0.51 (the Forestry Agency's figures in forest_species)
        assert row["reduction_tco2e"] == pytest.approx(0.314 * bef * 1.25 * 0.51 * 44 / 12)


def test_forest_ages_that_cannot_be(calc: Calc) -> None:
    future = fiscal.fiscal_year(dt.date.today()) + 1
    stand = STAND | {"age_yr": 3, "age_fy": 2024}
    with pytest.raises(InputError) as e:
        calc("forest", [stand, STAND | {"age_fy": future}], fy=2021)
    found = {(p.row, p.column, p.message) for p in e.value.problems}
    assert (
        2,
        "age_yr",
        "the stand was not yet planted in this FY (its age here would be below 1)",
    ) in found
    assert any(row == 3 and column == "age_fy" for row, column, _ in found)
