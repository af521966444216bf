"""Whether the history up to a checkpoint is provably the history that was checked when it was
signed, without reading it again.

A checkpoint signs the head's hash; the state kept at it (`states.py`) saves `verify` reading
the entries up to it. But the state only says what those entries were: someone who takes the
guards off can edit an entry (a retirement's beneficiary, say) and put them back, and the state
would not know. So the past is either read again (its hashes recomputed up to the signed one),
or proved unwritten by something SQL cannot forge:

- PostgreSQL stamps every row with the id of the database transaction that wrote it (`xmin`),
  whatever triggers, replication role or superuser did: an UPDATE, DELETE or INSERT leaves a
  new one. The checkpoint signs the snapshot its state was read in; a row that snapshot saw was
  written by a transaction it saw committed. So if every history row up to the checkpoint was
  written by a transaction the snapshot saw committed, and the rows are as many as the state
  counted, none was written since. One query per history table, run by the server.
- SQLite keeps nothing of the kind (a trigger dropped and put back leaves no trace), so there
  the past is read again.

Anything this cannot prove (SQLite, a checkpoint signed without a snapshot, a state kept before
it counted block events, a database restored from a dump, which writes every row anew, or a
checkpoint a billion database transactions old) is read in full: slower, never wrong.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

from offset.ledger.verify import ChainPart

XID_SPAN: Final = 2**32  # PostgreSQL's row stamps are 32-bit transaction ids, wrapping around
MAX_AGE: Final = 2**30  # older than this, a stamp's age is no longer told apart safely
_HISTORY: Final = (("transactions", "seq"), ("postings", "tx_seq"), ("block_events", "tx_seq"))


def unwritten(conn: Connection, seq: int, snapshot: str | None, state: ChainPart) -> bool:
    """The history up to `seq` holds exactly the rows the snapshot `snapshot` (xmin:xmax:xip,
    as `pg_current_snapshot()` writes it) saw, as many as `state` counted: proved by the
    database, not read. False where that cannot be proved."""
    if conn.dialect.name != "postgresql" or snapshot is None or state.event_count < 0:
        return False
    try:
        _, xmax, running = snapshot.split(":")
        horizon = int(xmax) % XID_SPAN
        in_progress = [int(x) % XID_SPAN for x in running.split(",") if x]
    except ValueError:
        return False
    params = {"n": seq, "h": str(horizon), "ip": "{" + ",".join(map(str, in_progress)) + "}"}
    age = conn.execute(text("SELECT age(CAST(:h AS xid))"), params).scalar_one()
    if not 0 <= int(age) < MAX_AGE:
        return False
    expected = (seq, state.posting_count, state.event_count)
    for (table, column), count in zip(_HISTORY, expected, strict=True):
        # A row is later than the snapshot if its writer started at or after its horizon
        # (a smaller or equal age), or was still running when it was taken.
        found, later = conn.execute(
            text(
                f"SELECT COUNT(*), COUNT(*) FILTER (WHERE age(xmin) <= age(CAST(:h AS xid))"
                f" OR xmin = ANY(CAST(:ip AS xid[]))) FROM {table} WHERE {column} <= :n"
            ),
            params,
        ).one()
        if int(found) != count or int(later):
            return False
    return True
