"""Before a write links a new entry to the chain head, the head must be intact: an entry whose
row was edited by hand (the guards dropped and put back, or skipped by replication role) would
otherwise get new postings chained on top of it, and the ledger would go on writing on a history
`verify` refuses.

`problem` is the check the simple path runs under the write lock: the head entry's hash
recomputes from what it holds (its header, postings and block events), it is the hash the
chain head names, and each balance it touched still holds what its postings left. One entry is
read, whatever the ledger's size.

On PostgreSQL a writer that knows the head writes in one round trip (`presumed.py`) and cannot
wait for a read. There the head is proved unwritten instead: the database stamps every row with
the database transaction that wrote it (`xmin`, whatever the triggers did: see `past.py`), so if
every row of the head entry, and every balance it touched, still carries the stamp of the
transaction this writer saw write or check them, nobody edited them since. `UNCHANGED` makes the
server refuse the whole transaction when they do not; the writer then reads under the lock, and
`problem` says what is wrong.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

from offset.ledger.chain import body, link
from offset.ledger.rows import HEADER_COLUMNS, Head

_HASH: Final = HEADER_COLUMNS.index("hash")
_PREV_HASH: Final = HEADER_COLUMNS.index("prev_hash")

# The head entry's rows: `{at}` is `AT_HEAD`, the entry the head names (sent with the head's lock
# or the snapshot's first read, before the head is known).
_HEADER: Final = (
    f"SELECT {', '.join(HEADER_COLUMNS)}, {{stamps}} FROM transactions WHERE seq = {{at}}"
)
_POSTINGS: Final = (
    "SELECT p.tx_seq, p.account_id, p.class_id, p.amount, p.balance_after, b.quantity"
    " FROM postings p LEFT JOIN balances b"
    " ON b.account_id = p.account_id AND b.class_id = p.class_id WHERE p.tx_seq = {at}"
)
_EVENTS: Final = (
    "SELECT tx_seq, class_id, start, stop, from_account, to_account FROM block_events"
    " WHERE tx_seq = {at}"
)
AT_HEAD: Final = "(SELECT seq FROM ledger_head WHERE id = 1)"
_OWN_XID: Final = "CAST(CAST(pg_current_xact_id() AS xid) AS text)"
#: PostgreSQL: the stamp of the database transaction running the statement.
OWN_STAMP: Final = f"SELECT {_OWN_XID}"

#: PostgreSQL, sent in a pipeline after the head's lock and before a batch's writes: the stamp
#: of the database transaction running it, or an error (division by zero: the transaction is
#: rolled back, nothing commits) unless every row of entry `s` and every balance it touched
#: was written by the transaction stamped `x`, and its postings and events are still `np` and
#: `ne`. A row edited, deleted or added since has another stamp, or the counts differ.
UNCHANGED: Final = f"""SELECT {_OWN_XID}, 1 / CAST(
    NOT EXISTS (SELECT 1 FROM transactions WHERE seq = %(s)s AND xmin <> CAST(%(x)s AS xid))
    AND EXISTS (SELECT 1 FROM transactions WHERE seq = %(s)s)
    AND NOT EXISTS (SELECT 1 FROM postings WHERE tx_seq = %(s)s AND xmin <> CAST(%(x)s AS xid))
    AND NOT EXISTS (
        SELECT 1 FROM block_events WHERE tx_seq = %(s)s AND xmin <> CAST(%(x)s AS xid))
    AND NOT EXISTS (
        SELECT 1 FROM postings p JOIN balances b
        ON b.account_id = p.account_id AND b.class_id = p.class_id
        WHERE p.tx_seq = %(s)s AND b.xmin <> CAST(%(x)s AS xid))
    AND (SELECT COUNT(*) FROM postings WHERE tx_seq = %(s)s) = %(np)s
    AND (SELECT COUNT(*) FROM block_events WHERE tx_seq = %(s)s) = %(ne)s
    AS integer)"""


class Stamp(NamedTuple):
    """PostgreSQL: the database transaction that wrote the head entry (its `xmin`), and how
    many postings and block events the entry holds."""

    xid: str
    postings: int
    events: int


class Entry(NamedTuple):
    """The head entry as it was read: its header row, postings (with what the balance each
    touched holds now) and block events; on PostgreSQL, its header row's stamp and the stamp
    of the database transaction that read it (what it writes will carry)."""

    header: Any
    postings: list[Any]
    events: list[Any]
    xid: str | None
    own_xid: str | None

    def stamp(self) -> Stamp | None:
        if self.xid is None:
            return None
        return Stamp(self.xid, len(self.postings), len(self.events))


def queries(sqlite: bool) -> list[tuple[str, dict[str, Any]]]:
    """The queries that read the entry the head names, under the writer's lock (`Store.start`
    sends them with the lock, before the head is known)."""
    stamps = "NULL, NULL" if sqlite else f"CAST(xmin AS text), {_OWN_XID}"
    return [
        (_HEADER.format(stamps=stamps, at=AT_HEAD), {}),
        (_POSTINGS.format(at=AT_HEAD), {}),
        (_EVENTS.format(at=AT_HEAD), {}),
    ]


def entry(rows: list[list[Any]]) -> Entry:
    """The entry from the rows `queries` read."""
    header, postings, events = rows
    if not header:
        return Entry(None, postings, events, None, None)
    row = header[0]
    return Entry(row[:-2], postings, events, row[-2], row[-1])


def problem(entry: Entry, head: Head) -> str | None:
    """What is wrong with the chain head a write would link to (None: it is intact)."""
    where = f"the chain head (seq {head.seq})"
    row = entry.header
    if row is None:
        return f"{where}: no such entry"
    if row[_HASH] != head.hash:
        return f"{where}: the entry's hash is not the one the chain head names"
    postings = sorted(tuple(p[:5]) for p in entry.postings)
    if link(row[_PREV_HASH], body(row, postings, entry.events)) != row[_HASH]:
        return f"{where}: hash does not recompute (altered header, postings or block events)"
    for _, account, class_id, _, after, holds in entry.postings:
        if holds is None or int(holds) != int(after):
            return (
                f"{where}: the balance of {account} in class {class_id} is {holds},"
                f" not the {after} its last posting left"
            )
    return None


def written(xid: str, headers: list[Any], postings: list[Any], events: list[Any]) -> Stamp:
    """PostgreSQL: the stamp of the head entry a database transaction stamped `xid` writes (the
    last of `headers`; its rows are the last of `postings` and `events`)."""
    seq = headers[-1][0]
    return Stamp(xid, _last(postings, seq), _last(events, seq))


def _last(rows: list[Any], seq: int) -> int:
    count = 0
    for row in reversed(rows):
        if row[0] != seq:
            break
        count += 1
    return count


def params(stamp: Stamp, seq: int) -> dict[str, Any]:
    """`UNCHANGED`'s parameters for the head entry `seq` stamped `stamp`."""
    return {"s": seq, "x": stamp.xid, "np": stamp.postings, "ne": stamp.events}
