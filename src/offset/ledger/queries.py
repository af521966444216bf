"""Reading the ledger: balances (now or as of a date), statements, serial histories and
retirements, as typed rows (`rows.py`). Everything printed comes from columns that `verify`
recomputes or that the hash chain covers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.blocks import Block
from offset.ledger.chain import day_text
from offset.ledger.codes import Rejected
from offset.ledger.rows import (
    AccountRow,
    AgreementTransaction,
    BalanceLine,
    IssuanceEvent,
    PartyRow,
    Retirement,
    SerialEvent,
    SerialHistory,
    StatementLine,
)


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


ID_CHUNK = 500  # values per IN list (well under SQLite's parameter limit)


def in_list(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`IN (:name0, ...)` and its parameters (`IN (NULL)`, which matches nothing, for none)."""
    params = {f"{name}{i}": v for i, v in enumerate(sorted(values))}
    marks = ", ".join(f":{k}" for k in params) or "NULL"
    return f"IN ({marks})", params


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


def agreement_transactions(conn: Connection, agreement: str) -> list[AgreementTransaction]:
    """Transactions that name an agreement, with their class: what the agreement delivered."""
    rows = conn.execute(
        text(
            "SELECT t.id, t.kind, t.effective_date, c.project, c.vintage, t.quantity,"
            " t.from_account, t.to_account, t.beneficiary FROM transactions t"
            " JOIN credit_classes c ON c.id = t.class_id WHERE t.agreement = :a ORDER BY t.seq"
        ),
        {"a": agreement},
    )
    return [
        AgreementTransaction(i, k, _date(d), p, int(v), int(q), f, to, b)
        for i, k, d, p, v, q, f, to, b in rows
    ]


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
            " p.amount, p.balance_after, t.memo, t.agreement FROM postings p"
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
        StatementLine(int(s), i, k, _date(d), int(fy), p, int(v), int(n), int(b), m, ag)
        for s, i, k, d, fy, p, v, n, b, m, ag in rows
    ]


def serial_history(conn: Connection, project: str, vintage: int, serial: int) -> SerialHistory:
    """Everything that happened to one credit, and where it came from (the issuance's source)."""
    credit = conn.execute(
        text(
            "SELECT id, instrument, next_serial, methodology FROM credit_classes"
            " WHERE project = :p AND vintage = :v"
        ),
        {"p": project, "v": vintage},
    ).first()
    if credit is None:
        raise Rejected("unknown_class", f"{project} {vintage}")
    if not 0 <= serial < int(credit[2]):
        raise Rejected(
            "unknown_class",
            f"serial {serial} was never issued ({project} {vintage} has 0..{int(credit[2]) - 1})",
        )
    rows = conn.execute(
        text(
            "SELECT t.seq, t.id, t.kind, t.effective_date, e.from_account, e.to_account, e.start,"
            " e.stop, t.source, t.beneficiary, t.reason, t.claim_period"
            " FROM block_events e JOIN transactions t ON t.seq = e.tx_seq"
            " WHERE e.class_id = :c AND e.start <= :s AND :s < e.stop ORDER BY t.seq"
        ),
        {"c": credit[0], "s": serial},
    )
    events = tuple(
        SerialEvent(
            seq=int(seq),
            id=tx_id,
            kind=kind,
            effective_date=_date(day),
            from_account=source,
            to_account=destination,
            start=int(start),
            stop=int(stop),
            source=json.loads(provenance) if provenance else None,
            methodology=credit[3] if kind == "issue" else None,
            beneficiary=beneficiary,
            reason=reason,
            claim_period=claim_period,
        )
        for (
            seq,
            tx_id,
            kind,
            day,
            source,
            destination,
            start,
            stop,
            provenance,
            beneficiary,
            reason,
            claim_period,
        ) in rows
    )
    holder = conn.execute(
        text("SELECT account_id FROM blocks WHERE class_id = :c AND start <= :s AND :s < stop"),
        {"c": credit[0], "s": serial},
    ).scalar()
    return SerialHistory(project, vintage, serial, credit[1], holder, events)


_RETIREMENT = (
    "SELECT t.id, t.seq, t.effective_date, t.fiscal_year, t.quantity, t.agreement, c.instrument,"
    " c.project, c.vintage, c.methodology, t.from_account, a.party_id, t.beneficiary, t.reason,"
    " t.claim_period, t.hash, t.purpose, t.offset_target, t.offset_place, t.claim_fy,"
    " t.rule_override FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
    " JOIN accounts a ON a.id = t.from_account WHERE t.kind = 'retire'"
)


# the credit classes whose credits were issued to one of some parties' accounts
_ISSUED_TO = (
    "SELECT i.class_id FROM transactions i JOIN accounts ia ON ia.id = i.to_account"
    " WHERE i.kind = 'issue' AND ia.party_id {issuers}"
)


def retirements(
    conn: Connection,
    parties: Iterable[str] | None = None,
    agreements: Iterable[str] = (),
    issuers: Iterable[str] = (),
) -> list[Retirement]:
    """Retirements, all of them or those made by `parties`, under `agreements`, or of credits
    issued to one of `issuers` (whoever retired them: a provider's credits)."""
    sql, params = _RETIREMENT, dict[str, str]()
    if parties is not None:
        by_party, params = in_list("p", parties)
        under, more = in_list("g", agreements)
        issued, by_issuer = in_list("i", issuers)
        params.update(more | by_issuer)
        sql += (
            f" AND (a.party_id {by_party} OR t.agreement {under}"
            f" OR t.class_id IN ({_ISSUED_TO.format(issuers=issued)}))"
        )
    return _retirements(conn, sql + " ORDER BY t.seq", params)


