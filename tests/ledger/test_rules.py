"""Every ledger rule asserted where postings are made: the journal is fed plans that break one
rule each (as a planner with that rule deleted would make them) and must refuse to record them,
on SQLite and PostgreSQL. Nothing is written: the database transaction is rolled back.

The books hold the issue's lines (Ina issued 120 with 6 to the buffer, sent 50 to Shinjuku,
which retired 20 and got 10 reversed back to Ina: Ina holds 120 - 6 - 50 + 10 = 74, Shinjuku
50 - 20 - 10 = 20), a reservation `r1` of 5 from Ina to Shinjuku (Ina then holds 69, its
pending account 5), and `r0`, a reservation of 3 already posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from offset.ledger import Ledger, journal, planning
from offset.ledger import operations as ops
from offset.ledger.blocks import take_from
from offset.ledger.books import Books, Known
from offset.ledger.planning import Move, TxPlan
from offset.ledger.rows import AccountRow
from offset.ledger.store import Store
from tests.ledger.conftest import ISSUE_LINES, holdings

CLASS: dict[str, Any] = {"project": "ina-forest", "vintage": 2024}
RESERVE: dict[str, Any] = {"op": "reserve", "from": "ina/holding", "to": "shinjuku/holding"}
RESERVE |= CLASS
SETUP = [
    *ISSUE_LINES,
    {**RESERVE, "id": "r0", "quantity": 3},
    {"op": "post", "id": "p0", "reservation": "r0"},
    {**RESERVE, "id": "r1", "quantity": 5},
]


@pytest.fixture
def booked(ledger: Ledger) -> Ledger:
    assert {r.status for r in ledger.apply(SETUP)} == {"ok"}
    assert holdings(ledger)["ina/holding"] == 74 - 3 - 5  # hand-checked above
    assert holdings(ledger)["ina/pending"] == 5
    return ledger


def _books(book: Ledger) -> Iterator[Books]:
    """The books inside a database transaction that is never committed."""
    with book.engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield Books.locked(Store(conn), Known())
        finally:
            transaction.rollback()


def _planned(books: Books, operation: dict[str, Any], when: planning.When) -> TxPlan:
    """What the planner makes of a lawful operation: the forgeries start from it."""
    plan = planning.plan(books, ops.parse(operation), when)
    assert isinstance(plan, TxPlan)
    return plan


def _class_id(books: Books) -> int:
    credit = books.credit_class("ina-forest", 2024)
    assert credit is not None
    return credit.id


TRANSFER: dict[str, Any] = {
    "op": "transfer",
    "id": "x1",
    "from": "ina/holding",
    "to": "shinjuku/holding",
}
TRANSFER |= CLASS | {"quantity": 1}


def _retire_beyond_the_balance(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, {**TRANSFER, "quantity": 1}, when)
    move = plan.moves[0]._replace(destination="shinjuku/retirement", quantity=1_000)
    return plan._replace(kind="retire", moves=(move,), quantity=1_000)


def _transfer_out_of_a_retirement_account(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, TRANSFER, when)
    return plan._replace(moves=(plan.moves[0]._replace(source="shinjuku/retirement"),))


def _cancel_from_a_pending_account(books: Books, when: planning.When) -> TxPlan:
    cancel = {"op": "cancel", "id": "x1", "from": "ina/holding", "reason": "error", **CLASS}
    plan = _planned(books, {**cancel, "quantity": 1}, when)
    return plan._replace(moves=(plan.moves[0]._replace(source="ina/pending"),))


def _transfer_into_a_pending_account(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, TRANSFER, when)
    return plan._replace(moves=(plan.moves[0]._replace(destination="ina/pending"),))


def _reserve_into_another_partys_pending(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, {**RESERVE, "id": "x1", "quantity": 1}, when)
    # shinjuku/pending does not exist yet: the forged plan opens it, as a planner would
    opened = (*plan.opens, AccountRow("shinjuku/pending", "shinjuku", "pending"))
    move = plan.moves[0]._replace(destination="shinjuku/pending")
    return plan._replace(moves=(move,), opens=opened)


def _post_a_reservation_twice(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, {"op": "post", "id": "x1", "reservation": "r1"}, when)
    return plan._replace(resolves="r0", quantity=3, moves=(plan.moves[0]._replace(quantity=3),))


def _post_part_of_a_reservation_keeping_the_rest(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, {"op": "post", "id": "x1", "reservation": "r1", "quantity": 2}, when)
    return plan._replace(moves=plan.moves[:1])  # the 3 not posted stay pending


def _reverse_beyond_the_original(books: Books, when: planning.When) -> TxPlan:
    # t2 moved 50, of which t4 reversed 10: 40 are left to reverse
    plan = _planned(books, {"op": "reverse", "id": "x1", "of": "t2", "quantity": 1}, when)
    return plan._replace(quantity=41, moves=(plan.moves[0]._replace(quantity=41),))


def _reverse_to_another_account(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, {"op": "reverse", "id": "x1", "of": "t2", "quantity": 1}, when)
    return plan._replace(moves=(plan.moves[0]._replace(destination="buffer:J-Credit"),))


def _mint_in_a_transfer(books: Books, when: planning.When) -> TxPlan:
    plan = _planned(books, TRANSFER, when)
    move = Move("issuance:ina-forest", "shinjuku/holding", _class_id(books), 1, minted=True)
    return plan._replace(moves=(move,))


def _record_more_than_it_moves(books: Books, when: planning.When) -> TxPlan:
    return _planned(books, TRANSFER, when)._replace(quantity=2)


FORGERIES = {
    _retire_beyond_the_balance: "below zero",
    _transfer_out_of_a_retirement_account: "leave shinjuku/retirement, a retirement account",
    _cancel_from_a_pending_account: "a cancel moves credits of a pending account",
    _transfer_into_a_pending_account: "a transfer moves credits of a pending account",
    _reserve_into_another_partys_pending: "a reservation moves ina/holding to shinjuku/pending",
    _post_a_reservation_twice: "r0 resolved already",
    _post_part_of_a_reservation_keeping_the_rest: "moves 2 of 5",
    _reverse_beyond_the_original: "10 \\+ 41 of 50",
    _reverse_to_another_account: "do not go back to ina/holding",
    _mint_in_a_transfer: "a transfer mints",
    _record_more_than_it_moves: "moves 1, records 2",
}


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__.strip("_"))
def test_the_journal_refuses_a_plan_that_breaks_a_rule(booked: Ledger, forge: Any) -> None:
    when = planning.When(dt.date.today(), journal.recorded_now())
    for books in _books(booked):
        forged = forge(books, when)
        with pytest.raises(AssertionError, match=FORGERIES[forge]):
            journal.record(books, forged, when)
    assert booked.verify(workers=1) == []  # nothing was written
    assert holdings(booked)["ina/pending"] == 5


def test_serial_pieces_must_sum_to_the_quantity_moved(
    booked: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks taken from a holding that do not add up to the move (a broken `take_from`)."""
    taken = take_from

    def short(blocks: Any, quantity: int, note: Any) -> Any:
        return taken(blocks, quantity, note)[:-1] or taken(blocks, 1, note)[:0]

    monkeypatch.setattr(journal, "take_from", short)
    when = planning.When(dt.date.today(), journal.recorded_now())
    for books in _books(booked):
        plan = _planned(books, TRANSFER, when)
        with pytest.raises(AssertionError, match="serials moved"):
            journal.record(books, plan, when)


