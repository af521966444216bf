"""The checks of one entry, as the chain pass meets it (`history.check_links`): its place in the
sequence, its hash and link, its date, its header against the operation it records, its
postings (sum to zero per class; each `balance_after` the running balance) and its block events
(they move what the postings move). Each returns its problems in words; the chain pass tags
them with the entry and the check's place (`ENTRY_CHECKS`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from offset.common.fiscal import fiscal_year
from offset.common.messages import Msg
from offset.ledger.chain import body, day_text, link
from offset.ledger.rows import HEADER_COLUMNS
from offset.ledger.verify import stored

if TYPE_CHECKING:
    from offset.ledger.verify.ranges import ChainPart

REFERENCE_KINDS = frozenset({"genesis", "party", "account", "account_status", "class", "describe"})

_COL = {name: i for i, name in enumerate(HEADER_COLUMNS)}

Key = tuple[str, int]
#: The checks of each entry, in the order the chain pass runs them: a problem is tagged with
#: its entry and its check's place here, so the report reads the same in one range or several.
#: ("storage": a value of the wrong storage class, its entry's only check: `_storage_problems`)
ENTRY_CHECKS = (
    "sequence", "link", "date", "header", "unbalanced", "balance_after", "flow", "storage",
)  # fmt: skip
BALANCE_AFTER_RANK = ENTRY_CHECKS.index("balance_after")
STORAGE_RANK = ENTRY_CHECKS.index("storage")
ORPHAN_RANK = len(ENTRY_CHECKS)  # rows of no entry, named after the entries' problems


def _sequence_problems(part: ChainPart, seq: int) -> list[str]:
    if seq != part.expected_seq:
        return [Msg("verify.sequence_gap", expected=part.expected_seq, found=seq)]
    return []


def _link_problems(
    row: tuple[Any, ...], previous: str, postings: list[Any], events: list[Any]
) -> list[str]:
    """The entry links to the previous one, and its hash recomputes from all it holds."""
    problems: list[str] = []
    if row[_COL["prev_hash"]] != previous:
        problems.append(Msg("verify.prev_hash", where=_where(row)))
    if link(previous, body(row, postings, events)) != row[_COL["hash"]]:
        problems.append(Msg("verify.hash", where=_where(row)))
    return problems


def _storage_problems(row: tuple[Any, ...], postings: list[Any], events: list[Any]) -> list[str]:
    """Every value of the entry's rows is of a class its column holds (`stored.py`): the other
    checks read them as such (SQLite stores what it is given)."""
    if stored.well_typed(row, postings, events):
        return []
    found = [
        (table, *wrong)
        for table, rows in (
            ("transactions", [row]),
            ("postings", postings),
            ("block_events", events),
        )
        for one in rows
        for wrong in stored.mistyped(table, one)
    ]
    if not found:
        return []
    tx_id, kind = row[_COL["id"]], row[_COL["kind"]]
    named = isinstance(tx_id, str) or (tx_id is None and isinstance(kind, str))
    where = _where(row) if named else Msg("verify.entry_at", seq=row[0])
    return [stored.problem(where, *wrong) for wrong in found]


def _date_problems(row: tuple[Any, ...], effective: str, before: str) -> list[str]:
    if effective < before:
        return [Msg("verify.date", where=_where(row), effective=effective, before=before)]
    return []


def _where(row: tuple[Any, ...]) -> Msg:
    """The entry a problem is about (built only when there is one: the pass meets every entry)."""
    tx_id = row[_COL["id"]]
    if tx_id is not None:
        return Msg("verify.transaction", id=tx_id, seq=row[0])
    return Msg("verify.entry", kind=row[_COL["kind"]], seq=row[0])


# Header columns that an operation gives verbatim (None where it has no such field), by the
# operation's field name.
_VERBATIM = {
    "id": "id",
    "agreement": "agreement",
    "beneficiary": "beneficiary",
    "reason": "reason",
    "claim_period": "claim_period",
    "purpose": "purpose",  # a retirement's use (revision 0006)
    "offset_target": "offset_target",
    "offset_place": "offset_place",
    "claim_fy": "claim_fy",
    "override": "rule_override",
    "of": "reverses",
    "reservation": "resolves",
}

#: The same as (field, column index) pairs, resolved once rather than for every entry.
_VERBATIM_AT = tuple((name, HEADER_COLUMNS.index(column)) for name, column in _VERBATIM.items())

_FROM_TO = {  # kinds whose `from` / `to` fields are the header's accounts
    "transfer": ("from_account", "to_account"),
    "reserve": ("from_account", "to_account"),
    "retire": ("from_account", None),
    "cancel": ("from_account", None),
    "issue": (None, "to_account"),
}


def _header_problems(row: tuple[Any, ...]) -> list[str]:
    """The header agrees with the operation it records (which the hash pins as the caller sent
    it), with its content hash and with its fiscal year."""
    problems: list[str] = []
    operation = row[_COL["operation"]]
    if hashlib.sha256(operation.encode()).hexdigest() != row[_COL["content_hash"]]:
        problems.append(Msg("verify.content_hash", where=_where(row)))
    effective = row[_COL["effective_date"]]
    if row[_COL["fiscal_year"]] != _fiscal_year(effective):
        problems.append(Msg("verify.fiscal_year", where=_where(row), day=day_text(effective)))
    try:
        op = json.loads(operation)
    except ValueError:
        return [*problems, Msg("verify.not_json", where=_where(row))]
    kind = row[_COL["kind"]]
    if op.get("op") != kind:
        return [*problems, Msg("verify.kind", where=_where(row), op=op.get("op"), kind=kind)]
    if kind in REFERENCE_KINDS:
        return problems
    differ = [HEADER_COLUMNS[i] for name, i in _VERBATIM_AT if op.get(name) != row[i]]
    if op.get("memo", "") != row[_COL["memo"]]:
        differ.append("memo")
    given = op.get("effective_date")
    if given is not None and given != day_text(effective):
        differ.append("effective_date")
    if op.get("quantity") is not None and op["quantity"] != row[_COL["quantity"]]:
        differ.append("quantity")
    source, destination = _FROM_TO.get(kind, (None, None))
    if source and op.get("from") != row[_COL[source]]:
        differ.append(source)
    if destination and op.get("to") != row[_COL[destination]]:
        differ.append(destination)
    if kind == "issue":
        if op.get("buffer", 0) != row[_COL["buffer"]]:
            differ.append("buffer")
        stored = row[_COL["source"]]
        if (None if stored is None else json.loads(stored)) != op.get("source"):
            differ.append("source")
    if differ:
        columns = ", ".join(sorted(set(differ)))  # the columns' names: keys
        problems.append(Msg("verify.differ", where=_where(row), columns=columns))
    return problems


@lru_cache(maxsize=1024)
def _fiscal_year(effective: dt.date | str) -> int:
    """The fiscal year of an effective date as the database hands it out (text on SQLite):
    a ledger's entries share few dates, so each is parsed once."""
    day = dt.date.fromisoformat(effective) if isinstance(effective, str) else effective
    return fiscal_year(day)


