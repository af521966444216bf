"""The credit operations' planners, one pure function each: issue, transfer, retire (with its
use rules), cancel, reserve, post, void and reverse. Each reads the books and returns a `Draft`
(what `transactions.py` completes into a plan), or raises `Rejected`; `CREDIT_PLANNERS` is
their list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from offset.ledger import names, uses
from offset.ledger import operations as ops
from offset.ledger.books import Books
from offset.ledger.codes import Rejected
from offset.ledger.planning.checks import (
    chosen_serials,
    class_of,
    issued_class,
    require_balance,
    require_transferable,
    system_account,
    usable,
)
from offset.ledger.planning.plans import (
    FINAL_KINDS_OF_TX,
    HOLDING,
    MAX_CLASS_SERIALS,
    MAX_LEDGER_SERIALS,
    MOVABLE_FROM,
    REVERSIBLE,
    Draft,
    Move,
)
from offset.ledger.rows import AccountRow, ClassRow, TxRecord


def _issue(books: Books, op: ops.Issue) -> Draft:
    holder = usable(books, op.to, HOLDING)
    if books.transferable(op.instrument) is None:
        raise Rejected("unknown_instrument", op.instrument)
    if op.buffer > op.quantity:
        raise Rejected("invalid_operation", "buffer is larger than the quantity")
    credit = books.credit_class(op.project, op.vintage)
    new = credit is None
    if credit is None:
        class_id = books.counters.get("class_id")
        credit = ClassRow(class_id, op.instrument, op.project, op.vintage, op.methodology)
    # A later issuance may omit the methodology, but may not name another one.
    other_methodology = bool(
        op.methodology and credit.methodology and op.methodology != credit.methodology
    )
    if credit.instrument != op.instrument or other_methodology:
        raise Rejected(
            "class_mismatch",
            f"{op.project} {op.vintage} is {credit.instrument} {credit.methodology or ''}".strip(),
        )
    minted = books.next_serial.get(credit.id)
    if (
        minted + op.quantity > MAX_CLASS_SERIALS
        or books.counters.get("minted") + op.quantity > MAX_LEDGER_SERIALS
    ):
        raise Rejected("quantity_too_large", f"{minted:,} of the class minted already")
    opens: list[AccountRow] = []
    issuance = system_account(
        books, names.issuance_account(op.project), names.REGISTRY, "issuance", opens
    )
    moves = []
    if op.quantity > op.buffer:
        moves.append(Move(issuance, holder.id, credit.id, op.quantity - op.buffer, minted=True))
    if op.buffer:
        if op.buffer_account is None:
            buffer = names.buffer_account(op.instrument)
            system_account(books, buffer, names.REGISTRY, "buffer", opens)
        else:
            buffer = usable(books, op.buffer_account, frozenset({"buffer"})).id
        moves.append(Move(issuance, buffer, credit.id, op.buffer, minted=True))
    draft = Draft("issue", credit, op.quantity, moves, issuance, holder.id, opens)
    draft.extra = {"buffer": op.buffer, "source": _source(op), "new_class": new}
    return draft


def _source(op: ops.Issue) -> str | None:
    return None if op.source is None else ops.canonical_json(op.source)


def _transfer(books: Books, op: ops.Transfer) -> Draft:
    # The source's own checks first, the destination's last: a party learns of another's
    # account (and of a class's instrument) only what a transfer it could make shows.
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = usable(books, op.from_, MOVABLE_FROM)
    credit = issued_class(books, op.project, op.vintage)
    require_balance(books, source.id, credit, op.quantity)
    require_transferable(books, credit)
    destination = usable(books, op.to, MOVABLE_FROM)
    chosen = chosen_serials(books, source.id, credit, op.quantity, op.serials)
    move = Move(source.id, destination.id, credit.id, op.quantity, chosen=chosen)
    return Draft("transfer", credit, op.quantity, [move], source.id, destination.id)


def _retire(books: Books, op: ops.Retire) -> Draft:
    source = usable(books, op.from_, HOLDING)
    credit = issued_class(books, op.project, op.vintage)
    require_balance(books, source.id, credit, op.quantity)
    opens: list[AccountRow] = []
    retirement = system_account(
        books, names.retirement_account(source.party), source.party, "retirement", opens
    )
    chosen = chosen_serials(books, source.id, credit, op.quantity, op.serials)
    move = Move(source.id, retirement, credit.id, op.quantity, chosen=chosen)
    draft = Draft("retire", credit, op.quantity, [move], source.id, retirement, opens)
    draft.extra = {
        "beneficiary": op.beneficiary,
        "reason": op.reason,
        "claim_period": op.claim_period,
        "purpose": op.purpose,
        "offset_target": op.offset_target,
        "offset_place": op.offset_place,
        "claim_fy": op.claim_fy,
        "rule_override": op.override,
    }
    return draft


def use_rules(
    books: Books, op: ops.Retire, credit: ClassRow, effective: dt.date, party: str | None
) -> None:
    """A retirement's use rules (`uses.py`); the registry may record an override of rules 2-4."""
    if op.override is not None and party is not None:
        raise Rejected("not_permitted", f"an override of the use rules on behalf of {party}")
    if op.purpose is None:
        if op.claim_fy is not None or op.offset_place is not None:
            raise Rejected("unknown_purpose", "a claim FY or place without a purpose")
        return
    claim = uses.Claim(
        purpose=op.purpose,
        methodology=credit.methodology,
        vintage=credit.vintage,
        retired_on=effective,
        claim_fy=op.claim_fy,
        offset_place=op.offset_place,
        origin_place=books.origin(credit.id),
    )
    refused = uses.refusal(claim)
    if refused is not None and (refused.code == "unknown_purpose" or op.override is None):
        raise refused


