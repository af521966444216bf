"""Who reads (`Viewer`: a party or the registry), the one answer for what is not theirs
(`NotVisible`), and how other parties appear to them: by party name and account kind, as a
public registry shows (`public_name`, `party_names`, `holder_name`); the read every module
makes (`rows_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import text

from offset.ledger import queries
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.rows import AccountRow

OTHER = "(another party)"
# The name of the party that holds a transaction's destination, as a public registry shows it.
HOLDER_OF_TO_ACCOUNT = (
    "LEFT JOIN accounts ta ON ta.id = t.to_account LEFT JOIN parties tp ON tp.id = ta.party_id"
)
HOLDER_NAME = "COALESCE(NULLIF(tp.name, ''), tp.id)"


class Viewer(Protocol):
    """Who reads: a party, or the registry (an API key's caller is one)."""

    @property
    def party(self) -> str: ...

    @property
    def is_registry(self) -> bool: ...


class NotVisible(Exception):
    """The resource does not exist, or is not the viewer's: the same answer for both."""


def rows_of(book: Ledger, sql: str, **params: Any) -> list[dict[str, Any]]:
    with reading(book.engine) as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10]) if not isinstance(value, dt.date) else value


def own_party(viewer: Viewer) -> str | None:
    """The party whose rows the viewer reads; None for the registry (every party's)."""
    return None if viewer.is_registry else viewer.party


def party_names(book: Ledger, parties: Iterable[str]) -> dict[str, str]:
    """The names of parties (a public registry names account holders), by id; a party without
    one keeps its id."""
    among, params = queries.in_list("p", sorted(set(parties)))
    rows = rows_of(book, f"SELECT id, name FROM parties WHERE id {among}", **params)
    return {row["id"]: row["name"] or row["id"] for row in rows}


def public_name(account: AccountRow | None, names: dict[str, str]) -> str:
    """Another party's account as a public registry shows it: its party and its kind (never
    its name, which may say more: a cancellation account is named after its reason)."""
    if account is None:
        return OTHER
    return f"{names.get(account.party) or account.party} ({account.kind})"


def holder_name(book: Ledger, account: str | None) -> str:
    rows = rows_of(
        book,
        "SELECT p.id, p.name FROM accounts a JOIN parties p ON p.id = a.party_id WHERE a.id = :a",
        a=account,
    )
    return (rows[0]["name"] or rows[0]["id"]) if rows else OTHER
