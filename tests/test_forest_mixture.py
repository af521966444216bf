"""Mixed stands as laws: a stand split by share is the share-weighted sum of its two pure
stands, whatever the share, and a share of 1 is the pure stand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.factors import FactorLibrary
from offset.methods import CalcOptions
from offset.methods.forest import forest

SPECIES = ("sugi", "hinoki", "karamatsu", "akamatsu")


def stand(**columns: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "stand_id": "1-1",
        "municipality": "202096",
        "prefecture": "nagano",
        "area_ha": 2.0,
        "age_yr": 40,
        "managed": True,
        "growth_m3_per_ha_yr": 6.0,
    }
    return pd.DataFrame([base | columns])


@pytest.fixture(scope="module")
def library() -> FactorLibrary:
    return FactorLibrary()


@settings(max_examples=40, deadline=None)
@given(
    first=st.sampled_from(SPECIES),
    second=st.sampled_from(SPECIES),
    share=st.floats(min_value=0.0, max_value=1.0),
    age=st.integers(min_value=1, max_value=120),
)
def test_a_mixed_stand_is_the_share_weighted_sum_of_its_pure_stands(
    library: FactorLibrary, first: str, second: str, share: float, age: int
) -> None:
    options = CalcOptions(fy=2024, gwp_metric="AR5")
    mixed = forest(
        stand(species=first, species_2=second, species_share=share, age_yr=age), library, options
    )
    one = forest(stand(species=first, age_yr=age), library, options)
    two = forest(stand(species=second, age_yr=age), library, options)
    expected = share * one["reduction_tco2e"].iloc[0] + (1 - share) * two["reduction_tco2e"].iloc[0]
    assert mixed["reduction_tco2e"].iloc[0] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    if share == 1.0:
        assert mixed["reduction_tco2e"].iloc[0] == pytest.approx(one["reduction_tco2e"].iloc[0])