def _cancel(books: Books, op: ops.Cancel) -> Draft:
    source = usable(books, op.from_, MOVABLE_FROM)
    credit = issued_class(books, op.project, op.vintage)
    require_balance(books, source.id, credit, op.quantity)
    opens: list[AccountRow] = []
    cancellation = system_account(
        books, names.cancellation_account(op.reason), names.REGISTRY, "cancellation", opens
    )
    move = Move(source.id, cancellation, credit.id, op.quantity)
    draft = Draft("cancel", credit, op.quantity, [move], source.id, cancellation, opens)
    draft.extra = {"reason": op.reason}
    return draft


def _reserve(books: Books, op: ops.Reserve) -> Draft:
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = usable(books, op.from_, HOLDING)
    credit = issued_class(books, op.project, op.vintage)
    require_balance(books, source.id, credit, op.quantity)
    require_transferable(books, credit)
    destination = usable(books, op.to, HOLDING)
    opens: list[AccountRow] = []
    pending = system_account(
        books, names.pending_account(source.party), source.party, "pending", opens
    )
    move = Move(source.id, pending, credit.id, op.quantity)
    return Draft("reserve", credit, op.quantity, [move], source.id, destination.id, opens)


def _reservation(books: Books, reservation_id: str) -> tuple[TxRecord, ClassRow, str]:
    """The reservation, its class and its pending account; it must still be open."""
    reserve = books.transaction(reservation_id)
    if reserve is None:
        raise Rejected("unknown_transaction", reservation_id, subject=reservation_id)
    if reserve.kind != "reserve":
        raise Rejected("not_a_reservation", f"{reservation_id} is a {reserve.kind}")
    if books.resolved.get(reservation_id):
        raise Rejected("reservation_resolved", reservation_id)
    assert reserve.from_account is not None
    source = books.account(reserve.from_account)
    assert source is not None, f"reservation {reservation_id} from an unknown account"
    return reserve, class_of(books, reserve), names.pending_account(source.party)


def _post(books: Books, op: ops.Post) -> Draft:
    reserve, credit, pending = _reservation(books, op.reservation)
    quantity = reserve.quantity if op.quantity is None else op.quantity
    if quantity > reserve.quantity:
        raise Rejected("exceeds_reservation", f"reserved {reserve.quantity}, posting {quantity}")
    assert reserve.to_account is not None
    assert reserve.from_account is not None
    destination = usable(books, reserve.to_account, HOLDING)
    moves = [Move(pending, destination.id, credit.id, quantity)]
    if reserve.quantity > quantity:  # the rest returns to the source
        source = usable(books, reserve.from_account, HOLDING)
        moves.append(Move(pending, source.id, credit.id, reserve.quantity - quantity))
    draft = Draft("post", credit, quantity, moves, reserve.from_account, destination.id)
    draft.extra = {"resolves": op.reservation}
    return draft


def _void(books: Books, op: ops.Void) -> Draft:
    reserve, credit, pending = _reservation(books, op.reservation)
    assert reserve.from_account is not None
    source = usable(books, reserve.from_account, HOLDING)
    move = Move(pending, source.id, credit.id, reserve.quantity)
    draft = Draft("void", credit, reserve.quantity, [move], pending, source.id)
    draft.extra = {"resolves": op.reservation}
    return draft


def _reverse(books: Books, op: ops.Reverse) -> Draft:
    """A correction by a new transaction: credits go back the way they came, under the same
    account rules as the transaction that moved them."""
    original = books.transaction(op.of)
    if original is None:
        raise Rejected("unknown_transaction", op.of, subject=op.of)
    if original.kind in FINAL_KINDS_OF_TX:
        raise Rejected("retired_credits", f"{op.of} is a {original.kind}")
    if original.kind not in REVERSIBLE:
        raise Rejected("not_reversible", f"{op.of} is a {original.kind}")
    assert original.from_account is not None
    assert original.to_account is not None
    if original.kind == "issue":
        reversible = original.quantity - original.buffer  # the holder's part; buffers stay
        source = usable(books, original.to_account, HOLDING)
        destination = original.from_account  # the issuance account takes its serials back
    else:
        reversible = original.quantity
        source = usable(books, original.to_account, MOVABLE_FROM)
        destination = usable(books, original.from_account, MOVABLE_FROM).id
    remaining = reversible - books.reversed.get(op.of)
    if remaining <= 0:
        raise Rejected("already_reversed", op.of)
    quantity = remaining if op.quantity is None else op.quantity
    if quantity > remaining:
        raise Rejected("exceeds_original", f"{remaining} left to reverse, asked {quantity}")
    credit = class_of(books, original)
    require_balance(books, source.id, credit, quantity)
    move = Move(source.id, destination, credit.id, quantity)
    draft = Draft("reverse", credit, quantity, [move], source.id, destination)
    draft.extra = {"reverses": op.of}
    return draft


CREDIT_PLANNERS: dict[type[Any], Callable[[Books, Any], Draft]] = {
    ops.Issue: _issue,
    ops.Transfer: _transfer,
    ops.Retire: _retire,
    ops.Cancel: _cancel,
    ops.Reserve: _reserve,
    ops.Post: _post,
    ops.Void: _void,
    ops.Reverse: _reverse,
}
