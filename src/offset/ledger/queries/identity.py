"""The ledger's identity (from its genesis entry) and its chain head."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from offset.ledger.chain import day_text


def ledger_identity(conn: Connection) -> str | None:
    """The ledger's id, from its genesis entry (None for a ledger with no entries yet)."""
    row = conn.execute(text("SELECT operation FROM transactions WHERE seq = 1")).first()
    if row is None:
        return None
    ledger_id = json.loads(row[0]).get("ledger")
    return str(ledger_id) if ledger_id else None


def head(conn: Connection) -> tuple[int, str, str]:
    seq, head_hash, effective = conn.execute(
        text("SELECT seq, hash, effective_date FROM ledger_head WHERE id = 1")
    ).one()
    return int(seq), str(head_hash), day_text(effective) if effective else ""


def transaction_id(conn: Connection, seq: int) -> str | None:
    """The id of entry `seq` (None: a reference entry, or no such entry)."""
    found = conn.execute(text("SELECT id FROM transactions WHERE seq = :s"), {"s": seq}).scalar()
    return None if found is None else str(found)
