"""Writes in one round trip (PostgreSQL): a writer that knows the head sends its lock, the
batch and the COMMIT together, presuming nobody else wrote since its last commit. When another
writer did, the batch must find out before anything wrong commits or is answered: these tests
put a second writer (a `Ledger` of its own, as a second process has) between the batches of
the first, in each of the ways the presumption can be wrong."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from offset.ledger import Ledger
from offset.ledger.writer import Writer
from tests.ledger.conftest import holdings

CLASS = {"project": "forest", "vintage": 2024}
Two = tuple[Ledger, Ledger, list[Writer]]  # two writers on one database, and who read first


def _transfer(tx: str, source: str, destination: str, quantity: int) -> dict[str, Any]:
    return {"op": "transfer", "id": tx, "from": source, "to": destination, "quantity": quantity}


@pytest.fixture
def books(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Two]:
    """Two writers on one database (`first` has written, so it knows the head), and the
    batches each wrote by reading under the lock first (`_write_locked`)."""
    first = Ledger.open(db_url)
    opened = [
        {"op": "open_account", "account": f"{p}/holding", "party": p, "kind": "holding"}
        for p in "abc"
    ]
    issued = {"op": "issue", "id": "i-a", "to": "a/holding", "instrument": "J-Credit"}
    assert {r.status for r in first.apply([*opened, {**issued, "quantity": 50, **CLASS}])} == {"ok"}
    second = Ledger.open(db_url, migrate=False)
    locked: list[Writer] = []
    write_locked = Writer._write_locked

    def spy(self: Writer, *args: Any) -> Any:
        locked.append(self)
        return write_locked(self, *args)

    monkeypatch.setattr(Writer, "_write_locked", spy)
    yield first, second, locked
    first.engine.dispose()
    second.engine.dispose()


def _postgresql(book: Ledger) -> bool:
    return book.engine.dialect.name == "postgresql"


def test_one_writer_reads_under_the_lock_only_once(books: Two) -> None:
    first, _, locked = books
    for n in range(5):
        [result] = first.apply([{**_transfer(f"t{n}", "a/holding", "b/holding", 1), **CLASS}])
        assert result.status == "ok"
    if _postgresql(first):  # the writer knew the head: every batch went in one round trip
        assert locked == []
    assert first.verify() == []


def test_a_batch_after_another_writer_wrote_is_written_again(
    books: Two,
) -> None:
    first, second, locked = books
    [moved] = second.apply([{**_transfer("by-second", "a/holding", "c/holding", 30), **CLASS}])
    assert moved.status == "ok"
    # `first` still believes a holds 50: its presumed batch collides with the second's entry
    # and is written again, reading under the lock.
    [result] = first.apply([{**_transfer("by-first", "a/holding", "b/holding", 15), **CLASS}])
    assert result.status == "ok"
    assert result.seq == moved.seq + 1  # type: ignore[operator]
    if _postgresql(first):  # the second's first batch read (it knew nothing), then the first's
        assert locked == [second, first]
    assert first.verify() == []
    held = holdings(first)
    assert (held["a/holding"], held["b/holding"], held["c/holding"]) == (5, 15, 30)


def test_writers_that_know_the_other_writes_catch_up_before_planning(books: Two) -> None:
    """Once each has found the other writing, neither reads under the lock again: each catches
    up on the other's entries first (`catch_up.py`), then writes in one round trip more."""
    first, second, locked = books
    for n in range(3):
        for book, other in ((second, "c/holding"), (first, "b/holding")):
            op = {**_transfer(f"t{n}-{other}", "a/holding", other, 1), **CLASS}
            assert [r.status for r in book.apply([op])] == ["ok"]
    if _postgresql(first):  # the second knew nothing; the first presumed itself alone
        assert locked == [second, first]
    assert first.verify() == []
    held = holdings(second)
    assert (held["a/holding"], held["b/holding"], held["c/holding"]) == (44, 3, 3)


@pytest.mark.parametrize("atomic", [False, True], ids=["independent", "atomic"])
def test_a_rejection_on_what_another_writer_changed_is_checked(books: Two, atomic: bool) -> None:
    """A batch that records nothing collides with nothing: it checks the head before it
    answers, or it would refuse credits the other writer just issued (a lone atomic call
    rejected on such books is answered only after the same check)."""
    first, second, _ = books
    [empty] = first.apply([{**_transfer("too-soon", "c/holding", "b/holding", 5), **CLASS}])
    assert empty.status == "insufficient_balance"
    issued = {"op": "issue", "id": "i-c", "to": "c/holding", "instrument": "J-Credit"}
    assert second.apply([{**issued, "quantity": 10, **CLASS}])[0].status == "ok"
    in_time = {**_transfer("in-time", "c/holding", "b/holding", 5), **CLASS}
    [result] = first.apply([in_time], atomic=atomic)
    assert result.status == "ok"
    [together] = first.apply(
        [{**_transfer("in-time-2", "c/holding", "b/holding", 5), **CLASS}], atomic=True
    )
    assert together.status == "ok"
    assert first.verify() == []
    assert holdings(first)["b/holding"] == 10


@pytest.mark.parametrize("rejected", [False, True], ids=["recorded", "rejected"])
def test_an_id_another_writer_recorded_is_answered_exists(books: Two, rejected: bool) -> None:
    """`first` has never seen the id, so it presumes it new. Planned as new, the transfer is
    either recorded (its header collides with the other's on the unique id) or, on books that
    are no longer true, rejected (nothing collides: the id is looked up before answering)."""
    first, second, _ = books
    op = {**_transfer("shared", "a/holding", "b/holding", 40), **CLASS}
    if rejected:  # `first` learns that b holds nothing; then the other writer fills b
        assert first.apply([{**op, "id": "look", "from": "b/holding", "to": "c/holding"}])[
            0
        ].status == ("insufficient_balance")
        op = {**op, "from": "b/holding", "to": "c/holding", "quantity": 5}
        refill = {**_transfer("refill", "a/holding", "b/holding", 45), **CLASS}
        assert second.apply([refill])[0].status == "ok"
    [by_second] = second.apply([op])
    assert by_second.status == "ok"
    [again] = first.apply([op])
    assert again.status == "exists"
    assert again.seq == by_second.seq
    assert first.verify() == []


@pytest.mark.parametrize("stale", [False, True], ids=["alone", "after-another"])
def test_a_batch_too_large_for_one_pipeline_streams_its_rows(books: Two, stale: bool) -> None:
    """300 transfers: 600 postings, more than one INSERT carries (`batch_store.COPY_MIN_ROWS`): the rows
    are streamed by COPY after the pipeline (which cannot carry a COPY), and if another writer
    wrote, the first header collides there as it does in a small batch."""
    first, second, locked = books
    issued = {"op": "issue", "id": "i-more", "to": "a/holding", "instrument": "J-Credit"}
    assert first.apply([{**issued, "quantity": 1000, **CLASS}])[0].status == "ok"
    if stale:
        moved = {**_transfer("by-second", "a/holding", "c/holding", 1), **CLASS}
        assert second.apply([moved])[0].status == "ok"
    ops = [
        {**_transfer(f"many-{n}", "a/holding", "b/holding" if n % 2 else "c/holding", 1), **CLASS}
        for n in range(300)
    ]
    assert {r.status for r in first.apply(ops)} == {"ok"}
    if _postgresql(first):
        assert locked.count(first) == (1 if stale else 0)
    assert first.verify() == []
    held = holdings(first)
    assert held["b/holding"] == 150
    assert held["c/holding"] == 150 + stale
