"""Each activity's reduction per day of a fiscal year, from the subsidy list, with its method.

The office's subsidy list is read with the programme's method's columns (`offset calc` reads the
same list) and computed for each FY a monitoring period touches, under the instrument's year rule
for credits. An activity's daily reduction in an FY is its creditable reduction over its days in
service in that FY (solar: capacity x yield x (1 - degradation)^years x self-consumed share x the
grid factor, over the FY's days), so a member's reduction is its counted days x that figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.problems import InputError, Problem
from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, credit_rule
from offset.intake.inputs import load
from offset.intake.localities import Constants
from offset.intake.municipalities import shipped
from offset.intake.prepared import Prepared
from offset.intake.vocabulary import vocabularies
from offset.methods import METHODS, CalcOptions
from offset.methods.calculation import compute_prepared
from offset.programme.model import Programme


@dataclass(frozen=True)
class Activities:
    """The checked subsidy list and, per FY, each row's results and daily reduction [t-CO2/day]
    (`daily[fy]`, aligned with the list's rows)."""

    prepared: Prepared
    results: dict[int, pd.DataFrame]
    daily: dict[int, npt.NDArray[np.float64]]

    @property
    def frame(self) -> pd.DataFrame:
        return self.prepared.frame


def read(
    programme: Programme, path: Path, factors: FactorLibrary
) -> tuple[Prepared, list[Problem]]:
    """The subsidy list, checked against the method's columns (every problem in one pass)."""
    operator = programme.content.operator
    constants, places = Constants(), []
    if operator.kind == "municipality" and operator.jis_code:
        places = [(programme.header.operator, operator.name, operator.jis_code)]
        constants = Constants(
            operator.jis_code,
            operator.prefecture,
            where="operator.jis_code",
            prefecture_where="operator.prefecture",
            binding=False,
        )
    return load(
        path,
        METHODS[programme.header.method].contract,
        vocabularies=vocabularies(factors),
        municipalities=shipped().with_parties(places),
        constants=constants,
        duplicates="refuse",
    )


def compute(
    programme: Programme, prepared: Prepared, fys: range, factors: FactorLibrary
) -> Activities:
    """Each activity's results and daily reduction in each FY of `fys`."""
    header = programme.header
    rule = credit_rule(header.instrument, DEFAULT_FACTOR_YEAR)[0]
    frame = prepared.frame.drop(columns=["fy"], errors="ignore")  # one row serves every FY
    results: dict[int, pd.DataFrame] = {}
    daily: dict[int, npt.NDArray[np.float64]] = {}
    for fy in fys:  # a few FYs, each vectorised over every activity
        options = CalcOptions(
            fy=fy, file=prepared.file, methodology=header.methodology, credit_factor_year=rule
        )
        try:
            found = compute_prepared(header.method, frame, factors, options).results
        except InputError as e:  # the method's own checks: named as the office's headers
            raise InputError(prepared.relabel(e.problems)) from e
        creditable = found["creditable_tco2e"].to_numpy(dtype=np.float64)
        if "days_in_service" in found:
            in_service = found["days_in_service"].to_numpy(dtype=np.int64)
        else:
            in_service = np.full(len(found), int(fiscal.days_in_fy(np.array([fy]))[0]))
        daily[fy] = np.divide(
            creditable, in_service, out=np.zeros(len(found)), where=in_service > 0
        )
        results[fy] = found
    return Activities(prepared, results, daily)


def service_span(
    frame: pd.DataFrame,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """Each activity's first day in service and first day out (NaT: none given)."""
    nat = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    start = (
        frame["commissioned"].to_numpy(dtype="datetime64[D]") if "commissioned" in frame else nat
    )
    stop = (
        frame["decommissioned"].to_numpy(dtype="datetime64[D]")
        if "decommissioned" in frame
        else nat
    )
    return start, stop
