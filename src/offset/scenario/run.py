"""`offset run` as a Python API: a scenario in; credits posted, a report written, an outcome out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from offset import __version__
from offset.factors import FactorLibrary
from offset.ledger.api import Ledger
from offset.ledger.database import redacted
from offset.ledger.rows import AccountRow, BalanceLine
from offset.output import write_frame
from offset.problems import InputError
from offset.scenario import records, tables
from offset.scenario.compute import (
    ProjectData,
    ProjectYear,
    active_years,
    compute_all,
    load_data,
    unused_rows,
)
from offset.scenario.model import Scenario
from offset.scenario.report import Report, created_now
from offset.scenario.runner import YearPlan, plan_run, post, results_file


@dataclass(frozen=True)
class RunOutcome:
    scenario: Scenario
    out: Path
    database: str
    plans: list[YearPlan]
    statuses: dict[str, str]  # transaction id -> ok (posted now) or exists (posted before)
    tables: dict[str, pd.DataFrame]
    warnings: list[str]

    @property
    def posted(self) -> int:
        return _count(self.statuses, "ok")

    @property
    def already_there(self) -> int:
        return _count(self.statuses, "exists")


def _count(statuses: dict[str, str], status: str) -> int:
    return sum(1 for s in statuses.values() if s == status)


def default_database(scenario: Scenario, out: Path) -> str:
    return scenario.options.database or f"sqlite:///{out / 'ledger.db'}"


def step_count(scenario: Scenario) -> int:
    """How many progress steps a run has: one per project and FY computed, one per FY posted."""
    computed = sum(len(active_years(scenario, p)) for p in scenario.projects)
    return computed + len(scenario.fiscal_years) + 1


def run_scenario(
    scenario: Scenario,
    *,
    out: Path,
    database: str | None = None,
    step: Callable[[str], None] = lambda description: None,
) -> RunOutcome:
    """Compute, issue, settle and report. InputError: bad input, nothing posted or written.

    RunError (from `runner.post`): the ledger refused an operation; FYs before it stay posted.
    """
    url = database or default_database(scenario, out)
    factors = FactorLibrary(overlay=scenario.factor_overlay())
    if scenario.factor_overlay() is not None and (problems := factors.check_overlay()):
        raise InputError(problems)
    step("reading the data files")
    data = load_data(scenario)
    computed = compute_all(
        scenario, data, factors, step=lambda fy, project: step(f"FY{fy}: computing {project}")
    )
    plans = plan_run(scenario, computed, data, factors)
    out.mkdir(parents=True, exist_ok=True)
    ledger = Ledger.open(url)
    try:
        statuses = post(
            ledger,
            scenario,
            plans,
            step=lambda fy, n: step(f"FY{fy}: issuing and settling ({n} transactions)"),
        )
        balances = ledger.balances()
        accounts = ledger.accounts()
        report_tables = _tables(scenario, computed, plans, statuses, balances, accounts)
        records.store(ledger.engine, scenario, report_tables)  # what the HTTP API shows
    finally:
        ledger.engine.dispose()
    for (project, fy), year in computed.items():
        write_frame(year.result.results, out / results_file(project, fy))
    warnings = _warnings(scenario, data, computed, plans)
    report = Report(
        title=scenario.content.scenario.title or scenario.name,
        description=scenario.content.scenario.description,
        tables=report_tables,
        manifest=_manifest(scenario, url, data, factors, statuses, warnings),
        warnings=warnings,
    )
    report.write(out)
    return RunOutcome(scenario, out, url, plans, statuses, report_tables, warnings)


def _tables(
    scenario: Scenario,
    computed: dict[tuple[str, int], ProjectYear],
    plans: list[YearPlan],
    statuses: dict[str, str],
    balances: list[BalanceLine],
    accounts: list[AccountRow],
) -> dict[str, pd.DataFrame]:
    reductions = tables.reductions(scenario, computed)
    issuance = tables.issuance(scenario, plans, statuses)
    fulfilment = tables.fulfilment(scenario, plans)
    return {
        "summary": tables.per_year(reductions, issuance, fulfilment),
        "reductions": reductions,
        "issuance": issuance,
        "fulfilment": fulfilment,
        "deliveries": tables.deliveries(plans),
        "balances": tables.balances(scenario, balances, accounts),
    }


def _warnings(
    scenario: Scenario,
    data: dict[str, ProjectData],
    computed: dict[tuple[str, int], ProjectYear],
    plans: list[YearPlan],
) -> list[str]:
    out: list[str] = []
    for name, project_data in data.items():
        if unused := unused_rows(scenario, project_data):
            out.append(
                f"{name}: {unused} rows of {project_data.path.name} have an fy outside the FYs"
                " the project is active in; they were not computed"
            )
    for (project, fy), year in computed.items():
        out += [f"{project} FY{fy}: {w}" for w in year.result.warnings]
    for plan in plans:
        for item in plan.settlement.fulfilment:
            if item.shortfall:
                fate = f"carried to FY{item.fy + 1}" if item.carried_out else "not carried: unmet"
                out.append(
                    f"agreement {item.agreement} FY{item.fy}: short by {item.shortfall} credits"
                    f" (committed {item.committed}, delivered {item.delivered}); {fate}"
                )
    return out


def _manifest(
    scenario: Scenario,
    url: str,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    statuses: dict[str, str],
    warnings: list[str],
) -> dict[str, Any]:
    for name in factors:  # record every table, not just those this run happened to load
        factors[name]
    return {
        "engine": {"name": "offset", "version": __version__},
        "created": created_now(),
        "scenario": {
            "name": scenario.name,
            "file": str(scenario.path),
            "sha256": scenario.sha256,
        },
        "fiscal_years": [scenario.fiscal_years.start, scenario.fiscal_years.stop - 1],
        "gwp_metric": scenario.options.gwp_metric,
        "database": redacted(url),
        "factor_overlay": str(factors.overlay) if factors.overlay else None,
        "factor_tables": factors.manifest(),
        "inputs": [
            {
                "project": name,
                "file": str(item.path),
                "sha256": item.sha256,
                "rows": len(item.frame),
            }
            for name, item in data.items()
        ],
        "transactions": {
            "posted": _count(statuses, "ok"),
            "already_in_ledger": _count(statuses, "exists"),
        },
        "warnings": warnings,
    }
