"""The database's own guards hold against hand-written SQL; forgeries are caught by `verify`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from offset.ledger import Ledger
from offset.ledger import verify as verify_module
from offset.ledger.verify import _process_context, _unbalanced
from tests.ledger.conftest import ISSUE_LINES


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
        monkeypatch.setattr(verify_module, "_runs_alone", lambda: True)
    try:
        assert _process_context().get_start_method() == request.param
        yield request.param
    finally:
        stop.set()
        if other.is_alive():
            other.join()


def _sql(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE postings SET amount = amount + 1",
        "DELETE FROM postings",
        "UPDATE transactions SET memo = 'edited'",
        "DELETE FROM transactions WHERE id = 't3'",
        "UPDATE block_events SET to_account = 'ina/holding'",
        "DELETE FROM block_events",
    ],
)
def test_history_is_append_only(book: Ledger, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        _sql(book.engine, statement)
    assert book.verify() == []


def test_unbalanced_postings_are_refused(book: Ledger) -> None:
    with pytest.raises(DBAPIError, match=r"unbalanced|recorded transaction"):
        _sql(
            book.engine,
            "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after) VALUES (2, 'ina/holding', 1, 5, 79)",
        )
    with pytest.raises(
        DBAPIError, match="unbalanced"
    ):  # a new transaction whose postings do not sum to zero
        _sql(
            book.engine,
            "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after) VALUES (99, 'ina/holding', 1, 5, 79)",
            "INSERT INTO transactions (seq, id, kind, effective_date, fiscal_year, recorded_at, memo, class_id, quantity,"
            " content_hash, operation, prev_hash, hash) VALUES (99, 'forged', 'transfer', '2030-01-01', 2029,"
            " '2030-01-01 00:00:00', '', 1, 5, 'x', '{}', 'x', 'x')",
        )


def test_negative_balances_and_overlapping_serials_are_refused(book: Ledger) -> None:
    with pytest.raises(DBAPIError):
        _sql(book.engine, "UPDATE balances SET quantity = -1 WHERE account_id = 'ina/holding'")
    with pytest.raises(DBAPIError, match=r"overlap|conflicting key"):
        _sql(
            book.engine,
            "INSERT INTO blocks (class_id, start, stop, account_id) VALUES (1, 100, 200, 'ina/holding')",
        )
    assert book.verify() == []


def _behind_the_triggers(book: Ledger, *statements: str) -> None:
    """What someone with full database access could still do."""
    if book.sqlite:  # a plain sqlite3 connection: foreign keys off (its default), triggers dropped
        raw = sqlite3.connect(str(book.engine.url.database), isolation_level=None)
        try:
            triggers = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall()
            raw.execute("BEGIN")
            for name, _ in triggers:
                raw.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                raw.execute(statement)
            for _, sql in triggers:
                raw.execute(sql)
            raw.execute("COMMIT")
        finally:
            raw.close()
    else:
        with book.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off
            for statement in statements:
                conn.execute(text(statement))


@pytest.mark.parametrize(
    ("forgery", "caught"),
    [
        (
            ["UPDATE balances SET quantity = quantity + 5 WHERE account_id = 'shinjuku/holding'"],
            "postings sum to",
        ),
        (
            [
                "UPDATE postings SET amount = amount + 5, balance_after = balance_after + 5 WHERE tx_seq = 2 AND amount > 0",
                "UPDATE balances SET quantity = quantity + 5 WHERE account_id = 'shinjuku/holding'",
            ],
            "transaction seq 2: postings of class 1 sum to 5, not 0",
        ),
        (
            [
                "UPDATE transactions SET memo = 'x', operation = replace(operation, 'FY2024 offset', 'FY2023 offset') WHERE id = 't3'"
            ],
            "hash does not recompute",
        ),
        (  # written after everything else, yet read with the transaction it claims
            [
                "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after)"
                " VALUES (2, 'ina/holding', 1, -1, 0), (2, 'shinjuku/holding', 1, 1, 0)"
            ],
            "(seq 2): hash does not recompute",
        ),
        (
            [
                "DELETE FROM block_events WHERE tx_seq = 3",
                "UPDATE blocks SET account_id = 'shinjuku/holding' WHERE account_id = 'shinjuku/retirement'",
            ],
            "blocks of",
        ),
    ],
)
def test_forgery_behind_the_triggers_is_caught_by_verify(
    book: Ledger, forgery: list[str], caught: str
) -> None:
    _behind_the_triggers(book, *forgery)
    problems = book.verify()
    assert problems, "verify must report a forged ledger"
    assert any(caught in p for p in problems), problems
    assert book.verify(workers=3) == problems  # the chain checked in ranges, in 3 processes


def test_the_chain_checked_in_ranges_reports_what_one_pass_reports(
    book: Ledger, start_method: str
) -> None:
    """Gaps, forged links and orphan postings at and around the ranges' cuts, for several
    numbers of processes (each moves the cuts)."""
    moves = [
        {"op": "transfer", "id": f"m{i}", "from": "ina/holding", "to": "shinjuku/holding"}
        | {"project": "ina-forest", "vintage": 2024, "quantity": 1}
        for i in range(24)
    ]
    assert {r.status for r in book.apply(moves)} == {"ok"}
    assert book.verify(workers=4) == []
    _behind_the_triggers(
        book,
        "DELETE FROM transactions WHERE seq = 9",  # a gap, and its postings orphaned
        "UPDATE transactions SET hash = 'forged' WHERE seq = 16",  # breaks 16 and 17's prev_hash
        "UPDATE transactions SET memo = 'x', operation = replace(operation, 'm17', 'mXX') WHERE seq = 22",
    )
    problems = book.verify(workers=1)
    assert any("sequence gap: expected 9, found 10" in p for p in problems)
    assert any("postings of seq 9 belong to no transaction" in p for p in problems)
    assert any("(seq 17): prev_hash does not match" in p for p in problems)
    assert any("m17 (seq 22): hash does not recompute" in p for p in problems)
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
    """Check 1 as the chain pass runs it, hand-checked: one move, and several classes."""
    assert _unbalanced(3, [("a", 1, -5), ("b", 1, 5)]) == []
    assert _unbalanced(3, [("a", 1, -5), ("b", 1, 4)]) == [
        "transaction seq 3: postings of class 1 sum to -1, not 0"
    ]
    assert _unbalanced(4, [("a", 1, -5), ("b", 2, 5)]) == [
        "transaction seq 4: postings of class 1 sum to -5, not 0",
        "transaction seq 4: postings of class 2 sum to 5, not 0",
    ]
    assert _unbalanced(7, [("a", 1, -5), ("b", 1, 5), ("a", 2, 3), ("c", 2, -1)]) == [
        "transaction seq 7: postings of class 2 sum to 2, not 0"
    ]
    assert _unbalanced(8, [("a", 1, 2)]) == [
        "transaction seq 8: postings of class 1 sum to 2, not 0"
    ]


def test_a_guard_removed_behind_the_ledger_is_named_by_verify(book: Ledger) -> None:
    if book.sqlite:
        _sql(book.engine, "DROP TRIGGER blocks_no_overlap")
    else:
        _sql(book.engine, "ALTER TABLE blocks DROP CONSTRAINT blocks_no_overlap")
    assert book.verify() == [
        "guard missing: blocks_no_overlap (the database no longer refuses what it guarded against)"
    ]
