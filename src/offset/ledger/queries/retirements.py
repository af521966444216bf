"""Retirements with the serials they took, and whether a retirement was made to a party."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.blocks import Block
from offset.ledger.codes import Rejected
from offset.ledger.queries.sql_values import as_date, in_list, rows_in
from offset.ledger.rows import Retirement

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
            effective_date=as_date(r[2]),
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
    statement = (
        "SELECT tx_seq, start, stop FROM block_events WHERE tx_seq {IN} ORDER BY tx_seq, start"
    )
    for seq, start, stop in rows_in(conn, statement, seqs):
        out.setdefault(int(seq), []).append(Block(int(start), int(stop)))
    return out
