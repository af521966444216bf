"""Planning: one pure function per operation, checking its rules against the books.

A planner reads the books (`books.Books`: the database as this batch left it) and returns what
the operation will record, or raises `Rejected` with its code. It changes nothing: the journal
records a plan, so a rejected operation leaves the books exactly as they were, and a plan sees
every earlier operation of its batch whatever was written when.

The rules that keep credits conserved hold whatever an account is called: an account's kind
decides what may leave it, and kinds are fixed when an account is opened (`names.py` decides
who may open what).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from offset.ledger import names, uses
from offset.ledger import operations as ops
from offset.ledger.blocks import Block, from_text, holds, total
from offset.ledger.books import Books
from offset.ledger.codes import ABOUT_ACCOUNTS, EXISTS, Rejected
from offset.ledger.rows import AccountRow, ClassRow, PartyRow, TxRecord

MAX_CLASS_SERIALS: Final = 10**15  # serials ever minted in one class
MAX_LEDGER_SERIALS: Final = 10**18  # over all classes: every SQL sum stays below 2**63
FUTURE: Final = dt.timedelta(
    days=1
)  # an effective date may be tomorrow (a caller a time zone ahead)
FINAL_KINDS: Final = frozenset({"retirement", "cancellation"})
MOVABLE_FROM: Final = frozenset({"holding", "buffer"})
HOLDING: Final = frozenset({"holding"})
REVERSIBLE: Final = frozenset({"issue", "transfer"})
FINAL_KINDS_OF_TX: Final = frozenset({"retire", "cancel"})  # their credits never move again


@dataclass(frozen=True)
class When:
    """The day operations are applied, the time they are recorded, and on whose behalf: a
    party (an API caller) may move credits from its own accounts only, and hears of another
    party's accounts only that they are not its to use; None is the ledger's operator."""

    today: dt.date
    recorded: dt.datetime
    party: str | None = None

    @property
    def latest(self) -> dt.date:
        """The latest effective date an operation may take."""
        return self.today + FUTURE


class Move(NamedTuple):
    """`quantity` credits of one class from one account to another. A minted move creates
    the next serials of the class (its source is the issuance account)."""

    source: str
    destination: str
    class_id: int
    quantity: int
    minted: bool = False
    chosen: tuple[Block, ...] | None = None  # the serials the holder picked; None: the lowest


class TxPlan(NamedTuple):
    """A credit transaction ready to record, with the accounts and class it opens first."""

    op: ops.TxOperation
    content: str
    content_hash: str
    effective: dt.date
    kind: str
    credit: ClassRow
    quantity: int
    moves: tuple[Move, ...]
    from_account: str | None
    to_account: str | None
    beneficiary: str | None = None
    reason: str | None = None
    claim_period: str | None = None
    purpose: str | None = None
    offset_target: str | None = None
    offset_place: str | None = None
    claim_fy: int | None = None
    rule_override: str | None = None
    reverses: str | None = None
    resolves: str | None = None
    buffer: int = 0
    source: str | None = None
    opens: tuple[AccountRow, ...] = ()
    new_class: bool = False  # the first issuance of its class opens it


@dataclass(frozen=True)
class ReferencePlan:
    """A change of reference data (a party, an account, its status), chained on its own."""

    party: PartyRow | None = None
    account: AccountRow | None = None
    status_of: AccountRow | None = None  # the account whose status changes (`account` holds it)


@dataclass(frozen=True)
class Unchanged:
    """Recorded before with the same content (`exists`): nothing to do."""

    status: str
    seq: int | None = None


Plan = TxPlan | ReferencePlan | Unchanged


@dataclass
class _Draft:
    """What a credit planner works out; `_tx` completes it into a TxPlan."""

    kind: str
    credit: ClassRow
    quantity: int
    moves: list[Move]
    from_account: str | None
    to_account: str | None
    opens: list[AccountRow] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# --- accounts and classes -------------------------------------------------------------------


def _usable(books: Books, account_id: str, kinds: frozenset[str]) -> AccountRow:
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


def _credit(books: Books, project: str, vintage: int) -> ClassRow:
    credit = books.credit_class(project, vintage)
    if credit is None:
        raise Rejected("unknown_class", f"{project} {vintage}")
    return credit


def _transferable(books: Books, credit: ClassRow) -> None:
    if not books.transferable(credit.instrument):
        raise Rejected(
            "non_transferable", f"{credit.instrument} ({credit.project} {credit.vintage})"
        )


def _require(books: Books, account: str, credit: ClassRow, quantity: int) -> None:
    held = books.balance(account, credit.id)
    if held < quantity:
        raise Rejected(
            "insufficient_balance", f"{account} holds {held}, needs {quantity}", subject=account
        )


def _system(books: Books, account_id: str, party: str, kind: str, opens: list[AccountRow]) -> str:
    """An account the ledger opens itself, opened by this plan if it does not exist yet."""
    if books.account(account_id) is None and all(a.id != account_id for a in opens):
        opens.append(AccountRow(account_id, party, kind))
    return account_id


# --- credit operations ----------------------------------------------------------------------


def _issue(books: Books, op: ops.Issue) -> _Draft:
    holder = _usable(books, op.to, HOLDING)
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
    issuance = _system(books, names.issuance_account(op.project), names.REGISTRY, "issuance", opens)
    moves = []
    if op.quantity > op.buffer:
        moves.append(Move(issuance, holder.id, credit.id, op.quantity - op.buffer, minted=True))
    if op.buffer:
        if op.buffer_account is None:
            buffer = names.buffer_account(op.instrument)
            _system(books, buffer, names.REGISTRY, "buffer", opens)
        else:
            buffer = _usable(books, op.buffer_account, frozenset({"buffer"})).id
        moves.append(Move(issuance, buffer, credit.id, op.buffer, minted=True))
    draft = _Draft("issue", credit, op.quantity, moves, issuance, holder.id, opens)
    draft.extra = {"buffer": op.buffer, "source": _source(op), "new_class": new}
    return draft


def _source(op: ops.Issue) -> str | None:
    return None if op.source is None else ops.canonical_json(op.source)


def _transfer(books: Books, op: ops.Transfer) -> _Draft:
    # The source's own checks first, the destination's last: a party learns of another's
    # account (and of a class's instrument) only what a transfer it could make shows.
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = _usable(books, op.from_, MOVABLE_FROM)
    credit = _credit(books, op.project, op.vintage)
    _require(books, source.id, credit, op.quantity)
    _transferable(books, credit)
    destination = _usable(books, op.to, MOVABLE_FROM)
    chosen = _chosen(books, source.id, credit, op.quantity, op.serials)
    move = Move(source.id, destination.id, credit.id, op.quantity, chosen=chosen)
    return _Draft("transfer", credit, op.quantity, [move], source.id, destination.id)


def _retire(books: Books, op: ops.Retire) -> _Draft:
    source = _usable(books, op.from_, HOLDING)
    credit = _credit(books, op.project, op.vintage)
    _require(books, source.id, credit, op.quantity)
    opens: list[AccountRow] = []
    retirement = _system(
        books, names.retirement_account(source.party), source.party, "retirement", opens
    )
    chosen = _chosen(books, source.id, credit, op.quantity, op.serials)
    move = Move(source.id, retirement, credit.id, op.quantity, chosen=chosen)
    draft = _Draft("retire", credit, op.quantity, [move], source.id, retirement, opens)
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


def _chosen(
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


def _use(
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


def _cancel(books: Books, op: ops.Cancel) -> _Draft:
    source = _usable(books, op.from_, MOVABLE_FROM)
    credit = _credit(books, op.project, op.vintage)
    _require(books, source.id, credit, op.quantity)
    opens: list[AccountRow] = []
    cancellation = _system(
        books, names.cancellation_account(op.reason), names.REGISTRY, "cancellation", opens
    )
    move = Move(source.id, cancellation, credit.id, op.quantity)
    draft = _Draft("cancel", credit, op.quantity, [move], source.id, cancellation, opens)
    draft.extra = {"reason": op.reason}
    return draft


def _reserve(books: Books, op: ops.Reserve) -> _Draft:
    if op.from_ == op.to:
        raise Rejected("same_account", op.to)
    source = _usable(books, op.from_, HOLDING)
    credit = _credit(books, op.project, op.vintage)
    _require(books, source.id, credit, op.quantity)
    _transferable(books, credit)
    destination = _usable(books, op.to, HOLDING)
    opens: list[AccountRow] = []
    pending = _system(books, names.pending_account(source.party), source.party, "pending", opens)
    move = Move(source.id, pending, credit.id, op.quantity)
    return _Draft("reserve", credit, op.quantity, [move], source.id, destination.id, opens)


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
    return reserve, _class_of(books, reserve), names.pending_account(source.party)


def _class_of(books: Books, record: TxRecord) -> ClassRow:
    credit = books.credit_class(record.project, record.vintage)
    assert credit is not None, f"{record.id}: unknown class"
    assert credit.id == record.class_id, f"{record.id}: another class"
    return credit


def _post(books: Books, op: ops.Post) -> _Draft:
    reserve, credit, pending = _reservation(books, op.reservation)
    quantity = reserve.quantity if op.quantity is None else op.quantity
    if quantity > reserve.quantity:
        raise Rejected("exceeds_reservation", f"reserved {reserve.quantity}, posting {quantity}")
    assert reserve.to_account is not None
    assert reserve.from_account is not None
    destination = _usable(books, reserve.to_account, HOLDING)
    moves = [Move(pending, destination.id, credit.id, quantity)]
    if reserve.quantity > quantity:  # the rest returns to the source
        source = _usable(books, reserve.from_account, HOLDING)
        moves.append(Move(pending, source.id, credit.id, reserve.quantity - quantity))
    draft = _Draft("post", credit, quantity, moves, reserve.from_account, destination.id)
    draft.extra = {"resolves": op.reservation}
    return draft


def _void(books: Books, op: ops.Void) -> _Draft:
    reserve, credit, pending = _reservation(books, op.reservation)
    assert reserve.from_account is not None
    source = _usable(books, reserve.from_account, HOLDING)
    move = Move(pending, source.id, credit.id, reserve.quantity)
    draft = _Draft("void", credit, reserve.quantity, [move], pending, source.id)
    draft.extra = {"resolves": op.reservation}
    return draft


def _reverse(books: Books, op: ops.Reverse) -> _Draft:
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
        source = _usable(books, original.to_account, HOLDING)
        destination = original.from_account  # the issuance account takes its serials back
    else:
        reversible = original.quantity
        source = _usable(books, original.to_account, MOVABLE_FROM)
        destination = _usable(books, original.from_account, MOVABLE_FROM).id
    remaining = reversible - books.reversed.get(op.of)
    if remaining <= 0:
        raise Rejected("already_reversed", op.of)
    quantity = remaining if op.quantity is None else op.quantity
    if quantity > remaining:
        raise Rejected("exceeds_original", f"{remaining} left to reverse, asked {quantity}")
    credit = _class_of(books, original)
    _require(books, source.id, credit, quantity)
    move = Move(source.id, destination, credit.id, quantity)
    draft = _Draft("reverse", credit, quantity, [move], source.id, destination)
    draft.extra = {"reverses": op.of}
    return draft


CREDIT_PLANNERS: dict[type[Any], Callable[[Books, Any], _Draft]] = {
    ops.Issue: _issue,
    ops.Transfer: _transfer,
    ops.Retire: _retire,
    ops.Cancel: _cancel,
    ops.Reserve: _reserve,
    ops.Post: _post,
    ops.Void: _void,
    ops.Reverse: _reverse,
}


def _acting_for(books: Books, op: ops.TxOperation, party: str) -> None:
    """A party's operations take credits from its own accounts, or from its own reservations
    (their ids are the party's: the API prefixes them), and issue nothing."""
    if isinstance(op, ops.Issue | ops.Reverse):
        raise Rejected("not_permitted", f"{op.op} on behalf of {party}")
    source = getattr(op, "from_", None)
    if source is not None:
        account = books.account(source)
        if account is None or account.party != party:
            raise Rejected("unknown_account", subject=source)


def masked(books: Books, rejected: Rejected, party: str | None) -> Rejected:
    """A refusal as `party` may hear it: about another party's account (or one that does not
    exist), only that it is not the party's to use."""
    subject = rejected.subject
    if party is None or subject is None or rejected.code not in ABOUT_ACCOUNTS:
        return rejected
    account = books.account(subject)
    if account is not None and account.party == party:
        return rejected
    return Rejected("unknown_account", subject=subject)  # as for one that is not there


def _tx(books: Books, op: ops.TxOperation, when: When) -> Plan:
    """Idempotency and the date rule, then the operation's own planner."""
    content = ops.canonical(op)
    content_hash = ops.content_hash(content)
    earlier = books.transaction(op.id)
    if earlier is not None:
        if earlier.content_hash == content_hash:
            return Unchanged(EXISTS, earlier.seq)
        raise Rejected("id_reused", op.id, subject=op.id)
    latest = books.head.effective
    effective = op.effective_date or max(when.today, latest or when.today)
    if op.effective_date is None and latest is not None and latest > when.latest:
        raise Rejected("backdated", f"today, {when.today}, is before {latest}")
    if effective > when.latest:
        raise Rejected("future_date", f"{effective} is after {when.today}")
    if books.head.effective is not None and effective < books.head.effective:
        raise Rejected("backdated", f"{effective} is before {books.head.effective}")
    if when.party is not None:
        _acting_for(books, op, when.party)
    draft = CREDIT_PLANNERS[type(op)](books, op)
    if isinstance(op, ops.Retire):  # its use is checked on the day it takes effect
        _use(books, op, draft.credit, effective, when.party)
    return TxPlan(
        op=op,
        content=content,
        content_hash=content_hash,
        effective=effective,
        kind=draft.kind,
        credit=draft.credit,
        quantity=draft.quantity,
        moves=tuple(draft.moves),
        from_account=draft.from_account,
        to_account=draft.to_account,
        opens=tuple(draft.opens),
        **draft.extra,
    )


# --- reference data -------------------------------------------------------------------------


def _open_party(books: Books, op: ops.OpenParty, when: When) -> Plan:
    if op.party in names.RESERVED_PARTIES and (op.party, op.kind) != (names.REGISTRY, "registry"):
        raise Rejected("reserved_name", f"{op.party} is a name of the ledger's own")
    wanted = PartyRow(op.party, op.kind, op.name, op.jis_code, op.prefecture)
    existing = books.party(op.party)
    if existing == wanted:
        return Unchanged(EXISTS)
    # A party opened on first use (by open_account) may be described once; the registry, whose
    # party the ledger opens itself, whenever its operator likes.
    describable = existing is None or existing.kind == "unspecified" or op.party == names.REGISTRY
    if not describable:
        raise Rejected("id_reused", f"party {op.party} exists with other details")
    return ReferencePlan(party=wanted)


def _open_account(books: Books, op: ops.OpenAccount, when: When) -> Plan:
    problem = names.openable_problem(op.account, op.party, op.kind)
    if problem is not None:
        raise Rejected(problem[0], problem[1], subject=op.account)
    existing = books.account(op.account)
    if existing is not None:
        if (existing.party, existing.kind) == (op.party, op.kind):
            return Unchanged(EXISTS)
        raise Rejected(
            "account_exists", f"{op.account} belongs to {existing.party} as {existing.kind}"
        )
    party = None if books.party(op.party) else PartyRow(op.party, "unspecified")
    return ReferencePlan(party=party, account=AccountRow(op.account, op.party, op.kind))


def _account_status(books: Books, op: ops.AccountStatus, when: When) -> Plan:
    account = books.account(op.account)
    if account is None:
        raise Rejected("unknown_account", op.account, subject=op.account)
    if account.status == op.status:
        return Unchanged(EXISTS)
    changed = AccountRow(account.id, account.party, account.kind, op.status)
    return ReferencePlan(account=changed, status_of=account)


PLANNERS: dict[type[Any], Callable[[Books, Any, When], Plan]] = {
    ops.OpenParty: _open_party,
    ops.OpenAccount: _open_account,
    ops.AccountStatus: _account_status,
    **dict.fromkeys(CREDIT_PLANNERS, _tx),
}
assert set(PLANNERS) == set(ops.OPERATION_TYPES), "every operation has its planner"


def plan(books: Books, op: ops.Operation, when: When) -> Plan:
    """The one dispatch from an operation to its planner. Parties and accounts are opened,
    and their status changed, by the ledger's operator only."""
    if when.party is not None and not isinstance(op, ops.TX_TYPES):
        raise Rejected("not_permitted", f"{op.op} on behalf of {when.party}")
    return PLANNERS[type(op)](books, op, when)
