"""Accounts, parties, balances (now or as of a date) and an account's statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, text

from offset.ledger.codes import Rejected
from offset.ledger.queries.sql_values import as_date, in_list, rows_in
from offset.ledger.rows import (
    AccountRow,
    BalanceLine,
    PartyRow,
    PeriodBalance,
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


def period_balances(
    conn: Connection, account: str, start: dt.date | None = None, end: dt.date | None = None
) -> list[PeriodBalance]:
    """Each class the account held before the period or at its end, or moved within it: its
    opening balance (its last posting's `balance_after` dated before `start`), the period's
    postings in and out, and its closing balance (its last posting up to `end`). A class the
    account held through the period without moving it is there too, with its balance on
    both sides: a statement of the tenth year still adds up to what the account holds. Effective
    dates never decrease in commit order, so the period is the entries between two sequence
    numbers."""
    sqlite = conn.dialect.name == "sqlite"

    def last_seq(condition: str, day: dt.date) -> int:
        found = conn.execute(
            text(f"SELECT MAX(seq) FROM transactions WHERE effective_date {condition} :d"),
            {"d": day.isoformat() if sqlite else day},
        ).scalar()
        return -1 if found is None else int(found)

    before = -1 if start is None else last_seq("<", start)
    upto = last_seq("<=", end) if end is not None else last_seq("<=", dt.date.max)
    if upto <= before:
        upto = before  # a period with no entries: what was held before it is held at its end

    def held(cutoff: int) -> dict[int, tuple[int, int]]:
        """class -> (balance_after, seq) of the account's last posting up to `cutoff`."""
        rows = conn.execute(
            text(
                "SELECT p.class_id, p.balance_after, p.tx_seq FROM postings p"
                " JOIN (SELECT class_id, MAX(tx_seq) AS last FROM postings"
                "       WHERE account_id = :a AND tx_seq <= :c GROUP BY class_id) l"
                " ON p.class_id = l.class_id AND p.tx_seq = l.last WHERE p.account_id = :a"
            ),
            {"a": account, "c": cutoff},
        )
        return {int(c): (int(b), int(s)) for c, b, s in rows}

    opening, closing = held(before), held(upto)
    moved = {
        int(c): (int(i or 0), int(o or 0))
        for c, i, o in conn.execute(
            text(
                "SELECT class_id, SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END),"
                " SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) FROM postings"
                " WHERE account_id = :a AND tx_seq > :b AND tx_seq <= :u GROUP BY class_id"
            ),
            {"a": account, "b": before, "u": upto},
        )
    }
    classes = sorted(closing)  # every class held before the period has a posting by its end
    names = {
        int(i): (str(p), int(v))
        for i, p, v in rows_in(conn, "SELECT id, project, vintage FROM credit_classes WHERE id {IN}", classes)
    }  # fmt: skip
    found = []
    for class_id, (project, vintage) in names.items():
        first, first_seq = opening.get(class_id, (0, None))
        last, last_seq_ = closing[class_id]
        credited, debited = moved.get(class_id, (0, 0))
        # Figures as read: a hand-edited ledger may not add up, which the statement's proof
        # refuses in words (`proof.require_statement`) before anything prints them.
        if first or last or credited or debited:
            seqs = tuple(sorted({s for s in (first_seq, last_seq_) if s is not None}))
            found.append(PeriodBalance(project, vintage, first, credited, debited, last, seqs))
    return sorted(found, key=lambda b: (b.project, b.vintage))
