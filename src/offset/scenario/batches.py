"""A planned run against what the ledger already holds of the scenario: each FY's batch
(`reconcile`), then posted (`post`).

Each FY is one atomic batch. An FY none of whose transactions is in the ledger is posted whole:
its issuances and its settlement. An FY posted before is settled already: its issuances are
restated where the figure changed (`restate.py`), and its settlement is left as posted: a
delivery the new plan would make differently is reported, never unwound or topped up silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from offset.common.messages import CATALOGUE, Msg
from offset.ledger import names
from offset.ledger.codes import message
from offset.ledger.ledger import Ledger
from offset.ledger.writer import Result
from offset.scenario.model import Scenario
from offset.scenario.restate import Restatement, restate, rows_changed, standing
from offset.scenario.row_changes import Changes
from offset.scenario.settlement import holding
from offset.scenario.year_plan import YearPlan, setup_operations

ChangedRows = Callable[[str, int], Changes | None]  # (project, FY) -> the rows that changed
OK_STATUSES = {"ok", "exists"}


class RunError(Exception):
    """The ledger refused an operation of the run; the FY it belongs to was not written.
    `message` says so in either language (the CLI prints it in the user's)."""

    def __init__(self, fy: int | None, result: Result) -> None:
        self.fy, self.result = fy, result
        where = f"FY{fy}" if fy is not None else Msg("run.setup")
        detail = result.message or message(result.status, "en")
        self.message = Msg(
            "run.refused", where=where, id=result.id, status=result.status, detail=detail,
            detail_ja=message(result.status, "ja"),
            hint=Msg(hint) if (hint := f"run.hint.{result.status}") in CATALOGUE else "",
        )  # fmt: skip
        super().__init__(str(self.message))


@dataclass
class Batch:
    """What one FY of a run sends to the ledger, and what it found there already."""

    fy: int
    operations: list[dict[str, Any]] = field(default_factory=list)
    exists: list[str] = field(default_factory=list)
    restatements: list[Restatement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # settled deliveries the plan would change

    @property
    def posted_before(self) -> bool:
        return bool(self.exists)


def reconcile(
    ledger: Ledger,
    scenario: Scenario,
    plans: list[YearPlan],
    changed_rows: ChangedRows = lambda project, fy: None,
) -> list[Batch]:
    """Each FY's batch: the whole plan where the FY is new, restatements where it is not."""
    ids = [op["id"] for plan in plans for op in [*plan.issue_ops.values(), *plan.operations]]
    found = ledger.quantities(ids)
    stands = standing(ledger.issuance_history(f"{scenario.name}:"))
    held = {(b.account, b.project, b.vintage): b.quantity for b in ledger.balances()}
    batches: list[Batch] = []
    for plan in plans:
        batch = Batch(plan.fy)
        posted_before = any(op["id"] in found for op in plan.operations) or any(
            (project, plan.fy) in stands for project in plan.issue_ops
        )
        if not posted_before:
            batch.operations = plan.operations
            batches.append(batch)
            continue
        for project, op in plan.issue_ops.items():
            owner = scenario.projects[project].owner
            current = stands.get((project, plan.fy))
            if current is None:  # a project new to an FY already settled
                if op["quantity"] > 0:
                    batch.operations.append(op)
                continue
            batch.exists.append(op["id"])
            correction = restate(
                op,
                plan.issuances[project],
                current,
                owner,
                held.get((holding(owner), project, plan.fy), 0),
                held.get((names.buffer_account(op["instrument"]), project, plan.fy), 0),
                # read only if it differs
                lambda: rows_changed(changed_rows(project, plan.fy)),  # noqa: B023 (called here)
            )
            if correction is not None:
                batch.restatements.append(correction)
                batch.operations += correction.operations
        for ops in plan.reversal_ops.values():  # a loss newly computed for a posted FY
            for op in ops:
                if op["id"] in found:
                    batch.exists.append(op["id"])
                else:
                    batch.operations.append(op)
        for op in plan.settlement.operations:
            if op["id"] not in found:
                batch.notes.append(
                    Msg("warn.settled_missing", fy=plan.fy, op=op["op"], quantity=op["quantity"],
                        project=op["project"], agreement=op["agreement"], id=op["id"])
                )  # fmt: skip
            elif found[op["id"]] != op["quantity"]:
                batch.exists.append(op["id"])
                batch.notes.append(
                    Msg("warn.settled_differs", fy=plan.fy, id=op["id"],
                        delivered=found[op["id"]], planned=op["quantity"])
                )  # fmt: skip
            else:
                batch.exists.append(op["id"])
        batches.append(batch)
    return batches


def post(
    ledger: Ledger,
    scenario: Scenario,
    batches: list[Batch],
    step: Callable[[int, int], None] = lambda fy, n: None,
    recorded_on: dt.date | None = None,
) -> dict[str, str]:
    """Post the batches; returns each transaction's status (`ok` now, `exists` before) by id."""
    statuses: dict[str, str] = {}
    for result in ledger.apply(setup_operations(scenario)):
        if result.status not in OK_STATUSES:
            raise RunError(None, result)
    dated = {} if recorded_on is None else {"effective_date": recorded_on.isoformat()}
    for batch in batches:
        statuses.update(dict.fromkeys(batch.exists, "exists"))
        step(batch.fy, len(batch.operations))
        if not batch.operations:
            continue
        results = ledger.apply([op | dated for op in batch.operations], atomic=True)
        failed = [r for r in results if r.status not in OK_STATUSES | {"linked_failed"}]
        if failed:
            raise RunError(batch.fy, failed[0])
        statuses.update((r.id, r.status) for r in results)
        statuses.update((r.restates, "restated") for r in batch.restatements)
    return statuses
