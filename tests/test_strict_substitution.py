"""`--strict-factors` refuses a row whose grid factor is not of the supplier it names (issue 34:
no silent substitution): the FY's 代替値 or the national average in its place. The menu steps of
the MOE order (the supplier's residual, its company-wide row) are the supplier's own figures
and stay; so do rows whose figures are zero whatever the factor."""

from __future__ import annotations

import pandas as pd
import pytest

from offset.common.messages import text
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.methods import CalcOptions
from offset.methods.calculation import CalcResult, calculate
from tests.test_grid_suppliers import ROW  # 1,000,000 kWh: t = the factor in g/kWh

ALTERNATIVE = "the 代替値 of the FY: the supplier is not in the FY's list"


def _calc(
    factors: FactorLibrary, rows: list[dict[str, object]], fy: int, *, strict: bool = False
) -> CalcResult:
    options = CalcOptions(fy=fy, file="pv.csv", strict_factors=strict)
    return calculate("solar", pd.DataFrame(rows), factors, options)


def test_the_alternative_value_in_a_named_suppliers_place_is_refused(
    factors: FactorLibrary,
) -> None:
    """FY2023 figures, reporting rule: the FY2022 list, which offset ships no TEPCO row of; the
    MOE order gives the FY2022 代替値 0.000429 x 1,000,000 kWh = 429 t, and says so."""
    rows = [ROW | {"system_id": "pv-1", "grid_entity": "東京電力エナジーパートナー"}]
    done = _calc(factors, rows, 2023)
    assert f"1 rows used a fallback for grid_factor_fallback: {ALTERNATIVE}" in done.warnings
    taken = done.results
    assert taken["reduction_tco2e"].tolist() == pytest.approx([429.0])
    assert taken["grid_factor_fallback"].tolist() == [3]
    with pytest.raises(InputError) as e:
        _calc(factors, rows, 2023, strict=True)
    (problem,) = e.value.problems
    assert (problem.row, problem.column) == (2, "grid_factor_id")
    assert problem.message == (
        f"--strict-factors: the factor of this row is not of what the row names: {ALTERNATIVE}"
    )
    assert text(problem.message, "ja") == (
        "--strict-factors: この行の係数は、行が指定したものの係数ではありません:"
        " その年度の代替値 (事業者がその年度の表にないため)"
    )


def test_the_suppliers_own_menu_rows_and_rows_of_no_effect_stay_under_strict(
    factors: FactorLibrary,
) -> None:
    rows = [
        # FY2025 figures take the FY2024 list: メニューZ is not in it, so TEPCO's residual
        # (メニューM(残差)) 0.000452 applies, the MOE order's first step: 452 t
        ROW | {"grid_entity": "tepco", "grid_menu": "メニューZ"},
        # a system that generated nothing: whatever its factor, its figures are 0
        ROW | {"system_id": "pv-2", "grid_entity": "tepco", "generation_kwh": 0,
               "self_consumed_kwh": 0},
    ]  # fmt: skip
    results = _calc(factors, rows, 2025, strict=True).results
    assert results["reduction_tco2e"].tolist() == pytest.approx([452.0, 0.0])
    assert results["grid_factor_fallback"].tolist() == [1, 0]
    # in FY2023 figures (the FY2022 list) the idle system's factor is the 代替値: not refused
    idle = _calc(factors, [rows[1]], 2023, strict=True).results
    assert idle["grid_factor_fallback"].tolist() == [3]
    assert idle["reduction_tco2e"].tolist() == [0.0]
