"""Properties that hold for any input: linearity, zero, totals, units, and the FY's factor.

A calculation costs about the same on one row as on a hundred (its cost is per call, not per
row), and a kernel is row-wise (`calculation.compute_together`: a row's results depend on that
row and the factors only). So each example is a frame of many rows, each row with its own scale
where a property scales, and fewer examples cover as many rows as forty examples of a few rows
did: each row is a case of the property on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear
from offset.methods import METHODS, CalcOptions
from offset.methods.calculation import calculate
from offset.methods.summary import by_municipality

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROWS = 60  # the most rows of an example's frame
positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
scale = st.floats(min_value=0.1, max_value=100, allow_nan=False)


def amounts(low: float, high: float) -> st.SearchStrategy[float]:
    """Physical amounts: no subnormal floats (they underflow and make exact linearity fail)."""
    return st.floats(low, high, allow_subnormal=False)


# names the list of local governments does not hold (kept as written), so that any prefecture fits
municipalities = st.sampled_from(["town-a", "town-b", "緑川市", "東野町"])


def run(
    method: str,
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: int = 2024,
    factor_year: FactorYear = DEFAULT_FACTOR_YEAR,
) -> pd.DataFrame:
    return calculate(method, frame, factors, CalcOptions(fy=fy, factor_year=factor_year)).results


solar_rows = st.lists(
    st.fixed_dictionaries(
        {
            "municipality": municipalities,
            "prefecture": st.sampled_from(["nagano", "tokyo", "kochi"]),
            "capacity_kw": positive,
            "commissioned": st.dates(
                min_value=pd.Timestamp("2005-01-01").date(),
                max_value=pd.Timestamp("2025-03-31").date(),
            ).map(str),
            "self_consumption_ratio": amounts(0, 1),
            "grid_entity": st.sampled_from(
                ["national_average", "kyushu_epco", "shikoku_epco", "tepco"]
            ),
        }
    ),
    min_size=1,
    max_size=ROWS,
)
forest_rows = st.lists(
    st.fixed_dictionaries(
        {
            "municipality": municipalities,
            "species": st.sampled_from(["sugi", "hinoki", "karamatsu", "buna"]),
            "area_ha": positive,
            "age_yr": st.integers(1, 120),
            "managed": st.booleans(),
            "growth_m3_per_ha_yr": amounts(0, 30),
            "harvested_m3": amounts(0, 50),
        }
    ),
    min_size=1,
    max_size=ROWS,
)
lighting_rows = st.lists(
    st.fixed_dictionaries(
        {
            "municipality": municipalities,
            "measure": st.just("lighting"),
            "power_before_w": amounts(20, 400),
            "power_after_w": amounts(0, 20),
            "lamp_count": st.integers(0, 5000),
            "operating_hours_h": amounts(0, 8760),
        }
    ),
    min_size=1,
    max_size=ROWS,
)

OUTPUTS = ["reduction_tco2e", "creditable_tco2e"]


def scales(values: st.SearchStrategy[Any]) -> st.SearchStrategy[np.ndarray[Any, Any]]:
    """A scale for each row of a frame (the first `len(frame)` of them)."""
    return st.lists(values, min_size=ROWS, max_size=ROWS).map(np.array)


@SETTINGS
@given(solar_rows, scales(scale))
def test_solar_is_linear_in_capacity(
    factors: FactorLibrary, rows: list[dict[str, object]], ks: np.ndarray[Any, Any]
) -> None:
    frame = pd.DataFrame(rows)
    k = ks[: len(frame)]
    base = run("solar", frame, factors)
    scaled = run("solar", frame.assign(capacity_kw=frame["capacity_kw"] * k), factors)
    for column in OUTPUTS:
        np.testing.assert_allclose(scaled[column], base[column] * k, rtol=1e-9)


@SETTINGS
@given(forest_rows, scales(scale))
def test_forest_is_linear_in_area(
    factors: FactorLibrary, rows: list[dict[str, object]], ks: np.ndarray[Any, Any]
) -> None:
    frame = pd.DataFrame(rows)
    k = ks[: len(frame)]
    base = run("forest", frame, factors)
    # Harvest is a volume, not per hectare, so it scales with the area too.
    scaled = run(
        "forest",
        frame.assign(area_ha=frame["area_ha"] * k, harvested_m3=frame["harvested_m3"] * k),
        factors,
    )
    for column in ["reduction_tco2e", "creditable_tco2e", "buffer_tco2e"]:
        np.testing.assert_allclose(scaled[column], base[column] * k, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(lighting_rows, scales(st.integers(1, 50)))
def test_lighting_is_linear_in_count(
    factors: FactorLibrary, rows: list[dict[str, object]], ks: np.ndarray[Any, Any]
) -> None:
    frame = pd.DataFrame(rows)
    k = ks[: len(frame)]
    base = run("renovation", frame, factors)
    scaled = run("renovation", frame.assign(lamp_count=frame["lamp_count"] * k), factors)
    np.testing.assert_allclose(scaled["reduction_tco2e"], base["reduction_tco2e"] * k, rtol=1e-9)


@SETTINGS
@given(solar_rows, forest_rows)
def test_zero_activity_gives_zero(
    factors: FactorLibrary, pv: list[dict[str, object]], stands: list[dict[str, object]]
) -> None:
    solar = run("solar", pd.DataFrame(pv).assign(capacity_kw=0.0), factors)
    forest = run("forest", pd.DataFrame(stands).assign(area_ha=0.0, harvested_m3=0.0), factors)
    for frame in (solar, forest):
        assert (frame["reduction_tco2e"] == 0).all()
        assert (frame["creditable_tco2e"] == 0).all()


@SETTINGS
@given(solar_rows)
def test_totals_equal_the_sum_of_rows(
    factors: FactorLibrary, rows: list[dict[str, object]]
) -> None:
    results = run("solar", pd.DataFrame(rows), factors)
    summary = by_municipality(results, METHODS["solar"].totals)
    assert summary["rows"].sum() == len(results)
    for column in OUTPUTS:
        assert summary[column].sum() == pytest.approx(results[column].sum(), rel=1e-12, abs=1e-12)
        for name, group in results.groupby("municipality", observed=True):
            assert summary.at[str(name), column] == pytest.approx(
                group[column].sum(), rel=1e-12, abs=1e-12
            )


@SETTINGS
@given(solar_rows, forest_rows)
def test_other_units_give_the_same_result(
    factors: FactorLibrary, pv: list[dict[str, object]], stands: list[dict[str, object]]
) -> None:
    frame = pd.DataFrame(pv)
    in_mw = frame.assign(capacity_mw=frame["capacity_kw"] / 1000).drop(columns="capacity_kw")
    np.testing.assert_allclose(
        run("solar", in_mw, factors)["reduction_tco2e"],
        run("solar", frame, factors)["reduction_tco2e"],
        rtol=1e-12,
    )
    forest = pd.DataFrame(stands)
    in_m2 = forest.assign(area_m2=forest["area_ha"] * 10_000).drop(columns="area_ha")
    np.testing.assert_allclose(
        run("forest", in_m2, factors)["reduction_tco2e"],
        run("forest", forest, factors)["reduction_tco2e"],
        rtol=1e-12,
    )


@pytest.mark.parametrize("fy", [2013, 2014, 2015, 2016, 2017, 2018, 2024])
@settings(SETTINGS, max_examples=3)
@given(st.lists(positive, min_size=1, max_size=ROWS))
def test_changing_the_fy_picks_that_fys_factor(
    factors: FactorLibrary, fy: int, kwhs: list[float]
) -> None:
    """Results year `fy`: the FY's own figures under `results`, FY fy+1's under `reporting`."""
    frame = pd.DataFrame(
        [
            {
                "municipality": "osaka",
                "prefecture": "osaka",
                "capacity_kw": 1.0,
                "commissioned": "2010-04-01",
                "generation_kwh": kwh,
                "grid_entity": "関西電力株式会社",  # as an office writes it
                "grid_menu": "(参考値)事業者全体",  # the company-wide row of every FY's list
            }
            for kwh in kwhs
        ]
    )
    expected = factors["grid_electricity"].value(
        entity="kansai_epco", menu="overall", kind="basic", fy=fy
    )
    rules: tuple[tuple[int, FactorYear], ...] = ((fy, "results"), (fy + 1, "reporting"))
    for figures_fy, rule in rules:
        rows = run("solar", frame, factors, fy=figures_fy, factor_year=rule)
        assert len(rows) == len(kwhs)
        assert (rows["grid_factor_t_co2_per_kwh"] == expected).all()
        assert (
            rows["grid_factor_id"] == f"grid_electricity:kansai_epco/overall/basic@{fy}[{rule}]"
        ).all()
        assert (rows["grid_factor_years_back"] == 0).all()
        np.testing.assert_allclose(rows["reduction_tco2e"], np.array(kwhs) * expected, rtol=1e-6)
