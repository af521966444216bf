"""The journal: a plan becomes history entries, and the books move with it.

For a credit transaction: the accounts and class it opens (reference entries of their own), then
its postings (net per account and class, in key order, each with the balance after it), its
serial blocks (minted, or taken lowest first from the source and merged into the destination)
with their block events, and its header, whose hash chains to the previous entry.

Here, where postings are made, every rule the planner checks is asserted again (TigerBeetle's
habit: a rule deleted from the planner still fails loudly where the credits move, and nothing
is written): each class sums to zero; no balance outside an issuance account goes below zero;
nothing leaves a retirement or cancellation account; only an issuance mints, and only from its
issuance account; a pending account changes only by the reserve, post or void of its own
reservation, and a reservation resolves once, wholly; a reversal never exceeds what is left of
what it reverses; the serial pieces moved sum to the quantity moved. A failure here is a bug.
`tests/ledger/test_rules.py` feeds the journal forged plans, and `tests/mutations/run.py` breaks
the planner's rules one at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from offset.common.fiscal import fiscal_year
from offset.ledger import names
from offset.ledger.blocks import Block, Note, place_into, take_chosen, take_from, total
from offset.ledger.books import Books
from offset.ledger.chain import FORMAT, entry_hash
from offset.ledger.operations import canonical_json, content_hash
from offset.ledger.planning import FINAL_KINDS, REVERSIBLE, ReferencePlan, TxPlan, When
from offset.ledger.rows import (
    AccountRow,
    Balance,
    ClassRow,
    Event,
    Head,
    Header,
    PartyRow,
    Posting,
    TitleRow,
    TxRecord,
)
from offset.ledger.schema import INSTRUMENTS


def record(books: Books, plan: TxPlan | ReferencePlan, when: When) -> int:
    """Record `plan` in the books; returns the sequence number of its (last) entry."""
    if isinstance(plan, ReferencePlan):
        return _record_reference(books, plan, when)
    return _record_tx(books, plan, when)


EPOCH = dt.date(1990, 1, 1)  # the first vintage the ledger knows


def genesis(books: Books, when: When, ledger_id: str) -> None:
    """The first entries of a ledger: its identity and instruments, and the registry's party.
    They are dated at the epoch, like every reference entry at the head (their time of
    recording is real), so that no date rule depends on when the ledger was made."""
    _entry(
        books,
        "genesis",
        {"op": "genesis", "format": FORMAT, "ledger": ledger_id, "instruments": INSTRUMENTS},
        when,
    )
    for name, transferable in INSTRUMENTS.items():
        books.instruments.set(name, transferable)
    _party(books, PartyRow(names.REGISTRY, "registry", names.REGISTRY), when)


# --- reference entries ----------------------------------------------------------------------


def party_change(party: PartyRow) -> dict[str, Any]:
    return {
        "op": "party",
        "party": party.id,
        "kind": party.kind,
        "name": party.name,
        "jis_code": party.jis_code,
        "prefecture": party.prefecture,
    }


def account_change(account: AccountRow) -> dict[str, Any]:
    return {
        "op": "account",
        "account": account.id,
        "party": account.party,
        "kind": account.kind,
        "status": account.status,
    }


def status_change(account: AccountRow) -> dict[str, Any]:
    return {"op": "account_status", "account": account.id, "status": account.status}


def class_change(credit: ClassRow) -> dict[str, Any]:
    return {
        "op": "class",
        "class_id": credit.id,
        "instrument": credit.instrument,
        "project": credit.project,
        "vintage": credit.vintage,
        "methodology": credit.methodology,
    }


def title_change(title: TitleRow) -> dict[str, Any]:
    return {
        "op": "describe",
        "subject": title.subject,
        "name": title.name,
        "title": title.title,
        "place_code": title.place_code,
        "place_name": title.place_name,
    }


def _party(books: Books, party: PartyRow, when: When) -> int:
    books.parties.set(party.id, party)
    return _entry(books, "party", party_change(party), when)


def _account(books: Books, account: AccountRow, when: When) -> int:
    books.accounts.set(account.id, account)
    return _entry(books, "account", account_change(account), when, to_account=account.id)


def _record_reference(books: Books, plan: ReferencePlan, when: When) -> int:
    seq = books.head.seq
    if plan.party is not None:
        seq = _party(books, plan.party, when)
    if plan.account is not None and plan.status_of is not None:
        books.accounts.set(plan.account.id, plan.account)
        seq = _entry(
            books, "account_status", status_change(plan.account), when, to_account=plan.account.id
        )
    elif plan.account is not None:
        seq = _account(books, plan.account, when)
    if plan.title is not None:
        books.titles.set((plan.title.subject, plan.title.name), plan.title)
        seq = _entry(books, "describe", title_change(plan.title), when)
    return seq


def _entry(
    books: Books,
    kind: str,
    change: dict[str, Any],
    when: When,
    *,
    to_account: str | None = None,
    class_id: int | None = None,
) -> int:
    """A reference entry: the change as canonical JSON, dated at the head. Its time of recording
    is real, but it moves no credit, so it does not move the ledger's date either: a history of
    earlier years can still be written after the accounts it needs are opened."""
    operation = canonical_json(change)
    head = books.head
    effective = head.effective or EPOCH
    header = Header(
        seq=head.seq + 1,
        id=None,
        kind=kind,
        effective_date=effective,
        fiscal_year=fiscal_year(effective),
        recorded_at=when.recorded,
        memo="",
        agreement=None,
        reverses=None,
        resolves=None,
        class_id=class_id,
        quantity=0,
        buffer=0,
        from_account=None,
        to_account=to_account,
        beneficiary=None,
        reason=None,
        claim_period=None,
        source=None,
        purpose=None,
        offset_target=None,
        offset_place=None,
        claim_fy=None,
        rule_override=None,
        content_hash=content_hash(operation),
        operation=operation,
        prev_hash=head.hash,
        hash="",
    )
    return _append(books, header, (), ())


def _append(
    books: Books, header: Header, postings: tuple[Posting, ...], events: tuple[Event, ...]
) -> int:
    digest = entry_hash(header.prev_hash, header, postings, events)
    books.headers.append((*header[:-1], digest))  # a plain tuple: see rows.HeaderRow
    books.postings += postings
    books.events += events
    books.head = Head(header.seq, digest, header.effective_date)
    return header.seq


# --- credit transactions --------------------------------------------------------------------


def _record_tx(books: Books, plan: TxPlan, when: When) -> int:
    for account in plan.opens:
        _account(books, account, when)
    credit = plan.credit
    if plan.new_class:
        books.classes.set((credit.project, credit.vintage), credit)
        vintages = {*books.vintages.get(credit.project), credit.vintage}
        books.vintages.set(credit.project, tuple(sorted(vintages)))
        books.counters.set("class_id", credit.id + 1)
        _entry(books, "class", class_change(credit), when, class_id=credit.id)
        creator = books.account(plan.to_account) if plan.to_account else None
        books.origins.set(credit.id, creator.party if creator else None)
    _assert_rules(books, plan)
    head = books.head
    postings = _post(books, plan, head.seq + 1)
    events = _move_serials(books, plan, head.seq + 1)
    op = plan.op
    header = Header(
        seq=head.seq + 1,
        id=op.id,
        kind=plan.kind,
        effective_date=plan.effective,
        fiscal_year=fiscal_year(plan.effective),
        recorded_at=when.recorded,
        memo=op.memo,
        agreement=op.agreement,
        reverses=plan.reverses,
        resolves=plan.resolves,
        class_id=credit.id,
        quantity=plan.quantity,
        buffer=plan.buffer,
        from_account=plan.from_account,
        to_account=plan.to_account,
        beneficiary=plan.beneficiary,
        reason=plan.reason,
        claim_period=plan.claim_period,
        source=plan.source,
        purpose=plan.purpose,
        offset_target=plan.offset_target,
        offset_place=plan.offset_place,
        claim_fy=plan.claim_fy,
        rule_override=plan.rule_override,
        content_hash=plan.content_hash,
        operation=plan.content,
        prev_hash=head.hash,
        hash="",
    )
    seq = _append(books, header, postings, events)
    books.transactions.set(
        op.id,
        TxRecord(
            seq,
            op.id,
            plan.kind,
            credit.id,
            credit.project,
            credit.vintage,
            plan.quantity,
            plan.from_account,
            plan.to_account,
            plan.buffer,
            plan.content_hash,
        ),
    )
    if plan.reverses is not None:
        books.reversed.set(plan.reverses, books.reversed.get(plan.reverses) + plan.quantity)
    if plan.resolves is not None:
        books.resolved.set(plan.resolves, True)
    return seq


def _post(books: Books, plan: TxPlan, seq: int) -> tuple[Posting, ...]:
    """Postings net per account (a plan moves one class), in account order, each with the
    balance after it."""
    class_id = plan.credit.id
    net: dict[str, int] = {}
    for move in plan.moves:
        net[move.source] = net.get(move.source, 0) - move.quantity
        net[move.destination] = net.get(move.destination, 0) + move.quantity
    assert sum(net.values()) == 0, f"unbalanced postings: {net}"
    balances = books.balances
    postings = []
    for account in sorted(net):
        amount = net[account]
        if amount == 0:
            continue
        key = (account, class_id)
        before = balances.get(key)
        after = Balance(before.quantity + amount, before.version + 1)
        if after.quantity < 0:
            holder = books.account(account)
            assert holder is not None, account
            assert holder.kind == "issuance", f"{account} below zero"
        balances.set(key, after)
        postings.append((seq, account, class_id, amount, after.quantity))
    return tuple(postings)


def _move_serials(books: Books, plan: TxPlan, seq: int) -> tuple[Event, ...]:
    events: list[Event] = []
    for move in plan.moves:
        pieces: list[Block]
        c = move.class_id
        if move.minted:  # the next serials of the class, created here
            start = books.next_serial.get(move.class_id)
            books.next_serial.set(move.class_id, start + move.quantity)
            books.counters.set("minted", books.counters.get("minted") + move.quantity)
            pieces, source = [Block(start, start + move.quantity)], None
        elif move.chosen is not None:  # the serials the holder picked (the planner checked them)
            held, note = books.holding((move.source, c))
            pieces, source = take_chosen(held, move.chosen, note), move.source
        else:
            pieces = take_from(*_with(books.holding((move.source, c)), move.quantity))
            source = move.source
        assert total(pieces) == move.quantity, f"serials moved: {pieces}, not {move.quantity}"
        held, note = books.holding((move.destination, c))
        place_into(held, pieces, note)
        to = move.destination
        events += [(seq, c, start, stop, source, to) for start, stop in pieces]
    return tuple(events)


# --- the planner's rules, asserted where the credits move --------------------------------------


def _kind(books: Books, account_id: str) -> str:
    account = books.account(account_id)
    assert account is not None, f"a move names {account_id}, which is not open"
    return account.kind


def _assert_rules(books: Books, plan: TxPlan) -> None:
    """Every rule the planner checked for `plan`, asserted before the books move (the accounts
    the plan opens are in the books by now)."""
    tx = plan.op.id
    assert plan.moves, f"{tx}: moves nothing"
    for move in plan.moves:
        source, destination = _kind(books, move.source), _kind(books, move.destination)
        assert move.quantity > 0, f"{tx}: moves {move.quantity}"
        assert move.class_id == plan.credit.id, f"{tx}: moves another class"
        assert move.source != move.destination, f"{tx}: moves {move.source} to itself"
        assert source not in FINAL_KINDS, f"{tx}: credits leave {move.source}, a {source} account"
        assert move.minted == (source == "issuance"), f"{tx}: {move.source} mints"
        assert plan.kind == "issue" or not move.minted, f"{tx}: a {plan.kind} mints"
        assert destination != "issuance" or plan.kind == "reverse", f"{tx}: into {destination}"
        if "pending" in (source, destination):
            _assert_pending(books, plan, move.source, move.destination, destination)
    moved = sum(move.quantity for move in plan.moves)
    if plan.resolves is not None:
        _assert_resolution(books, plan, moved)
    else:
        assert moved == plan.quantity, f"{tx}: moves {moved}, records {plan.quantity}"
    assert (plan.kind == "reverse") == (plan.reverses is not None), f"{tx}: reverses"
    if plan.reverses is not None:
        _assert_reversal(books, plan)


def _assert_pending(
    books: Books, plan: TxPlan, source: str, destination: str, destination_kind: str
) -> None:
    """A pending account changes only by the reserve, post or void of its own reservation."""
    tx = plan.op.id
    if plan.kind == "reserve":
        assert plan.from_account is not None
        owner = books.account(plan.from_account)
        assert owner is not None
        assert (source, destination) == (plan.from_account, names.pending_account(owner.party)), (
            f"{tx}: a reservation moves {source} to {destination}"
        )
        return
    assert plan.kind in ("post", "void"), (
        f"{tx}: a {plan.kind} moves credits of a pending account ({source} to {destination})"
    )
    assert plan.resolves is not None, f"{tx}: a {plan.kind} of no reservation"
    reservation = books.transaction(plan.resolves)
    assert reservation is not None, f"{tx}: {plan.resolves} is not recorded"
    assert reservation.from_account is not None
    owner = books.account(reservation.from_account)
    assert owner is not None
    assert source == names.pending_account(owner.party), f"{tx}: takes from {source}"
    assert destination_kind != "pending", f"{tx}: into another pending account"


def _assert_resolution(books: Books, plan: TxPlan, moved: int) -> None:
    """A reservation resolves once, and wholly: what leaves its pending account is what it
    reserved; a post never delivers more."""
    tx, reservation_id = plan.op.id, plan.resolves
    assert reservation_id is not None
    assert plan.kind in ("post", "void"), f"{tx}: a {plan.kind} resolves a reservation"
    assert not books.resolved.get(reservation_id), f"{tx}: {reservation_id} resolved already"
    reservation = books.transaction(reservation_id)
    assert reservation is not None, f"{tx}: {reservation_id} is not recorded"
    assert reservation.kind == "reserve", f"{tx}: resolves a {reservation.kind}"
    assert moved == reservation.quantity, f"{tx}: moves {moved} of {reservation.quantity}"
    assert plan.quantity <= reservation.quantity, f"{tx}: {plan.quantity} of {moved}"


def _assert_reversal(books: Books, plan: TxPlan) -> None:
    """A reversal takes back no more than is left of what it reverses, the way it came."""
    tx, of = plan.op.id, plan.reverses
    assert of is not None
    original = books.transaction(of)
    assert original is not None, f"{tx}: {of} is not recorded"
    assert original.kind in REVERSIBLE, f"{tx}: reverses a {original.kind}"
    reversible = original.quantity - (original.buffer if original.kind == "issue" else 0)
    done = books.reversed.get(of)
    assert done + plan.quantity <= reversible, f"{tx}: {done} + {plan.quantity} of {reversible}"
    assert all(move.destination == original.from_account for move in plan.moves), (
        f"{tx}: credits do not go back to {original.from_account}"
    )


def _with(holding: tuple[list[Block], Note], quantity: int) -> tuple[list[Block], int, Note]:
    held, note = holding
    return held, quantity, note


def recorded_now() -> dt.datetime:
    """A recorded time as the chain keeps it: UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC)
