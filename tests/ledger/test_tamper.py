"""Tampering with the ledger, as an attacker with database access would, on both databases.

Each forgery is either refused by the database's guards, or done behind them (triggers off) and
then reported by `verify`, naming what was changed (each forgery of `forgeries.BEHIND` in
`test_tamper_reported.py`, and compared over columns and rows in `test_tamper_columnar.py`: three
files, so that parallel workers share them). A history rewritten and re-chained from some entry
on recomputes, so only a checkpoint signed before it tells it apart. And each of `verify`'s
checks is needed: with any one of them disabled, some forgery goes unreported.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from offset.ledger import Ledger
from offset.ledger import checkpoint as checkpoints
from offset.ledger.database import reading
from offset.ledger.verify import CHECKS
from tests.ledger import forgeries
from tests.ledger.conftest import behind_the_triggers, pg_schema, seq_of
from tests.ledger.forgeries import (
    BEHIND,
    PROJECT,
    all_reported,
    forge,
    forge_stored,
    rechain,
    repoint_a_post,
    sql,
)

book = forgeries.book  # a copy of the module's ledger per test, on each database
sqlite_template = forgeries.sqlite_template
postgresql_template = forgeries.postgresql_template

# --- refused by the database, with the guards in place -------------------------------------

REFUSED = [
    "UPDATE postings SET amount = amount + 1",
    "DELETE FROM postings",
    "UPDATE transactions SET memo = 'edited' WHERE id = 't3'",
    "DELETE FROM transactions WHERE id = 't3'",
    "UPDATE block_events SET to_account = 'ina/holding'",
    "DELETE FROM block_events",
    "UPDATE accounts SET kind = 'holding' WHERE id = 'shinjuku/retirement'",
    "UPDATE accounts SET party_id = 'ina' WHERE id = 'minato/holding'",
    "DELETE FROM accounts WHERE id = 'minato/holding'",
    "DELETE FROM parties WHERE id = 'minato'",
    "UPDATE instruments SET transferable = true WHERE name = 'prefectural-certificate'",
    "DELETE FROM instruments WHERE name = 'J-VER'",
    "UPDATE credit_classes SET instrument = 'J-VER'",
    "UPDATE credit_classes SET methodology = 'EN-S-006'",
    "UPDATE credit_classes SET next_serial = next_serial - 1",
    "DELETE FROM credit_classes",
    "UPDATE ledger_head SET effective_date = '2001-01-01'",
    "UPDATE ledger_head SET seq = seq - 1",
    "UPDATE balances SET quantity = -1 WHERE account_id = 'ina/holding'",
    "INSERT INTO blocks (class_id, start, stop, account_id) VALUES (1, 100, 200, 'ina/holding')",
]
TRUNCATED = ["transactions", "postings", "block_events", "accounts", "blocks", "balances"]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_guards_refuse(book: Ledger, statement: str) -> None:
    with pytest.raises(DBAPIError):
        sql(book, statement)
    assert book.verify() == []


def test_the_head_moves_only_from_the_head_it_leaves(book: Ledger) -> None:
    """An entry at head + 1 that does not link to the head (as one written on a head that is no
    longer there would be) never becomes the head, though it is the last entry."""
    forged = (
        "INSERT INTO transactions (seq, id, kind, effective_date, fiscal_year, recorded_at,"
        " memo, class_id, quantity, buffer, content_hash, operation, prev_hash, hash)"
        " SELECT seq + 1, NULL, kind, effective_date, fiscal_year, recorded_at, memo, class_id,"
        f" quantity, buffer, content_hash, operation, '{'0' * 64}', '{'1' * 64}'"
        " FROM transactions WHERE seq = (SELECT seq FROM ledger_head)"
    )
    moved = f"UPDATE ledger_head SET seq = seq + 1, hash = '{'1' * 64}'"
    with pytest.raises(DBAPIError, match="from the head it leaves"):
        sql(book, forged, moved)
    assert book.verify() == []


@pytest.mark.parametrize("book", ["postgresql"], indirect=True)
@pytest.mark.parametrize("table", TRUNCATED)
def test_history_cannot_be_truncated(book: Ledger, table: str) -> None:
    """PostgreSQL's TRUNCATE skips row triggers: a statement trigger refuses it (PostgreSQL
    only: SQLite has no TRUNCATE; its `DELETE FROM` is refused above)."""
    with pytest.raises(DBAPIError, match="TRUNCATE refused"):
        sql(book, f"TRUNCATE {table} CASCADE")
    assert book.verify() == []


# --- done behind the guards, and reported by verify ----------------------------------------


def test_a_retirement_account_made_a_holding_emptied_and_set_back(book: Ledger) -> None:
    """The account's kind, changed behind the guards for as long as it takes to move retired
    credits out through the ledger itself, then changed back: the history says what it was."""
    behind_the_triggers(
        book, "UPDATE accounts SET kind = 'holding' WHERE id = 'shinjuku/retirement'"
    )
    move = {"op": "transfer", "id": "out", "from": "shinjuku/retirement", "to": "ina/holding"}
    book.forget()
    [result] = book.apply([move | PROJECT | {"quantity": 20}])
    assert result.status == "ok"  # the writer trusts the table it reads
    behind_the_triggers(
        book, "UPDATE accounts SET kind = 'retirement' WHERE id = 'shinjuku/retirement'"
    )
    problems = book.verify()
    assert "credits of class 1 left shinjuku/retirement, a retirement account" in problems


def test_a_guard_replaced_disabled_or_removed_is_named(book: Ledger) -> None:
    if book.sqlite:
        sql(
            book,
            "DROP TRIGGER transactions_update_refused",
            "CREATE TRIGGER transactions_update_refused BEFORE UPDATE ON transactions BEGIN SELECT 1; END",
            "DROP TRIGGER blocks_no_overlap",
        )
        assert book.verify() == [
            "guard missing: blocks_no_overlap (the database no longer refuses what it guarded against)",
            "guard changed: transactions_update_refused is not the trigger the ledger installed",
        ]
        return
    sql(
        book,
        "ALTER TABLE postings DISABLE TRIGGER postings_append_only",
        "CREATE OR REPLACE FUNCTION offset_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN RETURN OLD; END $$",
        "ALTER TABLE blocks DROP CONSTRAINT blocks_no_overlap",
    )
    assert book.verify() == [
        "guard changed: accounts_never_deleted no longer runs the ledger's offset_never_deleted()",
        "guard changed: credit_classes_never_deleted no longer runs the ledger's offset_never_deleted()",
        "guard changed: instruments_never_deleted no longer runs the ledger's offset_never_deleted()",
        "guard changed: parties_never_deleted no longer runs the ledger's offset_never_deleted()",
        "guard disabled: postings_append_only (ALTER TABLE ... DISABLE TRIGGER)",
        "guard missing: blocks_no_overlap (the database no longer refuses what it guarded against)",
    ]


# --- a rewritten history, re-chained, and a checkpoint -------------------------------------


def test_a_rechained_rewrite_is_told_apart_only_by_a_checkpoint(
    book: Ledger, tmp_path: Path
) -> None:
    key = tmp_path / "registry.key"
    checkpoints.keygen(key)
    signed = tmp_path / "checkpoint.json"
    with reading(book.engine) as conn:
        signed.write_text(json.dumps(checkpoints.make(conn, key)))
    t5 = seq_of(book, "t5")
    # The forger edits the retirement's beneficiary and its operation alike, and its content
    # hash, so that every column agrees; then recomputes the chain from there.
    behind_the_triggers(
        book,
        f"UPDATE transactions SET beneficiary = 'Evil KK', operation = replace(operation,"
        f" '港区', 'Evil KK') WHERE seq = {t5}",
    )
    with reading(book.engine) as conn:
        operation = conn.execute(
            text(f"SELECT operation FROM transactions WHERE seq = {t5}")
        ).scalar_one()
    content = hashlib.sha256(operation.encode()).hexdigest()
    behind_the_triggers(
        book, f"UPDATE transactions SET content_hash = '{content}' WHERE seq = {t5}"
    )
    rechain(book, t5)
    assert book.verify() == []  # a consistent rewrite recomputes: that is what checkpoints are for
    held = checkpoints.load(signed)
    [problem] = book.verify(checkpoints=(held,))
    assert f"checkpoint {signed} (seq {held.seq}" in problem
    assert "the history up to it was rewritten" in problem


# --- each check is needed ------------------------------------------------------------------


def test_every_check_of_verify_catches_a_forgery_no_other_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> None:
    """Mutation check of the suite (SQLite, a copy of one ledger per forgery): with any one
    check disabled, at least one forgery of `BEHIND` is no longer reported as it should be.
    Each forgery is made once, in its own copy, and verified again with each check disabled
    (`verify` only reads); a check is needed as soon as one forgery goes unreported."""
    template = sqlite_template
    forged: dict[str, tuple[Path, str]] = {}
    for number, name in enumerate(BEHIND):
        copy = tmp_path / f"forged-{number}.db"
        shutil.copy(template, copy)
        book = Ledger.open(f"sqlite:///{copy}", migrate=False)
        try:
            forged[name] = (copy, forge(book, name))
        finally:
            book.engine.dispose()

    kinds: dict[str, set[str]] = {}  # name -> the kinds of what was found, every check on

    def reported(name: str) -> bool:
        copy, expected = forged[name]
        book = Ledger.open(f"sqlite:///{copy}", migrate=False)
        try:
            found = book.discrepancies(workers=1)
        finally:
            book.engine.dispose()
        kinds.setdefault(name, {problem.check for problem in found})
        return all_reported(expected, [problem.message for problem in found])

    def likely_missed_first(check: str) -> list[str]:
        """The forgeries, those the check reported (by kind) first: only the order changes."""
        return sorted(BEHIND, key=lambda name: not any(kind in check for kind in kinds[name]))

    extra: dict[str, Callable[[], bool]] = {
        "_guards": lambda: _guard_reported(tmp_path, template),
        "_checkpoints": lambda: _checkpoint_reported(tmp_path, template),
        "_pending_problems": lambda: _pending_reported(tmp_path, template),
        "_storage_problems": lambda: _storage_reported(tmp_path, template),
    }
    assert all(reported(name) for name in BEHIND)  # all caught with every check on
    needed: dict[str, bool] = {}
    for check, home in CHECKS.items():
        with monkeypatch.context() as patch:
            patch.setattr(importlib.import_module(home), check, lambda *a, **k: [])
            if check in extra:
                needed[check] = not extra[check]()
            else:
                needed[check] = not all(reported(name) for name in likely_missed_first(check))
    uncaught = [check for check, missed in needed.items() if not missed]
    assert uncaught == [], uncaught


def _guard_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "guards.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    try:
        sql(forged, "DROP TRIGGER blocks_no_overlap")
        return bool(forged.verify())
    finally:
        forged.engine.dispose()
        copy.unlink()


def _storage_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "stored.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    try:
        expected = forge_stored(forged, "an amount as a blob of its digits")
        return expected in forged.verify(workers=1)
    except TypeError:  # what the check spares the others
        return False
    finally:
        forged.engine.dispose()
        copy.unlink()


def test_a_post_repointed_at_another_reservation_is_named(book: Ledger) -> None:
    expected = repoint_a_post(book)
    assert book.verify() == expected
    assert book.verify(workers=2) == expected


def _pending_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "pending.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    try:
        return repoint_a_post(forged) == forged.verify(workers=1)
    finally:
        forged.engine.dispose()
        copy.unlink()


def _checkpoint_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "checkpoint.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    fake: Any = checkpoints.Checkpoint("f", "another ledger", 1, "x", "t", "k")
    try:
        return bool(forged.verify(checkpoints=(fake,)))
    finally:
        forged.engine.dispose()
        copy.unlink()


def test_the_tamper_suite_runs_on_postgresql_too() -> None:
    """The cases above are parametrised over both databases (`db_url`); this one makes sure the
    PostgreSQL server is really there, so that they did not silently run on SQLite alone."""
    schemas = pg_schema()
    url = next(schemas)
    try:
        book = Ledger.open(url)
        assert not book.sqlite
        book.engine.dispose()
    finally:
        next(schemas, None)
