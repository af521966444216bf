"""`offset calc --keep-going`: the valid rows computed, the refused ones listed with why.

An officer's first look at a new file wants the good rows' figures and a list of the rest, not
one refusal for the file. Every row a check refuses (its cells, a repeat, the method's own
checks) is left out and the rest computed again, until what is left passes; each refused row
is kept with its sheet, row, column and reason. A problem of the whole file (a missing column)
still refuses it, and `offset run` stays all-or-nothing: credits are never posted from part of
a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from offset.common.messages import text
from offset.common.problems import InputError, Problem
from offset.factors import FactorLibrary
from offset.intake.identity import key_columns
from offset.intake.inputs import Prepared, blocks_computing
from offset.intake.sheetrows import FIRST_DATA_ROW, shifted
from offset.methods import METHODS, CalcOptions
from offset.methods.calculation import CalcResult, compute_prepared

MAX_ROUNDS = 4  # each round leaves out what the last refused; the method checks all rows at once
REJECT_COLUMNS = ("sheet", "row", "column", "reason")


@dataclass(frozen=True)
class Kept:
    """What `--keep-going` computed, and the rows it refused (one line per problem)."""

    result: CalcResult
    rejects: pd.DataFrame  # sheet, row, column, reason, then the row's identifier and place

    @property
    def refused_rows(self) -> int:
        return len(self.rejects[["sheet", "row"]].drop_duplicates()) if len(self.rejects) else 0


def compute_valid_rows(
    method: str,
    prepared: Prepared,
    problems: Sequence[Problem],
    factors: FactorLibrary,
    options: CalcOptions,
) -> Kept:
    """The rows without a problem, computed; the problems of the others. InputError when a
    problem is the whole file's (nothing can be computed) or the rounds run out."""
    refused = list(problems)
    if blocks_computing(refused):
        raise InputError(refused)
    left_out = {_index_of(p, prepared) for p in refused}
    for _ in range(MAX_ROUNDS):
        frame = prepared.frame[~prepared.frame.index.isin(list(left_out - {None}))]
        try:
            result = compute_prepared(method, frame, factors, options)
        except InputError as e:
            found = prepared.relabel(e.problems)
            if blocks_computing(found):
                raise InputError([*refused, *found]) from e
            refused += found
            left_out |= {_index_of(p, prepared) for p in found}
            continue
        noticed = CalcResult(method, result.results, result.summary, result.manifest,
                             prepared.notices)  # fmt: skip
        return Kept(noticed, _rejects(refused, prepared, method))
    raise InputError(refused)


def _index_of(problem: Problem, prepared: Prepared) -> int | None:
    """The frame index of the row a problem names (None: no row)."""
    if problem.row is None:
        return None
    position = prepared.sheets.index(problem.sheet) if problem.sheet in prepared.sheets else 0
    return shifted(position) + problem.row - FIRST_DATA_ROW


def _rejects(refused: list[Problem], prepared: Prepared, method: str) -> pd.DataFrame:
    """One line per problem of a row: where, why, and the row's identifier and municipality."""
    rows = [p for p in refused if p.row is not None]
    lines = pd.DataFrame(
        {
            "sheet": [p.sheet or "" for p in rows],
            "row": [p.row for p in rows],
            "column": [p.column or "" for p in rows],
            "reason": [text(p.message) for p in rows],
        },
        columns=list(REJECT_COLUMNS),
    )
    shown = [*key_columns(prepared.frame, METHODS[method].contract.identity)]
    shown += [c for c in ("municipality_name", "municipality") if c in prepared.frame]
    if shown and rows:
        at = [_index_of(p, prepared) for p in rows]
        cells = prepared.frame.reindex(at)[shown].reset_index(drop=True)
        lines = pd.concat([lines, cells.astype(object)], axis=1)
    return lines.sort_values(["sheet", "row"], kind="stable", ignore_index=True)
