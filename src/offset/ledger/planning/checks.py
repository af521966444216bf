"""The one-line guards every credit planner is a flat run of: an account usable for a move, a
credit class that exists, an instrument that may be transferred, a balance that covers the
quantity, the serials a holder picked; and the accounts the ledger opens itself. Each raises
`Rejected` with its code.
"""

from __future__ import annotations

from offset.ledger.blocks import Block, from_text, holds, total
from offset.ledger.books import Books
from offset.ledger.codes import Rejected
from offset.ledger.planning.plans import FINAL_KINDS
from offset.ledger.rows import AccountRow, ClassRow, TxRecord


def usable(books: Books, account_id: str, kinds: frozenset[str]) -> AccountRow:
    account = books.account(account_id)
    if account is None:
        raise Rejected("unknown_account", account_id, subject=account_id)
    if account.status != "open":
        raise Rejected("account_closed", f"{account_id} is {account.status}", subject=account_id)
    if account.kind in FINAL_KINDS - kinds:
        raise Rejected("retired_credits", account_id, subject=account_id)
    if account.kind not in kinds:
        raise Rejected(
            "wrong_account_kind", f"{account_id} is a {account.kind} account", subject=account_id
        )
    return account


def issued_class(books: Books, project: str, vintage: int) -> ClassRow:
    credit = books.credit_class(project, vintage)
    if credit is None:
        raise Rejected("unknown_class", f"{project} {vintage}")
    return credit


def require_transferable(books: Books, credit: ClassRow) -> None:
    if not books.transferable(credit.instrument):
        raise Rejected(
            "non_transferable", f"{credit.instrument} ({credit.project} {credit.vintage})"
        )


def require_balance(books: Books, account: str, credit: ClassRow, quantity: int) -> None:
    held = books.balance(account, credit.id)
    if held < quantity:
        raise Rejected(
            "insufficient_balance", f"{account} holds {held}, needs {quantity}", subject=account
        )


def system_account(
    books: Books, account_id: str, party: str, kind: str, opens: list[AccountRow]
) -> str:
    """An account the ledger opens itself, opened by this plan if it does not exist yet."""
    if books.account(account_id) is None and all(a.id != account_id for a in opens):
        opens.append(AccountRow(account_id, party, kind))
    return account_id


def chosen_serials(
    books: Books, account: str, credit: ClassRow, quantity: int, serials: tuple[str, ...] | None
) -> tuple[Block, ...] | None:
    """The serials a holder picked (inclusive ranges as printed), all held by `account` and
    adding up to `quantity`; None: the lowest it holds."""
    if serials is None:
        return None
    chosen = from_text(serials)
    if chosen is None or total(chosen) != quantity:
        raise Rejected("serials_quantity", f"{', '.join(serials)} for {quantity}")
    if not holds(books.holdings.get((account, credit.id)), chosen):
        raise Rejected("serials_not_held", f"{account}: {', '.join(serials)}", subject=account)
    return tuple(chosen)


def class_of(books: Books, record: TxRecord) -> ClassRow:
    credit = books.credit_class(record.project, record.vintage)
    assert credit is not None, f"{record.id}: unknown class"
    assert credit.id == record.class_id, f"{record.id}: another class"
    return credit
