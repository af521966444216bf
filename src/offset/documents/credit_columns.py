"""The report's credit columns, read from the ledger, over the plan's columns of a table.

Each function takes a table as the plan makes it (its keys and plan figures, the plan's own
quantity as `planned`) and what the ledger holds (`ledger_figures.read`), and returns the
table with its credit figures: the ledger's, the plan's beside them only where it differs.
`tables` builds the report's tables through them, and a re-run that changes nothing
(`jobs.unchanged`) rebuilds a finished run's tables through them, so the figures it prints are
the ledger's as they stand, not as the run kept them.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from offset.scenario import ledger_figures
from offset.scenario.ledger_figures import AgreementYear, LedgerHeld
from offset.scenario.model import Scenario
from offset.scenario.settlement import Fulfilment

PLANNED = "planned"  # the plan's own figure of a table's credit column (issued, delivered)

ISSUANCE_COLUMNS = [
    "fy",
    "project",
    "owner",
    "instrument",
    "creditable_tco2e",
    "carried_in_tco2e",
    "issued",
    "buffer",
    "to_owner",
    "carried_out_tco2e",
    "status",
    "planned_issued",
]
# the fulfilment table's columns the plan gives (`planned`: the plan's delivery beside them)
FULFILMENT_PLAN = ["agreement", "agreement_title", "fy", "provider", "beneficiary", "committed",
                   "carried_in", "carried_out"]  # fmt: skip
FULFILMENT_FIGURES = [
    f.name for f in dataclasses.fields(Fulfilment) if f.name not in ("agreement", "fy")
]
FULFILMENT_COLUMNS = [
    "agreement", "agreement_title", "fy", "provider", "beneficiary", *FULFILMENT_FIGURES,
    "value_jpy", "planned_delivered", "plan_note",
]  # fmt: skip
PLAN_CREDITS = ["issued", "delivered", "retired"]  # the 実行計画 table's credit columns

# why the plan's delivery differs from the ledger's (a `plan.` term)
PLAN_SETTLED_BEFORE = "settled_before"  # settled in an earlier run; never settled again
PLAN_NOT_POSTED = "not_posted"  # not in the ledger (a dry run, or a run stopped before it)


def issuance_credits(plan: pd.DataFrame, held: LedgerHeld) -> pd.DataFrame:
    """The issuance table: `plan`'s rows (project, FY, the plan's figures and `planned`, the
    credits it would issue) with issued and its buffer as the ledger holds them (restatements
    netted), what went to the owner, and `planned_issued` where the plan's figure differs."""
    stands = ledger_figures.issued(held)
    found = [stands.get(key, (0, 0)) for key in zip(plan["project"], plan["fy"], strict=True)]
    issued = np.fromiter((quantity for quantity, _ in found), np.int64, len(found))
    buffer = np.fromiter((share for _, share in found), np.int64, len(found))
    frame = plan.drop(columns=PLANNED).assign(
        issued=issued, buffer=buffer, to_owner=issued - buffer
    )
    planned = pd.Series(pd.array(plan[PLANNED].to_numpy(np.int64), dtype="Int64"), index=plan.index)
    frame["planned_issued"] = planned.where(planned.to_numpy(np.int64) != issued)  # blank: same
    return frame[ISSUANCE_COLUMNS]


def fulfilment_credits(plan: pd.DataFrame, scenario: Scenario, held: LedgerHeld) -> pd.DataFrame:
    """The fulfilment table: `plan`'s rows (agreement and FY, the parties, the commitment, what
    is carried, and `planned`, the plan's delivery), a row of no plan for every agreement and
    FY the ledger holds transactions of and the plan does not, then what those transactions
    delivered and retired (`ledger_figures.by_agreement`), what is short of the commitment, the
    value of the delivered credits, and the plan's delivery where it differs (`planned_delivered`,
    with why: `plan_note`)."""
    ledger = ledger_figures.by_agreement(held, scenario)
    planned = set(zip(plan["agreement"], plan["fy"], strict=True))
    extra = [_unplanned(scenario, name, fy) for name, fy in ledger if (name, fy) not in planned]
    frame = pd.concat([plan, pd.DataFrame(extra, columns=[*FULFILMENT_PLAN, PLANNED])])
    frame = frame.sort_values(["fy", "agreement"], ignore_index=True, kind="stable")
    for column in ("fy", "committed", "carried_in", "carried_out", PLANNED):
        frame[column] = frame[column].astype(np.int64)
    done = [
        ledger.get(key, AgreementYear())
        for key in zip(frame["agreement"], frame["fy"], strict=True)
    ]
    delivered = np.fromiter((d.delivered for d in done), np.int64, len(done))
    frame["delivered"] = delivered
    frame["retired"] = np.fromiter((d.retired for d in done), np.int64, len(done))
    frame["shortfall"] = np.maximum(frame["committed"].to_numpy() - delivered, 0)
    prices = {name: a.price_jpy_per_t for name, a in scenario.agreements.items()}
    price = frame["agreement"].map(prices).astype("Int64")  # blank: no price
    frame["value_jpy"] = price * pd.Series(delivered, index=frame.index, dtype="Int64")
    differs = frame[PLANNED].to_numpy() != delivered
    frame["planned_delivered"] = frame[PLANNED].astype("Int64").where(differs)
    posted = np.isin(frame["fy"].to_numpy(), [fy for _, fy in ledger])
    note = np.where(posted, PLAN_SETTLED_BEFORE, PLAN_NOT_POSTED)
    frame["plan_note"] = np.where(differs, note, "").astype(object)
    return frame[FULFILMENT_COLUMNS].infer_objects()  # text as text, as a frame of rows has it


def _unplanned(scenario: Scenario, name: str, fy: int) -> list[object]:
    """A fulfilment row the plan has no figure for (all its plan figures 0)."""
    agreement = scenario.agreements[name]
    return [name, agreement.title or name, fy, agreement.provider, agreement.beneficiary,
            0, 0, 0, 0]  # fmt: skip


def plan_credits(frame: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The 実行計画 table `frame` (indexed by FY) with the credits issued, delivered and
    retired of each FY from the run's summary (the ledger's), 0 for an FY it has none of."""
    credits = summary.set_index("fy")[PLAN_CREDITS]
    out = frame.drop(columns=PLAN_CREDITS, errors="ignore").join(credits, how="left")
    out[PLAN_CREDITS] = out[PLAN_CREDITS].fillna(0).astype("int64")
    return out
