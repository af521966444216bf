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

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from offset.common import memos, messages
from offset.common.messages import Msg
from offset.ledger import names
from offset.ledger.rows import IssuanceEvent
from offset.scenario import row_changes
from offset.scenario.issuance import Issuance
from offset.scenario.row_changes import Changes

ROW_CHANGES = "restate.row_changes"  # a reason kept as data (`row_changes.describe`)
STORED_ROWS = "restate.rows"  # the rows as English text, as stored before they were data
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
        _stand(out, issued_class, event)
    return out


def _stand(
    out: dict[tuple[str, int], Standing],
    issued_class: dict[str, tuple[str, int]],
    event: IssuanceEvent,
) -> None:
    """`out` moved by one event (in commit order)."""
    if REVERSAL_ID.search(event.id):
        return  # a later FY's loss drawn from this vintage's buffer, not a restatement
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


@dataclass(frozen=True)
class PostedRestatement:
    """A restatement as the ledger holds it: its transactions (`...:restateN:...`), what stood
    before them, what the run that posted them computed (after), and why."""

    restatement: str  # the id its transactions share, up to `:restateN`
    project: str
    fy: int
    restates: str  # the FY's issuance id
    effective_date: dt.date | None  # of its first transaction
    before: int
    after: int
    issued: int
    reversed: int
    cancelled: int
    shortfall: int  # what stood beyond `after` once posted: owed
    reason: str  # a `Msg` when it stored its reasons (rendered in the reader's language)

    @property
    def change(self) -> int:
        return self.after - self.before


def history(events: Iterable[IssuanceEvent]) -> list[PostedRestatement]:
    """Every restatement in a scenario's issuance history (`Ledger.issuance_history`), in the
    order posted, whichever run posted it."""
    stands: dict[tuple[str, int], Standing] = {}
    issued_class: dict[str, tuple[str, int]] = {}
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        number = RESTATEMENT_ID.search(event.id)
        if number is not None and not REVERSAL_ID.search(event.id):
            base = event.id[: number.end() - 1]
            item = found.get(base)
            if item is None:
                held = stands.get((event.project, event.vintage), Standing())
                item = found[base] = _posted(base, event, held.quantity)
            item[event.kind] = item.get(event.kind, 0) + event.quantity
        _stand(stands, issued_class, event)
    return [_restatement(item) for item in found.values()]


def _posted(base: str, event: IssuanceEvent, before: int) -> dict[str, Any]:
    """What the first transaction of a restatement says of it: its source (an issuance) or its
    memo (a decrease) holds what it restates, the figure computed and why."""
    said = dict(event.source or {}) if event.kind == "issue" else memos.params(event.memo)
    reason = read_reasons(said.get("reasons")) or _as_stored(said.get("reason"))
    restates = said.get("restates") or re.sub(r":restate\d+$", ":issue", base)
    return {
        "restatement": base,
        "project": event.project,
        "fy": event.vintage,
        "restates": str(restates),
        "effective_date": event.effective_date,
        "before": before,
        "after": said.get("after"),
        "reason": reason,
    }


def _as_stored(reason: object) -> str:
    """A reason an offset before reasons were messages stored as English prose: shown as
    stored, labelled so in Japanese ("" for none)."""
    return Msg("restate.as_stored", text=str(reason)) if reason else ""


def _restatement(item: dict[str, Any]) -> PostedRestatement:
    issued = item.pop("issue", 0)
    taken, cancelled = item.pop("reverse", 0), item.pop("cancel", 0)
    stands = item["before"] + issued - taken - cancelled
    after = stands if item["after"] is None else int(item.pop("after"))
    item.pop("after", None)
    return PostedRestatement(
        **item, after=after, issued=issued, reversed=taken, cancelled=cancelled,
        shortfall=max(stands - after, 0),
    )  # fmt: skip


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
    reason: str  # a `Msg` (rendered in the reader's language) when this offset computed it
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
    why: Callable[[], Msg | None],
) -> Restatement | None:
    """The correction that brings a posted (project, FY) to `target`; None if it is there."""
    project, fy = str(issue_op["project"]), int(issue_op["vintage"])
    if target.quantity == stands.quantity:
        return None
    base = str(issue_op["id"]).removesuffix(":issue") + f":restate{stands.restatements + 1}"
    parts = _reasons(stands.source, issue_op.get("source") or {}, why())
    reason = joined(parts)
    source = {
        **(issue_op.get("source") or {}),
        "restates": issue_op["id"],
        "reason": str(reason),
        "reasons": stored_reasons(parts),
        "before": stands.quantity,
        "after": target.quantity,
    }
    source["previous_input"] = (stands.source or {}).get("input")
    said = {"restates": str(issue_op["id"]), "before": stands.quantity, "after": target.quantity}
    # A decrease has no source: its memo keeps the reasons, with the rows that caused it when
    # they fit (an auditor traces a correction to its row), else without them.
    brief = [m for m in parts if m.key != ROW_CHANGES]
    for kept in (parts, brief):
        if len(memos.memo("restate_cancel", quantity=0, reasons=stored_reasons(kept), **said)) < (
            names.MEMO_MAX - 100  # room for the quantity and the owner
        ):
            said["reasons"] = stored_reasons(kept)
            break

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
            "memo": memos.memo("restate_issue", quantity=more, **said),
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
                "memo": memos.memo("restate_reverse", quantity=take, owner=owner, **said),
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
                "memo": memos.memo("restate_cancel", quantity=cancelled, **said),
            }
        )
    return restatement(operations, taken=from_holder, cancelled=cancelled)