def _unbalanced(seq: int, postings: list[tuple[Any, ...]]) -> list[str]:
    """Each transaction's postings sum to zero per class."""
    if len(postings) == 2 and postings[0][2] == postings[1][2]:  # most transactions: one move
        total = postings[0][3] + postings[1][3]
        return [] if total == 0 else [_unbalanced_class(seq, postings[0][2], total)]
    sums: dict[int, int] = defaultdict(int)
    for _, _, class_id, amount, _ in postings:
        sums[class_id] += amount
    return [_unbalanced_class(seq, c, total) for c, total in sorted(sums.items()) if total]


def _unbalanced_class(seq: int, class_id: int, total: int) -> str:
    return Msg("verify.unbalanced", seq=seq, class_id=class_id, total=total)


def _balance_after_problems(part: ChainPart, seq: int, postings: list[Any]) -> list[str]:
    """Each `balance_after` is the one before plus the amount (the range's first posting of an
    account and class opens it: `join` checks those where the ranges meet)."""
    problems: list[str] = []
    for _, account, class_id, amount, after in postings:
        before = part.closing.get((account, class_id))
        if before is not None and before + amount != after:
            problems.append(_balance_after(account, class_id, seq, after, before + amount))
    return problems


def _balance_after(account: str, class_id: int, seq: int, after: int, expected: int) -> str:
    return Msg(
        "verify.balance_after", account=account, class_id=class_id, seq=seq, after=after,
        expected=expected,
    )  # fmt: skip


def _flow(
    row: tuple[Any, ...],
    postings: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
) -> list[str]:
    """The serials an entry's events move, account by account, are what its postings move; a
    minted event (no source) is the issuance account's."""
    if not events and not postings:
        return []
    moved: dict[Key, int] = {}
    mints = row[_COL["from_account"]] if row[_COL["kind"]] == "issue" else None
    # An entry's events mostly share their class and accounts: what a run of them moves is
    # summed first, and booked to its two accounts once.
    run: tuple[Any, ...] = ()
    into: Key | None = None
    out: Key = ("", 0)
    size = 0
    for _, class_id, start, stop, source, destination in events:
        if run != (class_id, source, destination):
            _book(moved, into, out, size)
            run, size = (class_id, source, destination), 0
            giver = source if source is not None else mints
            if giver is None:
                return [Msg("verify.minted_outside", where=_where(row))]
            into, out = (destination, class_id), (giver, class_id)
        size += stop - start
    _book(moved, into, out, size)
    posted = {(a, c): n for _, a, c, n, _ in postings}
    if {k: v for k, v in moved.items() if v} != posted:
        return [Msg("verify.flow", where=_where(row))]
    return []


def _book(moved: dict[Key, int], into: Key | None, out: Key, size: int) -> None:
    """What a run of events moved, to the account it went to and the one it came from."""
    if into is not None:
        moved[into] = moved.get(into, 0) + size
        moved[out] = moved.get(out, 0) - size
