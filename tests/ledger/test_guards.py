"""The database's own guards hold against hand-written SQL; forgeries are caught by `verify`."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from offset.ledger import Ledger
from tests.ledger.conftest import ISSUE_LINES


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    assert [r.status for r in ledger.apply(ISSUE_LINES)] == ["ok"] * 6
    return ledger


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
    if book.sqlite:
        with book.engine.begin() as conn:
            names = [
                r[0]
                for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            ]
            sql = {
                r[0]: r[1]
                for r in conn.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                )
            }
            for name in names:
                conn.execute(text(f"DROP TRIGGER {name}"))
            for statement in statements:
                conn.execute(text(statement))
            for name in names:
                conn.execute(text(sql[name]))
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
            "sum to 5, not 0",
        ),
        (
            [
                "UPDATE transactions SET memo = 'x', operation = replace(operation, 'FY2024 offset', 'FY2023 offset') WHERE id = 't3'"
            ],
            "hash does not recompute",
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
