"""The plan of each FY of a run: whole credits per project with the remainder carried, the
buffer withheld, and the agreements settled (`settlement.settle_year`), as ledger operations.

A pure step between computing (`compute.py`) and posting (`batches.py`: the plans are compared
with what the ledger holds of the scenario; FYs not posted yet are posted whole, FYs posted
before get restatements, `restate.py`). Bad input never reaches the ledger: every FY is
computed and planned before anything is posted.

Transaction ids are derived from the scenario, project or agreement and FY, so a re-run finds
what it posted before and posts nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from offset.common import memos
from offset.factors import FactorLibrary
from offset.ledger import names
from offset.scenario.compute import MAX_FACTOR_ROWS, ProjectData, active_years, factor_tables
from offset.scenario.issuance import Issuance, to_grams, tonnes, whole_credits
from offset.scenario.kept import KeptYear
from offset.scenario.model import Scenario
from offset.scenario.settlement import (
    Supply,
    YearSettlement,
    holding,
    settle_year,
)


@dataclass
class YearPlan:
    fy: int
    issuances: dict[str, Issuance] = field(default_factory=dict)
    # per project, its issuance as an operation (also when it issues nothing: a restatement
    # of an FY already issued may take everything back)
    issue_ops: dict[str, dict[str, Any]] = field(default_factory=dict)
    settlement: YearSettlement = field(default_factory=YearSettlement)
    # per project, the cancellations from the buffer that cover the FY's loss (a reversal)
    reversal_ops: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def operations(self) -> list[dict[str, Any]]:
        issued = [op for op in self.issue_ops.values() if op["quantity"] > 0]
        reversals = [op for ops in self.reversal_ops.values() for op in ops]
        return issued + reversals + self.settlement.operations


def plan_run(
    scenario: Scenario,
    computed: dict[tuple[str, int], KeptYear],
    data: dict[str, ProjectData],
    factors: FactorLibrary,
) -> list[YearPlan]:
    """Issuance and settlement for every FY, in order, with remainders and shortfalls carried."""
    carried_g = dict.fromkeys(scenario.projects, 0)
    buffered: dict[str, dict[int, int]] = {name: {} for name in scenario.projects}  # by vintage
    shortfalls: dict[str, int] = {}
    plans: list[YearPlan] = []
    shares = _buffer_shares(scenario, factors)
    for fy in scenario.fiscal_years:
        plan = YearPlan(fy)
        supply: dict[str, Supply] = {}
        for name, project in scenario.projects.items():
            if fy not in active_years(scenario, name):
                continue
            year = computed[(name, fy)]
            share = shares[name]  # the same every FY: looked up once
            held = buffered[name]
            issuance = whole_credits(
                to_grams(year.creditable_tco2e), carried_g[name], share, sum(held.values())
            )
            carried_g[name] = issuance.carried_out_g
            if issuance.buffer:
                held[fy] = issuance.buffer
            if issuance.reversal:
                plan.reversal_ops[name] = reversal_ops(scenario, name, fy, issuance.reversal, held)
            plan.issuances[name] = issuance
            supply[name] = Supply(name, project.owner, issuance.to_holder)
            plan.issue_ops[name] = _issue_op(scenario, year, data[name], factors, issuance)
        plan.settlement = settle_year(
            scenario.name, fy, scenario.agreements, scenario.parties, supply, shortfalls,
            scenario.default_language,  # not the reader's: the same words on every re-run
        )  # fmt: skip
        shortfalls = plan.settlement.carried
        plans.append(plan)
    return plans


def _buffer_shares(scenario: Scenario, factors: FactorLibrary) -> dict[str, Fraction]:
    """Each project's buffer share (`Scenario.buffer_share`), looked up once for the projects
    that give the same share, method and methodology (a national run's 1,741 forests)."""
    found: dict[tuple[object, ...], Fraction] = {}
    shares: dict[str, Fraction] = {}
    for name, spec in scenario.projects.items():
        key = (spec.buffer_share, spec.method, spec.methodology)
        if key not in found:
            found[key] = scenario.buffer_share(name, factors)
        shares[name] = found[key]
    return shares


def _issue_op(
    scenario: Scenario,
    year: KeptYear,
    data: ProjectData,
    factors: FactorLibrary,
    issuance: Issuance,
) -> dict[str, Any]:
    project = scenario.projects[year.project]
    rows = list(year.factor_rows)
    # Everything here is a function of the inputs, never of the time or place of the run or of
    # the scenario file's name, so the same inputs always produce the same operation.
    source = {
        "scenario": scenario.name,
        "method": project.method,
        "fy": year.fy,
        "gwp_metric": scenario.options.gwp_metric,
        # the rule the issued figure was computed under (the 実行計画 figures keep the run's)
        "factor_year": scenario.credit_factor_year(year.project)[0],
        "factor_year_why": scenario.credit_factor_year(year.project)[1],
        "input": {"file": project.data, "sha256": data.sha256, "rows": year.rows},
        "results_file": results_path(scenario, year.project, year.fy),
        "factor_tables": factor_tables(rows, factors),
        "factor_rows": rows[:MAX_FACTOR_ROWS],
        "factor_rows_total": len(rows),
        "creditable_tco2e": tonnes(issuance.creditable_g),
        "carried_in_tco2e": tonnes(issuance.carried_in_g),
        "carried_out_tco2e": tonnes(issuance.carried_out_g),
    }
    op: dict[str, Any] = {
        "op": "issue",
        "id": issue_id(scenario.name, year.project, year.fy),
        "to": holding(project.owner),
        "instrument": project.instrument,
        "project": year.project,
        "vintage": year.fy,
        "quantity": issuance.quantity,
        "buffer": issuance.buffer,
        "memo": memos.memo("issue", scenario=scenario.name, method=project.method, fy=year.fy),
        "source": source,
    }
    if project.methodology:
        op["methodology"] = project.methodology
    return op


REVERSAL_REASON = "reversal"  # the cancellation account: cancellation:reversal


def reversal_ops(
    scenario: Scenario, project: str, fy: int, credits: int, held: dict[int, int]
) -> list[dict[str, Any]]:
    """Cancellations from the buffer covering an FY's loss, latest vintage first; `held` (the
    project's buffer credits by vintage in this run) is drawn down."""
    ops: list[dict[str, Any]] = []
    left = credits
    for vintage in sorted(held, reverse=True):
        take = min(held[vintage], left)
        if take <= 0:
            continue
        held[vintage] -= take
        left -= take
        ops.append(
            {
                "op": "cancel",
                "id": f"{issue_id(scenario.name, project, fy).removesuffix(':issue')}"
                f":reversal-v{vintage}",
                "from": names.buffer_account(scenario.projects[project].instrument),
                "project": project,
                "vintage": vintage,
                "quantity": take,
                "reason": REVERSAL_REASON,
                "memo": memos.memo(
                    "loss", scenario=scenario.name, fy=fy, quantity=take, vintage=vintage
                ),
            }
        )
    assert left == 0, "the issuance never plans more than the buffer holds"
    return ops


def issue_id(scenario: str, project: str, fy: int) -> str:
    """The issuance's transaction id: derived, so that a re-run finds it (and posts nothing)."""
    return f"{scenario}:{project}:fy{fy}:issue"


def results_file(project: str, fy: int) -> str:
    return f"results/{project}-fy{fy}.csv"


def results_path(scenario: Scenario, project: str, fy: int) -> str:
    """Where a project-year's result rows are written: its own file, or for a project that takes
    its rows from a shared data file (`rows`) that file's results file of the FY
    (`shared_results`), its rows beside the other projects' with a `project` column."""
    spec = scenario.projects[project]
    if spec.rows is None:
        return results_file(project, fy)
    return shared_results(spec.data, spec.method, fy)


def shared_results(data: str, method: str, fy: int) -> str:
    """The results file of a shared data file (as the scenario names it), a method and an FY:
    `data/13/pv.csv` -> `results/files/data-13-pv-solar-fy2023.csv`."""
    stem = re.sub(r"[^0-9A-Za-z_-]+", "-", str(PurePosixPath(data).with_suffix(""))).strip("-")
    return f"results/files/{stem}-{method}-fy{fy}.csv"


def setup_operations(scenario: Scenario) -> list[dict[str, Any]]:
    """Each party, and its holding account (both idempotent)."""
    ops: list[dict[str, Any]] = []
    for name, party in scenario.parties.items():
        ops.append(
            {
                "op": "open_party",
                "party": name,
                "kind": party.kind,
                "name": party.name,
                "jis_code": party.jis_code,
                "prefecture": party.prefecture,
            }
        )
        ops.append(
            {"op": "open_account", "account": holding(name), "party": name, "kind": "holding"}
        )
    return ops
