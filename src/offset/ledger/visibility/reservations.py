"""A party's reservations: those it made and those made to it, open or resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from offset.ledger import queries
from offset.ledger.ledger import Ledger
from offset.ledger.visibility.accounts import own_accounts
from offset.ledger.visibility.viewer import (
    HOLDER_NAME,
    HOLDER_OF_TO_ACCOUNT,
    OTHER,
    Viewer,
    as_date,
    rows_of,
)


@dataclass(frozen=True)
class Reservation:
    """An open reservation (not yet posted or voided), with the name of who it is for."""

    id: str
    effective_date: dt.date
    project: str
    vintage: int
    quantity: int
    from_account: str
    to_account: str
    to_name: str  # the destination's holder, as a public registry shows it


def reservations(book: Ledger, viewer: Viewer) -> list[Reservation]:
    """The viewer's open reservations: from its accounts, not yet posted or voided."""
    among, params = queries.in_list("a", own_accounts(book, viewer))
    found = rows_of(
        book,
        "SELECT t.id, t.effective_date, c.project, c.vintage, t.quantity, t.from_account,"
        f" t.to_account, {HOLDER_NAME} AS to_name"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
        f" {HOLDER_OF_TO_ACCOUNT} WHERE t.kind = 'reserve' AND t.from_account {among}"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.resolves = t.id) ORDER BY t.seq",
        **params,
    )
    return [
        Reservation(**(row | {"effective_date": as_date(row["effective_date"]),
                              "to_name": row["to_name"] or OTHER}))
        for row in found
    ]  # fmt: skip
