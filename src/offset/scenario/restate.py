"""Restatements: when a re-run computes another figure for an FY already issued, post the
difference as a correction instead of refusing the run.

An FY's issuance is identified by (scenario, project, FY). What stands of it in the ledger is
the net of its issuances (the first, and any restatement that issued more), the reversals of
them and the restatements' cancellations from the buffer. A re-run compares that with what it
computes now:

- more: a new issuance of the difference (`...:restateN:issue`), its buffer share the
  difference of the buffers;
- less: the difference is taken back from the owner's holding account first (reversals of the
  FY's issuances, latest first), then from the buffer (a cancellation, `...:restateN:cancel`);
  what neither holds any more (delivered, retired) is a shortfall owed, reported with the party
  named. It is never taken from anyone else and never makes a balance negative. The next run
  tries again, so a shortfall is collected once the owner holds the credits again.

Every restatement names what it restates, both data hashes and the reason in its source. A pure
module: the runner reads the ledger and posts what `restate` returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from offset.ledger import names
from offset.ledger.rows import IssuanceEvent
from offset.scenario.issuance import Issuance

RESTATEMENT_REASON = "restatement"  # the cancellation account: cancellation:restatement
RESTATEMENT_ID = re.compile(r":restate(\d+):")
REVERSAL_ID = re.compile(r":fy\d+:reversal-v\d+$")


@dataclass
class Standing:
    """What stands in the ledger of one (project, FY) issuance of a scenario."""

    quantity: int = 0  # net credits issued and not taken back (buffer included)
    buffer: int = 0
    reversible: dict[str, int] = field(default_factory=dict)  # issue id -> holder part left
    restatements: int = 0
    source: dict[str, Any] | None = None  # the latest issuance's provenance


def standing(events: Iterable[IssuanceEvent]) -> dict[tuple[str, int], Standing]:
    """Per (project, FY): the net of a scenario's issuances, reversals and cancellations."""
    out: dict[tuple[str, int], Standing] = {}
    issued_class: dict[str, tuple[str, int]] = {}
    for event in events:
        if REVERSAL_ID.search(event.id):
            continue  # a later FY's loss drawn from this vintage's buffer, not a restatement
        key = (event.project, event.vintage)
        item = out.setdefault(key, Standing())
        if event.kind == "issue":
            issued_class[event.id] = key
            item.quantity += event.quantity
            item.buffer += event.buffer
            item.reversible[event.id] = event.quantity - event.buffer
            item.source = event.source
        elif event.kind == "reverse" and event.reverses in issued_class:
            item.quantity -= event.quantity
            item.reversible[event.reverses] -= event.quantity
        elif event.kind == "cancel":
            item.quantity -= event.quantity
            if event.from_account is not None and event.from_account.startswith("buffer:"):
                item.buffer -= event.quantity
        if (number := RESTATEMENT_ID.search(event.id)) is not None:
            item.restatements = max(item.restatements, int(number[1]))
    return out


@dataclass(frozen=True)
class Restatement:
    project: str
    fy: int
    owner: str
    restates: str  # the FY's issuance id
    before: int  # net credits standing before
    after: int  # what the run computes now
    issued: int  # more issued
    reversed: int  # taken back from the owner's holding
    cancelled: int  # taken back from the buffer
    shortfall: int  # owed: neither the owner nor the buffer holds it any more
    reason: str
    operations: tuple[dict[str, Any], ...]

    @property
    def change(self) -> int:
        return self.after - self.before