def test_lawful_plans_pass_the_same_assertions(booked: Ledger) -> None:
    """The rules asserted are the planner's own: what it plans, the journal records."""
    results = booked.apply(
        [
            {"op": "post", "id": "p1", "reservation": "r1", "quantity": 2},
            {**RESERVE, "id": "r2", "quantity": 4},
            {"op": "void", "id": "v2", "reservation": "r2"},
            {"op": "reverse", "id": "t5", "of": "t2", "quantity": 20},  # 40 left of it
            {"op": "reverse", "id": "t6", "of": "t1", "quantity": 50},  # Ina holds 89 by now
            {"op": "cancel", "id": "c1", "from": "buffer:J-Credit", "reason": "error", **CLASS}
            | {"quantity": 6},
        ]
    )
    assert [r.status for r in results] == ["ok"] * 6
    assert booked.verify(workers=1) == []


# The planner's refusals, one example each: `tests/mutations/run.py` deletes each rule from the
# planner in turn and needs one of these to fail (the journal's assertion, or the wrong code).
REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "retire_beyond_the_balance": (
        {"op": "retire", "from": "shinjuku/holding", "quantity": 1_000}
        | {"beneficiary": "Shinjuku City", "reason": "FY2024 offset"}
        | CLASS,
        "insufficient_balance",
    ),
    "transfer_out_of_a_retirement_account": (
        {**TRANSFER, "from": "shinjuku/retirement", "to": "ina/holding"},
        "retired_credits",
    ),
    "post_a_reservation_twice": ({"op": "post", "reservation": "r0"}, "reservation_resolved"),
    "reverse_beyond_the_original": (
        {"op": "reverse", "of": "t2", "quantity": 41},  # 40 left of 50
        "exceeds_original",
    ),
    "cancel_from_a_pending_account": (
        {"op": "cancel", "from": "ina/pending", "reason": "error", "quantity": 1} | CLASS,
        "wrong_account_kind",
    ),
    "transfer_into_a_pending_account": (
        {**TRANSFER, "to": "ina/pending"},
        "wrong_account_kind",
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_the_planner_refuses_what_the_journal_asserts(booked: Ledger, name: str) -> None:
    operation, code = REFUSED[name]
    [result] = booked.apply([operation | {"id": "x1"}])
    assert result.status == code, result
    assert holdings(booked)["ina/pending"] == 5  # nothing moved
    assert booked.verify(workers=1) == []