def _reasons(before: dict[str, Any] | None, now: dict[str, Any], why: Msg | None) -> list[Msg]:
    """Why the figure changed, as far as the two provenance records tell: catalogued messages,
    stored with the restatement (`stored_reasons`) so that a reader sees them in its language."""
    if before is None:
        return [Msg("restate.unrecorded")]
    parts: list[Msg] = []
    old_input, new_input = before.get("input") or {}, now.get("input") or {}
    if old_input.get("sha256") != new_input.get("sha256"):
        parts.append(
            Msg("restate.data_changed", old=str(old_input.get("sha256"))[:12],
                new=str(new_input.get("sha256"))[:12], rows_before=old_input.get("rows"),
                rows_after=new_input.get("rows"))
        )  # fmt: skip
    if why is not None:  # the rows that changed (`rows_changed`), or the caller's own reason
        parts.append(why)
    # An issuance recorded before the year rule existed took the FY's own results.
    old_rule, new_rule = before.get("factor_year", "results"), now.get("factor_year", "results")
    if old_rule != new_rule:
        parts.append(Msg("restate.year_rule", old=old_rule, new=new_rule))
    old_tables, new_tables = before.get("factor_tables") or {}, now.get("factor_tables") or {}
    if tables := sorted(t for t in old_tables.keys() | new_tables.keys()
                        if old_tables.get(t) != new_tables.get(t)):  # fmt: skip
        parts.append(Msg("restate.tables", tables=", ".join(tables)))
    if before.get("carried_in_tco2e") != now.get("carried_in_tco2e"):
        parts.append(
            Msg("restate.carried_in", before=before.get("carried_in_tco2e"),
                after=now.get("carried_in_tco2e"))
        )  # fmt: skip
    return parts or [Msg("restate.same")]


def joined(parts: Sequence[Msg]) -> Msg:
    """Several reasons as one message ("a; b; c"), each rendered in the reader's language."""
    assert parts
    if len(parts) == 1:
        return parts[0]
    return Msg("restate.and", first=parts[0], rest=joined(parts[1:]))


def rows_changed(changes: Changes | None) -> Msg | None:
    """The rows that changed as a reason: kept as `row_changes.describe` found them (data),
    said by `row_changes.message`."""
    if changes is None:
        return None
    return Msg(ROW_CHANGES, rows=row_changes.message(changes), changes=changes)


def stored_reasons(parts: Sequence[Msg]) -> list[list[Any]]:
    """Reasons as the ledger keeps them (in an issuance's source, in a memo): [key, params]
    (`messages.stored`); the rows that changed as their data."""
    return [
        [m.key, {"changes": m.params["changes"]}] if m.key == ROW_CHANGES else messages.stored(m)
        for m in parts
    ]


def read_reasons(stored: object) -> Msg | None:
    """The reasons a restatement stored (`stored_reasons`), as one message; None if it stored
    none that this offset knows."""
    if not isinstance(stored, list) or not stored:
        return None
    try:
        return joined([_read_reason(item) for item in stored])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


def _read_reason(item: Any) -> Msg:
    if item[0] == STORED_ROWS:
        return _stored_rows(str(item[1]["rows"]))
    if item[0] != ROW_CHANGES:
        return messages.from_stored(item)
    found = rows_changed(item[1]["changes"])
    if found is None:
        raise ValueError(item)
    return found


def _stored_rows(said: str) -> Msg:
    """The rows an offset before rows were data stored as English text: said in the reader's
    language when the text reads back as data exactly (`row_changes.from_english`), else shown
    as stored, labelled so."""
    return rows_changed(row_changes.from_english(said)) or Msg("restate.as_stored", text=said)
