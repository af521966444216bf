"""What a scenario's re-run reads back: its issuances with their reversals and
cancellations, its first entry, the quantities of the transactions it named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, text

from offset.ledger.queries.sql_values import as_date, rows_in, starting
from offset.ledger.rows import IssuanceEvent


def issuance_history(conn: Connection, prefix: str) -> list[IssuanceEvent]:
    """Issuances, reversals and cancellations whose id starts with `prefix` (a scenario's), and
    every reversal of those issuances whatever its id: what a re-run restates against."""
    like = starting(prefix)
    rows = conn.execute(
        text(
            "SELECT t.id, t.kind, c.project, c.vintage, t.quantity, t.buffer, t.from_account,"
            " t.to_account, t.reverses, t.source, t.effective_date, t.memo FROM transactions t"
            " JOIN credit_classes c ON c.id = t.class_id"
            " WHERE t.kind IN ('issue', 'reverse', 'cancel')"
            " AND (t.id LIKE :like ESCAPE '\\' OR t.reverses LIKE :like ESCAPE '\\')"
            " ORDER BY t.seq"
        ),
        {"like": like},
    )
    return [
        IssuanceEvent(
            i, k, p, int(v), int(q), int(b), f, to, r, json.loads(s) if s else None, as_date(d), m
        )
        for i, k, p, v, q, b, f, to, r, s, d, m in rows
    ]


def first_seq(conn: Connection, prefix: str) -> int | None:
    """The sequence number of the first transaction whose id starts with `prefix` (a
    scenario's), None if there is none."""
    like = starting(prefix)
    found = conn.execute(
        text("SELECT MIN(seq) FROM transactions WHERE id LIKE :like ESCAPE '\\'"),
        {"like": like},
    ).scalar()
    return None if found is None else int(found)


def quantities(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """The quantity of each transaction of `ids` that the ledger holds (absent ids: none)."""
    statement = "SELECT id, quantity FROM transactions WHERE id {IN}"
    return {i: int(q) for i, q in rows_in(conn, statement, ids)}
