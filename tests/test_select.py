"""Vectorised selection against a brute-force reference, and the declared fallback policies."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.factors import FactorLibrary, FactorTable, select
from offset.factors.select import DENSE_LIMIT


def test_exact_key_and_fy(factors: FactorLibrary) -> None:
    s = select(
        factors["grid_electricity"],
        {"entity": "kyushu_epco", "menu": "overall", "kind": "basic"},
        np.array([2018]),
    )
    assert s.values.tolist() == [0.000319]
    assert s.fallback.tolist() == [0]
    assert list(s.factor_ids()) == ["grid_electricity:kyushu_epco/overall/basic@2018"]


def test_grid_fallback_order_is_the_moe_order(factors: FactorLibrary) -> None:
    grid = factors["grid_electricity"]
    s = select(
        grid,
        {
            "entity": pd.Series(
                [
                    "tepco",
                    "u_power",
                    "hokkaido_td",
                    "nowhere",
                    "national_average",
                    "kyushu_epco",
                    "national_average",
                    "kyushu_epco",
                ]
            ),
            "menu": pd.Series(
                [
                    "Z",
                    "residual",
                    "residual",
                    "residual",
                    "overall",
                    "residual",
                    "overall",
                    "residual",
                ]
            ),
            "kind": pd.Series(
                [
                    "adjusted",
                    "adjusted",
                    "basic",
                    "basic",
                    "national_average",
                    "adjusted",
                    "national_average",
                    "basic",
                ]
            ),
        },
        np.array([2024, 2022, 2024, 2024, 2022, 2021, 2016, 2012]),
    )
    # TEPCO FY2024 has no menu Z: its residual row, メニューM(残差) 0.000452 (level 1).
    # U-Power FY2022 has no residual row: its company-wide figure 0.000473 (level 2).
    # A T&D company has one row, its company-wide one (level 2).
    # A supplier not in the FY2024 list: the FY2024 代替値 0.000416 (level 3).
    # The national average is never replaced by the 代替値: FY2022 has none, so FY2018's
    # 0.000462, four FYs older (level 4: stale), although the FY2022 代替値 0.000429 is there.
    # Kyushu FY2021 has no row and no FY2021 代替値 is shipped: its FY2018 residual row (Menu B,
    # 0.000347), three FYs older (level 4). National average FY2016: none at or before (none).
    # Kyushu FY2012: no row within 5 FYs and no national average within 10: none.
    assert s.fallback.tolist() == [1, 2, 2, 3, 4, 4, -1, -1]
    assert s.values[:6].tolist() == [0.000452, 0.000473, 0.000423, 0.000416, 0.000462, 0.000347]
    assert np.isnan(s.values[6:]).all()


def test_fuel_regime_follows_the_fy(factors: FactorLibrary) -> None:
    s = select(
        factors["fuel"],
        {"fuel": "kerosene", "parameter": "carbon_factor"},
        np.array([2009, 2022, 2023, 2030]),
    )
    assert s.fallback.tolist() == [-1, 0, 0, 0]  # valid_from is the normal rule, not a fallback
    assert s.values[1:].tolist() == [0.0185, 0.0187, 0.0187]


def _reference(
    table: FactorTable, keys: dict[str, list[object]], years: list[int]
) -> list[tuple[int, int]]:
    """A slow, obviously correct resolver: one Python loop per request row."""
    rows = table.rows
    spec = table.spec
    steps: list[tuple[dict[str, str], bool, int | None, Mapping[str, tuple[str, ...]]]]
    steps = [(dict[str, str](), spec.year_rule == "valid_from", None, {})] + [
        (dict(f.substitute), f.earlier_year, f.max_years_back, f.skip) for f in spec.fallbacks
    ]
    out = []
    for i, year in enumerate(years):
        result = (-1, -1)
        for level, (substitute, earlier, back, skip) in enumerate(steps):
            if any(keys[k][i] in values for k, values in skip.items()):
                continue
            want = {k: keys[k][i] for k in spec.keys} | substitute
            mask = np.ones(len(rows), dtype=bool)
            for k, v in want.items():
                mask &= (rows[k] == v).to_numpy()
            candidates = rows[mask]
            if spec.year:
                years_col = candidates[spec.year]
                ok = years_col <= year if earlier else years_col == year
                if earlier and back is not None:
                    ok &= years_col >= year - back
                candidates = candidates[ok.to_numpy()].sort_values(spec.year)
            if len(candidates):
                result = (int(candidates.index[-1]), level)
                break
        out.append(result)
    return out


ENTITIES = ["national_average", "kyushu_epco", "shikoku_epco", "tepco", "kansai_epco", "nowhere"]
MENUS = ["residual", "overall", "A", "M", "Z"]
KINDS = ["basic", "adjusted", "unadjusted", "national_average"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ENTITIES),
            st.sampled_from(MENUS),
            st.sampled_from(KINDS),
            st.integers(2005, 2030),
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
    st.booleans(),
)
def test_selection_matches_a_per_row_reference(
    factors: FactorLibrary,
    requests: list[tuple[str, str, str, int]],
    categorical: bool,
    sparse: bool,
) -> None:
    grid = factors["grid_electricity"]
    keys: dict[str, pd.Series] = {
        column: pd.Series([r[i] for r in requests])
        for i, column in enumerate(("entity", "menu", "kind"))
    }
    if categorical:
        keys = {column: values.astype("category") for column, values in keys.items()}
    years = [r[3] for r in requests]
    # dense_limit=0 forces the hashed path; the default takes the dense lookup array.
    limit = 0 if sparse else DENSE_LIMIT
    s = select(grid, keys, np.array(years), dense_limit=limit)
    expected = _reference(grid, {k: list(v.astype(str)) for k, v in keys.items()}, years)
    assert list(zip(s.row.tolist(), s.fallback.tolist(), strict=True)) == expected


def test_scalar_keys_broadcast(factors: FactorLibrary) -> None:
    s = select(factors["pv_yield"], {"region": "japan"}, length=3)
    assert s.values.tolist() == [1000.0] * 3


def test_wrong_key_columns_are_a_bug(factors: FactorLibrary) -> None:
    with pytest.raises(AssertionError):
        select(factors["pv_yield"], {"prefecture": "tokyo"})


def test_where_resolves_only_the_masked_rows(factors: FactorLibrary) -> None:
    keys = {
        "entity": pd.Series(["kyushu_epco", "tepco", "kyushu_epco"]),
        "menu": "overall",
        "kind": "basic",
    }
    years = np.array([2018, 2024, 2017])
    full = select(factors["grid_electricity"], keys, years)
    masked = select(factors["grid_electricity"], keys, years, where=np.array([True, False, True]))
    assert masked.row.tolist() == [full.row[0], -1, full.row[2]]
    assert masked.fallback.tolist() == [0, -1, 0]


def test_integer_keys_by_direct_lookup(factors: FactorLibrary) -> None:
    # grade and zone are integer keys: float inputs (NaN for blanks) resolve without hashing.
    s = select(
        factors["ua_limits"],
        {"grade": np.array([4.0, 7.0, np.nan, 4.5]), "zone": np.array([6.0, 1.0, 6.0, 6.0])},
    )
    assert s.values[:2].tolist() == [0.87, 0.20]
    assert s.missing[2:].tolist() == [True, True]
