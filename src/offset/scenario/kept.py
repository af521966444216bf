"""What a run keeps of a project-year once its result rows are written (`jobs.results_files`):
the figures the plan, the report's tables and the warnings read, not the rows.

A national run at the issue's row counts has tens of millions of result rows over its FYs; a
run keeps one FY's rows at a time (measured in benchmarks/README.md, "One FY's rows at a time").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from offset.methods import METHODS
from offset.scenario.compute import ProjectYear, factor_rows
from offset.scenario.model import Scenario


@dataclass(frozen=True)
class KeptYear:
    project: str
    fy: int
    rows: str  # the data file's rows used, as spreadsheet row ranges ("2-41,45")
    summary: pd.DataFrame  # per municipality (`CalcResult.summary`)
    warnings: list[str]
    factor_rows: tuple[str, ...]  # the distinct factor rows its results name
    creditable_tco2e: float
    reduction_tco2e: float
    plan: dict[str, float]  # each of its method's `Method.plan` figures, by column


def kept(scenario: Scenario, year: ProjectYear) -> KeptYear:
    """The figures of `year` that outlive its rows, each summed over its rows as the plan and
    the report summed them (the same values in the same order: the same floats)."""
    method = METHODS[scenario.projects[year.project].method]
    results = year.result.results
    known = year.result.factor_rows  # counted with the FY's other projects (`methods.parts`)
    return KeptYear(
        year.project,
        year.fy,
        year.rows,
        year.result.summary,
        year.result.warnings,
        tuple(factor_rows(results)) if known is None else known,
        year.creditable_tco2e,
        float(results["reduction_tco2e"].sum()),
        {} if method.removals else {f.column: f.total(results) for f in method.plan},
    )
