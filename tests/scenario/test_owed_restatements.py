"""A correction whose whole decrease is owed (the credits were delivered, the buffer holds none)
posts nothing; the report's restatement table still lists it, with what is owed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from offset.common.messages import Msg
from offset.documents import tables
from offset.scenario.batches import Batch
from offset.scenario.ledger_figures import LedgerHeld
from offset.scenario.restate import Restatement


def _restatement(operations: tuple[dict[str, Any], ...], reversed_: int) -> Restatement:
    return Restatement(
        project="minamiyama-pv", fy=2021, owner="minamiyama",
        restates="annual:minamiyama-pv:2021:issue", before=17, after=16, issued=0,
        reversed=reversed_, cancelled=0, shortfall=1 - reversed_,
        reason=Msg("restate.unrecorded"), operations=operations,
    )  # fmt: skip


def test_an_owed_correction_is_listed_with_what_is_owed() -> None:
    owed = _restatement((), 0)
    scenario: Any = SimpleNamespace(projects={})
    table = tables.restatements(scenario, LedgerHeld(), [Batch(2024, restatements=[owed])], "en")
    (row,) = table.to_dict("records")
    assert (row["fy"], row["project"], row["before"], row["after"]) == (
        2021,
        "minamiyama-pv",
        17,
        16,
    )
    assert (row["reversed"], row["shortfall"], row["restatement"]) == (0, 1, "")
    assert row["effective_date"] is None  # not posted: no date, no id


def test_a_correction_a_dry_run_would_post_is_listed_by_its_id() -> None:
    reversal = {"id": "annual:minamiyama-pv:2021:restate1:reverse1"}
    planned = _restatement((reversal,), 1)
    scenario: Any = SimpleNamespace(projects={})
    table = tables.restatements(scenario, LedgerHeld(), [Batch(2024, restatements=[planned])], "ja")
    (row,) = table.to_dict("records")
    assert (row["reversed"], row["shortfall"]) == (1, 0)
    assert row["restatement"] == "annual:minamiyama-pv:2021:restate1"
