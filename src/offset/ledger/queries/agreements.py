"""What an agreement delivered: the transactions that name it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from offset.ledger.queries.sql_values import as_date, in_list
from offset.ledger.rows import AgreementTransaction


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
        AgreementTransaction(i, k, as_date(d), p, int(v), int(q), f, to, b)
        for i, k, d, p, v, q, f, to, b in rows
    ]


@dataclass(frozen=True)
class AgreementMove:
    """A transaction that names an agreement, with the party whose account it left."""

    agreement: str
    kind: str
    vintage: int
    quantity: int
    party: str
    seq: int  # its entry: what a page showing the figure proves first


def agreement_moves(conn: Connection, agreements: Iterable[str]) -> list[AgreementMove]:
    """Every transaction naming one of `agreements` (one read for all of them)."""
    named, params = in_list("g", agreements)
    rows = conn.execute(
        text(
            "SELECT t.agreement, t.kind, c.vintage, t.quantity, a.party_id, t.seq"
            " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
            f" JOIN accounts a ON a.id = t.from_account WHERE t.agreement {named}"
        ),
        params,
    )
    return [AgreementMove(g, k, int(v), int(q), p, int(s)) for g, k, v, q, p, s in rows]
