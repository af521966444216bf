"""What other writers changed since the head a writer knows, so that it forgets only that.

Several processes may write one PostgreSQL ledger (`offset serve --workers N`), each with its
own writer and its own `books.Known`. When a writer locks the head and finds that it moved,
the entries between the head it knew and the head it locked are other writers' commits, and
every change to the books is such an entry (its header, postings and block events), so they
say exactly which values it knew are no longer what the database holds:

- a credit transaction: its id is now recorded (its record is read here), what it reverses
  or resolves has moved; an issuance mints (the class's next serial, the serials minted) and
  may be its class's first (where its credits were created);
- its postings: the balances they name (read again here, under the lock, as they stand now);
- its block events: the holdings of the accounts they name;
- a reference entry (party, account, account status, title, credit class): the value it names
  (read from the entry's canonical operation, which its hash covers); a party's, also where
  every class's credits were created (read through the party of its first issuance).

Anything else (the genesis, an entry of an unknown kind, a gap in the sequence, a first entry
that does not link to the head the writer knew, more than `MAX_ENTRIES` entries) makes the
writer forget everything, as it always did. The queries run under the head's lock, in the
same round trip as the lock on PostgreSQL (`BatchStore.start_locked`), so nothing they read
can change before the writer commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from offset.ledger.rows import Balance, Head
from offset.ledger.store import tx_record

if TYPE_CHECKING:
    from offset.ledger.books import Known, Table

#: Other writers' entries a writer catches up on; past that, reading everything again as it is
#: needed costs less than reading what changed.
MAX_ENTRIES: Final = 2_000

# Entries after `k`, at most `n` of them (a range of the primary key), with the record of a
# credit transaction (`store.TX_RECORD`'s columns, the class's project and vintage by an outer
# join: a reference entry has no class, or is the class's own entry) and the canonical
# operation of a reference entry.
_ENTRIES: Final = (
    "SELECT t.seq, t.id, t.kind, t.class_id, c.project, c.vintage, t.quantity, t.from_account,"
    " t.to_account, t.buffer, t.content_hash, t.prev_hash, t.reverses, t.resolves,"
    " CASE WHEN t.id IS NULL THEN t.operation END"
    " FROM transactions t LEFT JOIN credit_classes c ON c.id = t.class_id"
    " WHERE t.seq > :k AND t.seq <= :k + :n ORDER BY t.seq"
)
# The balances those entries' postings moved, as they stand now.
_BALANCES: Final = (
    "SELECT b.account_id, b.class_id, b.quantity, b.version FROM balances b"
    " WHERE EXISTS (SELECT 1 FROM postings p WHERE p.tx_seq > :k AND p.tx_seq <= :k + :n"
    " AND p.account_id = b.account_id AND p.class_id = b.class_id)"
)
# The holdings their block events changed (a source of NULL: minted).
_HOLDINGS: Final = (
    "SELECT DISTINCT from_account, to_account, class_id FROM block_events"
    " WHERE tx_seq > :k AND tx_seq <= :k + :n"
)

_ENTRY_SEQ, _ENTRY_ID, _ENTRY_KIND, _ENTRY_CLASS = 0, 1, 2, 3
_PREV_HASH, _REVERSES, _RESOLVES, _OPERATION = 11, 12, 13, 14


class Since(NamedTuple):
    """The rows `queries` read: entries, balances now, holdings changed."""

    entries: list[Sequence[Any]]
    balances: list[Sequence[Any]]
    holdings: list[Sequence[Any]]


def queries(seq: int) -> list[tuple[str, dict[str, Any]]]:
    """What changed after entry `seq` (three queries, each looked up by key)."""
    params = {"k": seq, "n": MAX_ENTRIES}
    return [(_ENTRIES, params), (_BALANCES, params), (_HOLDINGS, params)]


def catch_up(known: Known, head: Head, since: Since | None) -> None:
    """Bring what `known` knows (at its head) to `head`, the head locked now: forget only what
    the entries between them changed, or everything when they cannot say."""
    was = known.head
    if was == head:
        return
    if was is None or since is None or not _applied(known, was, head, since):
        known.forget()


def _applied(known: Known, was: Head, head: Head, since: Since) -> bool:
    """Forget what `since` changed; False when it cannot say (then nothing is trusted)."""
    entries = since.entries
    if head.seq - was.seq != len(entries) or not entries:
        return False  # more than MAX_ENTRIES, or the head went back: not a continuation
    if [int(e[_ENTRY_SEQ]) for e in entries] != list(range(was.seq + 1, head.seq + 1)):
        return False
    if entries[0][_PREV_HASH] != was.hash:
        return False  # the chain under the head known is not the one locked
    for entry in entries:
        if not _entry(known, entry):
            return False
    for account, class_id, quantity, version in since.balances:
        key = (account, int(class_id))
        known.balances.changed.pop(key, None)
        known.balances.base[key] = Balance(int(quantity), int(version))
    for source, to, class_id in since.holdings:
        c = int(class_id)
        _drop(known.holdings, (to, c))
        if source is None:  # minted
            _drop(known.next_serial, c)
            _drop(known.counters, "minted")
        else:
            _drop(known.holdings, (source, c))
    known.head = head
    known.stamp = None  # the head entry is another writer's: proved by reading it
    return True


def _drop(table: Table[Any, Any], key: object) -> None:
    table.base.pop(key, None)
    table.changed.pop(key, None)


def _entry(known: Known, entry: Sequence[Any]) -> bool:
    tx_id = entry[_ENTRY_ID]
    if tx_id is not None:  # a credit transaction: its id is recorded now
        _drop(known.transactions, tx_id)
        known.transactions.base[tx_id] = tx_record(entry[:11])
        if entry[_REVERSES] is not None:
            _drop(known.reversed, entry[_REVERSES])
        if entry[_RESOLVES] is not None:
            _drop(known.resolved, entry[_RESOLVES])
        if entry[_ENTRY_KIND] == "issue":  # may be its class's first
            _drop(known.origins, int(entry[_ENTRY_CLASS]))
        return True
    forget = _REFERENCE.get(entry[_ENTRY_KIND])
    if forget is None:
        return False  # the genesis, or a kind this writer does not know
    forget(known, json.loads(entry[_OPERATION]))
    return True


def _party(known: Known, change: dict[str, Any]) -> None:
    _drop(known.parties, change["party"])  # a class's origin is read through it (`Books.origin`)


def _account(known: Known, change: dict[str, Any]) -> None:
    _drop(known.accounts, change["account"])


def _title(known: Known, change: dict[str, Any]) -> None:
    _drop(known.titles, (change["subject"], change["name"]))


def _class(known: Known, change: dict[str, Any]) -> None:
    class_id = int(change["class_id"])
    _drop(known.classes, (change["project"], int(change["vintage"])))
    _drop(known.vintages, change["project"])
    _drop(known.counters, "class_id")
    _drop(known.origins, class_id)
    _drop(known.next_serial, class_id)


#: A reference entry's kind (`journal._entry`) and what it changes, from its operation.
_REFERENCE: Final[dict[str, Callable[[Known, dict[str, Any]], None]]] = {
    "party": _party,
    "account": _account,
    "account_status": _account,
    "describe": _title,
    "class": _class,
}
