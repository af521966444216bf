"""A party's own accounts, balances and statements, and the parties it deals with."""

from __future__ import annotations

import datetime as dt

from offset.ledger import queries
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.rows import (
    AccountRow,
    BalanceLine,
    PartyRow,
    PeriodBalance,
    StatementLine,
)
from offset.ledger.visibility.viewer import (
    NotVisible,
    Viewer,
    own_party,
    rows_of,
)

Day = dt.date | None  # a period's first or last day; None: open on that side


def party(book: Ledger, viewer: Viewer) -> PartyRow:
    with reading(book.engine) as conn:
        return queries.parties(conn, [viewer.party])[viewer.party]


def accounts(book: Ledger, viewer: Viewer) -> list[AccountRow]:
    return book.accounts(own_party(viewer))


def own_accounts(book: Ledger, viewer: Viewer) -> set[str]:
    return {a.id for a in accounts(book, viewer)}


def balances(book: Ledger, viewer: Viewer, as_of: dt.date | None = None) -> list[BalanceLine]:
    """Non-zero balances of the viewer's accounts (one query, the viewer's rows only)."""
    return book.balances(as_of, party=own_party(viewer))


def statement(
    book: Ledger,
    viewer: Viewer,
    account: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[StatementLine]:
    if account not in own_accounts(book, viewer):
        raise NotVisible(account)
    return book.statement(account, start, end)


def period_balances(
    book: Ledger, viewer: Viewer, account: str, start: Day = None, end: Day = None
) -> list[PeriodBalance]:
    """The viewer's account over a statement's period: each class's opening balance, what
    came in and went out, and its closing balance (`queries.period_balances`)."""
    if account not in own_accounts(book, viewer):
        raise NotVisible(account)
    return book.period_balances(account, start, end)


def holdings(book: Ledger, viewer: Viewer) -> list[BalanceLine]:
    """What the viewer may act on: its credits in open holding accounts (never what it has
    retired, cancelled or reserved)."""
    usable = {a.id for a in accounts(book, viewer) if a.kind == "holding" and a.status == "open"}
    return [b for b in balances(book, viewer) if b.account in usable]


def receiver(book: Ledger, account: str) -> str | None:
    """The name of the party holding an open holding account, as a public registry shows the
    holder of an account; None if there is no such account."""
    rows = rows_of(
        book,
        "SELECT p.id, p.name FROM accounts a JOIN parties p ON p.id = a.party_id"
        " WHERE a.id = :a AND a.kind = 'holding' AND a.status = 'open'",
        a=account,
    )
    return (rows[0]["name"] or rows[0]["id"]) if rows else None


def counterparties(book: Ledger, viewer: Viewer) -> list[tuple[str, str]]:
    """(account, its holder's name) of every open holding account of another party, by name:
    whom a transfer may go to, as a public registry lists the holders of accounts (no
    balances)."""
    rows = rows_of(
        book,
        "SELECT a.id, p.id AS party, p.name FROM accounts a JOIN parties p ON p.id = a.party_id"
        " WHERE a.kind = 'holding' AND a.status = 'open' AND p.id <> :me ORDER BY p.name, a.id",
        me=viewer.party,
    )
    return [(row["id"], row["name"] or row["party"]) for row in rows]