def issued_to(conn: Connection, tx_id: str, party: str) -> bool:
    """Whether the credits transaction `tx_id` moved were issued to one of `party`'s accounts."""
    found = conn.execute(
        text(
            "SELECT 1 FROM transactions t WHERE t.id = :id"
            f" AND t.class_id IN ({_ISSUED_TO.format(issuers='= :p')})"
        ),
        {"id": tx_id, "p": party},
    ).first()
    return found is not None


def retirement(conn: Connection, tx_id: str) -> Retirement:
    """One retirement (what its certificate prints)."""
    found = _retirements(conn, _RETIREMENT + " AND t.id = :id", {"id": tx_id})
    if not found:
        kind = conn.execute(text("SELECT kind FROM transactions WHERE id = :id"), {"id": tx_id})
        row = kind.first()
        if row is None:
            raise Rejected("unknown_transaction", tx_id, subject=tx_id)
        raise Rejected("wrong_account_kind", f"{tx_id} is a {row[0]}, not a retirement")
    return found[0]


def _retirements(conn: Connection, sql: str, params: dict[str, Any]) -> list[Retirement]:
    rows = list(conn.execute(text(sql), params))
    serials = _serials(conn, [int(r[1]) for r in rows])
    return [
        Retirement(
            id=r[0],
            seq=int(r[1]),
            effective_date=_date(r[2]),
            fiscal_year=int(r[3]),
            quantity=int(r[4]),
            agreement=r[5],
            instrument=r[6],
            project=r[7],
            vintage=int(r[8]),
            methodology=r[9],
            from_account=r[10],
            party=r[11],
            beneficiary=r[12],
            reason=r[13],
            claim_period=r[14],
            serials=tuple(serials.get(int(r[1]), [])),
            hash=r[15],
            purpose=r[16],
            offset_target=r[17],
            offset_place=r[18],
            claim_fy=None if r[19] is None else int(r[19]),
            rule_override=r[20],
        )
        for r in rows
    ]


def _serials(conn: Connection, seqs: list[int]) -> dict[int, list[Block]]:
    """The serial ranges each of these transactions moved, by sequence number."""
    out: dict[int, list[Block]] = {}
    for at in range(0, len(seqs), ID_CHUNK):
        chunk = {f"s{i}": seq for i, seq in enumerate(seqs[at : at + ID_CHUNK])}
        found = conn.execute(
            text(
                "SELECT tx_seq, start, stop FROM block_events"
                f" WHERE tx_seq IN ({', '.join(':' + k for k in chunk)}) ORDER BY tx_seq, start"
            ),
            chunk,
        )
        for seq, start, stop in found:
            out.setdefault(int(seq), []).append(Block(int(start), int(stop)))
    return out


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


def _starting(prefix: str) -> str:
    """A LIKE pattern (escape `\\`) for the ids starting with `prefix`."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def issuance_history(conn: Connection, prefix: str) -> list[IssuanceEvent]:
    """Issuances, reversals and cancellations whose id starts with `prefix` (a scenario's), and
    every reversal of those issuances whatever its id: what a re-run restates against."""
    like = _starting(prefix)
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
            i, k, p, int(v), int(q), int(b), f, to, r, json.loads(s) if s else None, _date(d), m
        )
        for i, k, p, v, q, b, f, to, r, s, d, m in rows
    ]


def first_seq(conn: Connection, prefix: str) -> int | None:
    """The sequence number of the first transaction whose id starts with `prefix` (a
    scenario's), None if there is none."""
    like = _starting(prefix)
    found = conn.execute(
        text("SELECT MIN(seq) FROM transactions WHERE id LIKE :like ESCAPE '\\'"),
        {"like": like},
    ).scalar()
    return None if found is None else int(found)


def quantities(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """The quantity of each transaction of `ids` that the ledger holds (absent ids: none)."""
    wanted, out = sorted(set(ids)), {}
    for start in range(0, len(wanted), ID_CHUNK):
        where, params = in_list("i", wanted[start : start + ID_CHUNK])
        rows = conn.execute(text(f"SELECT id, quantity FROM transactions WHERE id {where}"), params)
        out.update({i: int(q) for i, q in rows})
    return out


@dataclass(frozen=True)
class AgreementMove:
    """A transaction that names an agreement, with the party whose account it left."""

    agreement: str
    kind: str
    vintage: int
    quantity: int
    party: str


def agreement_moves(conn: Connection, agreements: Iterable[str]) -> list[AgreementMove]:
    """Every transaction naming one of `agreements` (one read for all of them)."""
    named, params = in_list("g", agreements)
    rows = conn.execute(
        text(
            "SELECT t.agreement, t.kind, c.vintage, t.quantity, a.party_id"
            " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
            f" JOIN accounts a ON a.id = t.from_account WHERE t.agreement {named}"
        ),
        params,
    )
    return [AgreementMove(g, k, int(v), int(q), p) for g, k, v, q, p in rows]
