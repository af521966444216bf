"""Which year's row of a yearly table applies to the figures of a fiscal year.

A yearly table declares what its `fy` column means (`year_basis` in tables.toml):
- `results_year`: the FY whose actual results the value was computed from (the grid list
  "R6年度実績" is results year 2024);
- `reporting_year`: the FY of the emissions the value is published for.

A calculation chooses the rule (`--factor-year`):
- `reporting`: the value published for the FY's emission reports. The Ministry of the
  Environment's list of FY2024 results (電気事業者別排出係数 -R6年度実績-, R8.1.9公表) is headed
  "令和7年度の温室効果ガス排出量を算定する際に用いる係数": FY N results serve FY N+1 emissions;
  Kyushu EPCo's notice says the same (FY2018 emissions use the FY2017 results).
- `results`: the FY's own results (what offset applied before the rule was stated).

The default is `reporting`, the MOE rule, for every figure a municipality reports (the 実行計画
figures, `reduction_tco2e`). The credits of an instrument whose rules say otherwise are computed
under its own rule (`CREDIT_RULES`). J-Credit's monitoring rules, モニタリング・算定規程
(排出削減プロジェクト用) 2.4.1:
「値が毎年度変化するデフォルト値については、排出削減が生じた期間に対応する年度の値を用いなければならない」
(quoted in the J-Credit steering committee's paper 「制度文書の改定に関する審議について」, 2016,
expydoc.com/doc/10281902; the rules' annex 別表 once listed the electricity factor by 年度,
docsplayer 105741115): a yearly default takes the value of the FY the reduction occurred in,
the `results` rule. That the current text (Ver.3.21, 2023-10-20) keeps the clause
was not read; a project may name its own rule (`credit_factor_year`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from offset.common.messages import Msg
from offset.factors.catalog import TableSpec

FactorYear = Literal["reporting", "results"]
FACTOR_YEARS: tuple[str, ...] = get_args(FactorYear)
DEFAULT_FACTOR_YEAR: FactorYear = "reporting"

# The table year for the figures of FY N is N + LAG[(rule, basis)].
LAG: dict[tuple[str, str], int] = {
    ("reporting", "results_year"): -1,  # FY N emissions: the FY N-1 results
    ("results", "results_year"): 0,
    ("reporting", "reporting_year"): 0,
    ("results", "reporting_year"): +1,  # FY N results are published for FY N+1 reports
}


# Instrument -> (the rule its credits take, why). Others: the rule of the run.
CREDIT_RULES: dict[str, tuple[FactorYear, str]] = {
    "J-Credit": (
        "results",
        "J-Credit モニタリング・算定規程 2.4.1: a yearly default value takes the value of the FY"
        " the reduction occurred in",
    ),
}


def credit_rule(instrument: str, run_rule: FactorYear) -> tuple[FactorYear, str]:
    """The rule an instrument's credits are computed under, and why."""
    return CREDIT_RULES.get(instrument, (run_rule, "the run's rule"))


def lag(spec: TableSpec, rule: FactorYear) -> int:
    """FYs between a figure's FY and the table row it takes (0 for tables of another kind)."""
    if spec.year_rule != "yearly" or spec.year_basis is None:
        return 0
    return LAG[rule, spec.year_basis]


def qualified(factor_id: str, rule: FactorYear) -> str:
    """A yearly factor's id with the rule that chose its year: `...@2024[reporting]`."""
    return f"{factor_id}[{rule}]"


def describe(rule: FactorYear) -> Msg:
    """The rule in words, for manifests (English) and reports (in their language)."""
    return Msg(f"factor_year.{rule}")


def manifest(rule: FactorYear, specs: Mapping[str, TableSpec]) -> dict[str, object]:
    """What a manifest records: the rule, in words, and what each yearly table's year means."""
    return {
        "rule": rule,
        "meaning": describe(rule),
        "tables": {
            name: {"year_basis": spec.year_basis, "lag": lag(spec, rule)}
            for name, spec in specs.items()
            if spec.year_rule == "yearly"
        },
    }
