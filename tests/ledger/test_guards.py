"""`verify` in worker processes: ranges of the chain checked apart report what one pass does
(the forgeries themselves are in `forgeries.py`, tried in `test_tamper*.py`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from offset.ledger import Ledger
from offset.ledger.verify import workers as verify_workers
from offset.ledger.verify.entries import _unbalanced
from offset.ledger.verify.workers import _process_context
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers, seq_of


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    assert [r.status for r in ledger.apply(ISSUE_LINES)] == ["ok"] * 6
    return ledger


@pytest.fixture(params=["fork", "forkserver"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """How `verify` starts its workers: forked from the caller when it runs alone (the CLI),
    from a preloaded server when other threads run (a web server); both paths are exercised.
    Earlier tests may leave idle threads behind (a test client's worker threads), so the
    lone caller is declared rather than assumed."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if request.param == "forkserver":
        other.start()  # and whatever else runs
    else:
        monkeypatch.setattr(verify_workers, "_runs_alone", lambda: True)
    try:
        assert _process_context().get_start_method() == request.param
        yield request.param
    finally:
        stop.set()
        if other.is_alive():
            other.join()


def test_the_chain_checked_in_ranges_reports_what_one_pass_reports(
    book: Ledger, start_method: str
) -> None:
    """Gaps, forged links, orphan postings and broken running balances at and around the
    ranges' cuts, for several numbers of processes (each moves the cuts)."""
    moves = [
        {"op": "transfer", "id": f"m{i}", "from": "ina/holding", "to": "shinjuku/holding"}
        | {"project": "ina-forest", "vintage": 2024, "quantity": 1}
        for i in range(24)
    ]
    assert {r.status for r in book.apply(moves)} == {"ok"}
    assert book.verify(workers=4) == []
    m = {i: seq_of(book, f"m{i}") for i in (3, 9, 10, 17, 20)}
    behind_the_triggers(
        book,
        f"DELETE FROM transactions WHERE seq = {m[3]}",  # a gap, and its postings orphaned
        f"UPDATE transactions SET hash = 'forged' WHERE seq = {m[9]}",  # and m10's prev_hash
        f"UPDATE transactions SET memo = 'x', operation = replace(operation, 'm17', 'mXX')"
        f" WHERE seq = {m[17]}",
        f"UPDATE postings SET balance_after = balance_after + 1 WHERE tx_seq = {m[20]}"
        " AND account_id = 'ina/holding'",
    )
    problems = book.verify(workers=1)
    assert f"sequence gap: expected {m[3]}, found {m[3] + 1}" in problems
    assert f"postings or block events of seq {m[3]} belong to no entry" in problems
    assert any(f"(seq {m[10]}): prev_hash does not match" in p for p in problems)
    assert any(f"m17 (seq {m[17]}): hash does not recompute" in p for p in problems)
    assert any(f"ina/holding class 1 (seq {m[20] + 1}): balance_after" in p for p in problems)
    for workers in (2, 3, 5, 7):
        assert book.verify(workers=workers) == problems, workers


def test_workers_open_a_relative_sqlite_path_from_where_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    """Worker processes fork from a server started earlier, possibly in another directory; they
    take the caller's working directory, so a relative SQLite path names the same file."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    book = Ledger.open("sqlite:///books.db")
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    assert book.verify(workers=2) == []  # the worker server may start in this directory
    book.engine.dispose()
    monkeypatch.chdir(tmp_path / "b")
    book = Ledger.open("sqlite:///../a/books.db", migrate=False)
    assert book.verify(workers=2) == []
    book.engine.dispose()


def test_unbalanced_postings_are_named_per_class() -> None:
    """The chain pass's balance check, hand-checked on posting rows (tx_seq, account, class,
    amount, balance after): one move, and several classes."""

    def rows(seq: int, *postings: tuple[str, int, int]) -> list[tuple[int, str, int, int, int]]:
        return [(seq, a, c, n, 0) for a, c, n in postings]

    assert _unbalanced(3, rows(3, ("a", 1, -5), ("b", 1, 5))) == []
    assert _unbalanced(3, rows(3, ("a", 1, -5), ("b", 1, 4))) == [
        "transaction seq 3: postings of class 1 sum to -1, not 0"
    ]
    assert _unbalanced(4, rows(4, ("a", 1, -5), ("b", 2, 5))) == [
        "transaction seq 4: postings of class 1 sum to -5, not 0",
        "transaction seq 4: postings of class 2 sum to 5, not 0",
    ]
    assert _unbalanced(7, rows(7, ("a", 1, -5), ("b", 1, 5), ("a", 2, 3), ("c", 2, -1))) == [
        "transaction seq 7: postings of class 2 sum to 2, not 0"
    ]
    assert _unbalanced(8, rows(8, ("a", 1, 2))) == [
        "transaction seq 8: postings of class 1 sum to 2, not 0"
    ]
