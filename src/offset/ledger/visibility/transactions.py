"""One transaction as a party may see it: the receiver sees who sent, not from which
account.
"""

from __future__ import annotations

from dataclasses import dataclass

from offset.ledger.ledger import Ledger
from offset.ledger.rows import AgreementTransaction
from offset.ledger.visibility.accounts import own_accounts, receiver
from offset.ledger.visibility.viewer import (
    OTHER,
    NotVisible,
    Viewer,
    as_date,
    holder_name,
    rows_of,
)


@dataclass(frozen=True)
class Transaction(AgreementTransaction):
    """A credit transaction from or to the viewer's accounts (what a page shows after an
    action): the fields a transaction has in `rows.AgreementTransaction` (declared there once),
    then these; `to_name` and `from_name` name another party's destination or source as a
    public registry does (None: the viewer's own), and then its account is not given."""

    seq: int
    reason: str | None
    claim_period: str | None
    memo: str
    to_name: str | None = None
    from_name: str | None = None


def transaction(book: Ledger, viewer: Viewer, tx_id: str) -> Transaction:
    found = rows_of(
        book,
        "SELECT t.id, t.seq, t.kind, t.effective_date, c.project, c.vintage, t.quantity,"
        " t.from_account, t.to_account, t.beneficiary, t.reason, t.claim_period, t.memo"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id WHERE t.id = :id",
        id=tx_id,
    )
    own = own_accounts(book, viewer)
    row = found[0] if found else None
    if row is None or not (viewer.is_registry or {row["from_account"], row["to_account"]} & own):
        raise NotVisible(tx_id)
    row["effective_date"] = as_date(row["effective_date"])
    if not viewer.is_registry and row["to_account"] not in own:
        row["to_name"] = receiver(book, row["to_account"]) or OTHER
    if not viewer.is_registry and row["from_account"] not in own:
        # the receiver of a transfer or reservation sees who sent it, not from which account
        row["from_name"] = holder_name(book, row["from_account"])
        row["from_account"] = None
    return Transaction(**row)
