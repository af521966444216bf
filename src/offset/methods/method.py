"""What one method brings, as one record: everything else that lists methods reads it.

A `Method` holds the method's input contract and kernel, its words in both languages, the
warnings it reads off its results, the figures and charts it adds to the 実行計画 (action plan)
table, whether its figures are removals (吸収量, counted in no sector), and where its default
buffer share comes from. The scenario, the report, the terms and the CLI derive their lists
from `offset.methods.METHODS`, so a new method is one module and one line there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from offset.factors import FactorLibrary
from offset.intake.columns import Contract
from offset.methods.common import CalcOptions

MethodFn = Callable[[pd.DataFrame, FactorLibrary, CalcOptions], pd.DataFrame]
Words = tuple[str, str]  # (English, Japanese)
#: the totals every method's results carry (t-CO2e), per municipality and in the manifest
SHARED_TOTALS = ("reduction_tco2e", "creditable_tco2e")


@dataclass(frozen=True)
class PlanFigure:
    """A figure a method adds to the 実行計画 table, per FY: the column, its header, and how
    one project-year's results add to it."""

    column: str
    words: Words
    total: Callable[[pd.DataFrame], float]
    count: bool = False  # a number of things (systems), shown as a whole number


@dataclass(frozen=True)
class PlanChart:
    """A chart a method adds beside the 実行計画 table: its title, the plan columns it draws
    (one bar each per FY) and their unit."""

    title: Words
    columns: tuple[str, ...]
    unit: Words


def no_warnings(results: pd.DataFrame) -> list[str]:
    return []


@dataclass(frozen=True)
class Method:
    name: str
    contract: Contract
    compute: MethodFn
    summary: str  # one line in English (`offset columns`)
    words: Words  # its name in tables and reports
    #: the header of its own line of reductions in the 実行計画 table (`{name}_tco2e`); None
    #: for a method counted only in its sector or in removals
    reductions_line: Words | None = None
    removals: bool = False  # its figures are removals (吸収量): their own line, in no sector
    #: the `method_parameters` group whose `buffer_share` is the method's default share
    #: (`offset.methods.buffer`); None: nothing is withheld unless the project gives a share
    buffer_default: str | None = None
    totals: tuple[str, ...] = SHARED_TOTALS  # columns of its results summed per municipality
    plan: tuple[PlanFigure, ...] = ()
    charts: tuple[PlanChart, ...] = ()
    warnings: Callable[[pd.DataFrame], list[str]] = no_warnings  # read off its results
