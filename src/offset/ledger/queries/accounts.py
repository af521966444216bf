"""Accounts, parties, balances (now or as of a date) and an account's statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, text

from offset.ledger.codes import Rejected
from offset.ledger.queries.sql_values import as_date, in_list
from offset.ledger.rows import (
    AccountRow,
    BalanceLine,
    PartyRow,
    StatementLine,
)


def balances(
    conn: Connection,
    as_of: dt.date | None = None,
    account: str | None = None,
    party: str | None = None,
) -> list[BalanceLine]:
    """Non-zero balances per account and class (of one account, or one party's accounts).

    As of a date: each account's `balance_after` of its last posting effective on or before the
    end of that day. Effective dates never decrease in commit order, so those postings are the
    ones up to one sequence number."""
    conditions, params = ["1 = 1"], {"account": account, "party": party}
    if account is not None:
        conditions.append("a.id = :account")
    if party is not None:
        conditions.append("a.party_id = :party")
    where = " AND ".join(conditions)
    if as_of is None:
        sql = (
            "SELECT b.account_id, c.instrument, c.project, c.vintage, b.quantity FROM balances b"
            " JOIN accounts a ON a.id = b.account_id JOIN credit_classes c ON c.id = b.class_id"
            f" WHERE {where} AND b.quantity <> 0"
        )
    else:
        cutoff = conn.execute(
            text("SELECT MAX(seq) FROM transactions WHERE effective_date <= :d"),
            {"d": as_of.isoformat() if conn.dialect.name == "sqlite" else as_of},
        ).scalar()
        if cutoff is None:
            return []
        params["cutoff"] = cutoff
        sql = (
            "SELECT p.account_id, c.instrument, c.project, c.vintage, p.balance_after"
            " FROM (SELECT account_id, class_id, MAX(tx_seq) AS last FROM postings"
            "       WHERE tx_seq <= :cutoff GROUP BY account_id, class_id) l"
            " JOIN postings p ON p.account_id = l.account_id AND p.class_id = l.class_id"
            "  AND p.tx_seq = l.last"
            " JOIN accounts a ON a.id = p.account_id JOIN credit_classes c ON c.id = p.class_id"
            f" WHERE {where} AND p.balance_after <> 0"
        )
    rows = conn.execute(text(sql + " ORDER BY 1, 3, 4"), params)
    return [BalanceLine(a, i, p, int(v), int(q)) for a, i, p, v, q in rows]


def accounts(conn: Connection, party: str | None = None) -> list[AccountRow]:
    where = "" if party is None else " WHERE party_id = :p"
    rows = conn.execute(
        text(f"SELECT id, party_id, kind, status FROM accounts{where} ORDER BY id"), {"p": party}
    )
    return [AccountRow(*r) for r in rows]


def parties(conn: Connection, ids: Iterable[str] | None = None) -> dict[str, PartyRow]:
    where, params = ("", {}) if ids is None else in_list("p", ids)
    sql = "SELECT id, kind, name, jis_code, prefecture FROM parties"
    rows = conn.execute(text(sql + (f" WHERE id {where}" if where else "")), params)
    return {r[0]: PartyRow(*r) for r in rows}


def statement(
    conn: Connection, account: str, start: dt.date | None = None, end: dt.date | None = None
) -> list[StatementLine]:
    """The account's postings in commit order, with their transaction and running balance."""
    if conn.execute(text("SELECT 1 FROM accounts WHERE id = :a"), {"a": account}).first() is None:
        raise Rejected("unknown_account", account, subject=account)
    conditions = ["p.account_id = :a"]
    sqlite = conn.dialect.name == "sqlite"
    if start is not None:
        conditions.append("t.effective_date >= :start")
    if end is not None:
        conditions.append("t.effective_date <= :end")
    rows = conn.execute(
        text(
            "SELECT t.seq, t.id, t.kind, t.effective_date, t.fiscal_year, c.project, c.vintage,"
            " p.amount, p.balance_after, t.memo, t.agreement, t.purpose FROM postings p"
            " JOIN transactions t ON t.seq = p.tx_seq JOIN credit_classes c ON c.id = p.class_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY t.seq"
        ),
        {
            "a": account,
            "start": start.isoformat() if sqlite and start else start,
            "end": end.isoformat() if sqlite and end else end,
        },
    )
    return [
        StatementLine(int(s), i, k, as_date(d), int(fy), p, int(v), int(n), int(b), m, ag, u)
        for s, i, k, d, fy, p, v, n, b, m, ag, u in rows
    ]