def restate(
    issue_op: dict[str, Any],
    target: Issuance,
    stands: Standing,
    owner: str,
    held: int,
    in_buffer: int,
    changed_rows: Callable[[], str],
) -> Restatement | None:
    """The correction that brings a posted (project, FY) to `target`; None if it is there."""
    project, fy = str(issue_op["project"]), int(issue_op["vintage"])
    if target.quantity == stands.quantity:
        return None
    base = str(issue_op["id"]).removesuffix(":issue") + f":restate{stands.restatements + 1}"
    reason = _reason(stands.source, issue_op.get("source") or {}, changed_rows())
    source = {**(issue_op.get("source") or {}), "restates": issue_op["id"], "reason": reason}
    source["previous_input"] = (stands.source or {}).get("input")

    def restatement(
        operations: list[dict[str, Any]], issued: int = 0, taken: int = 0, cancelled: int = 0
    ) -> Restatement:
        return Restatement(
            project,
            fy,
            owner,
            restates=str(issue_op["id"]),
            before=stands.quantity,
            after=target.quantity,
            issued=issued,
            reversed=taken,
            cancelled=cancelled,
            shortfall=stands.quantity - target.quantity - taken - cancelled if not issued else 0,
            reason=reason,
            operations=tuple(operations),
        )

    if target.quantity > stands.quantity:
        more = target.quantity - stands.quantity
        buffer = min(max(target.buffer - stands.buffer, 0), more)
        op = {
            **issue_op,
            "id": f"{base}:issue",
            "quantity": more,
            "buffer": buffer,
            "memo": f"restatement of {issue_op['id']}: +{more}",
            "source": source,
        }
        return restatement([op], issued=more)
    less = stands.quantity - target.quantity
    from_buffer = min(max(stands.buffer - target.buffer, 0), less)
    from_holder = min(less - from_buffer, held, sum(stands.reversible.values()))
    operations: list[dict[str, Any]] = []
    left = from_holder
    for issue_id, reversible in reversed(stands.reversible.items()):
        take = min(reversible, left)
        if take <= 0:
            continue
        suffix = "" if not operations else f"-{len(operations) + 1}"
        operations.append(
            {
                "op": "reverse",
                "id": f"{base}:reverse{suffix}",
                "of": issue_id,
                "quantity": take,
                "memo": f"restatement of {issue_op['id']}: -{take} from {owner}",
            }
        )
        left -= take
    # What the holder cannot give back comes from the buffer, as far as it holds this class.
    cancelled = min(less - from_holder, in_buffer)
    if cancelled:
        operations.append(
            {
                "op": "cancel",
                "id": f"{base}:cancel",
                "from": names.buffer_account(str(issue_op["instrument"])),
                "project": project,
                "vintage": fy,
                "quantity": cancelled,
                "reason": RESTATEMENT_REASON,
                "memo": f"restatement of {issue_op['id']}: -{cancelled} from the buffer",
            }
        )
    return restatement(operations, taken=from_holder, cancelled=cancelled)


def _reason(before: dict[str, Any] | None, now: dict[str, Any], changed_rows: str) -> str:
    """Why the figure changed, as far as the two provenance records tell."""
    if before is None:
        return "the first issuance's provenance is not recorded"
    parts: list[str] = []
    old_input, new_input = before.get("input") or {}, now.get("input") or {}
    if old_input.get("sha256") != new_input.get("sha256"):
        parts.append(
            f"data file changed (sha256 {str(old_input.get('sha256'))[:12]} ->"
            f" {str(new_input.get('sha256'))[:12]}; rows {old_input.get('rows')} ->"
            f" {new_input.get('rows')})"
        )
    if changed_rows:  # rows added, removed and changed, with the fields (row_changes)
        parts.append(changed_rows)
    # An issuance recorded before the year rule existed took the FY's own results.
    old_rule, new_rule = before.get("factor_year", "results"), now.get("factor_year", "results")
    if old_rule != new_rule:
        parts.append(f"grid factor year rule changed ({old_rule} -> {new_rule})")
    old_tables, new_tables = before.get("factor_tables") or {}, now.get("factor_tables") or {}
    if tables := sorted(t for t in old_tables.keys() | new_tables.keys()
                        if old_tables.get(t) != new_tables.get(t)):  # fmt: skip
        parts.append("factor tables changed: " + ", ".join(tables))
    if before.get("carried_in_tco2e") != now.get("carried_in_tco2e"):
        parts.append(
            f"remainder carried in {before.get('carried_in_tco2e')} -> "
            f"{now.get('carried_in_tco2e')} t (an earlier FY changed)"
        )
    return "; ".join(parts) or "recomputed with the same data and factors"
