"""A checkpoint proves the whole past (issue 32): the entries up to it are recomputed, or proved
unwritten by the database itself, never taken on trust from the state kept at it.

The forgery is the attack suite's: make a checkpoint; take the guard off; change a retirement's
beneficiary; put the guard back. `verify --checkpoint` must name it, as a full `verify` does.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from offset.ledger import checkpoint as checkpoints
from tests.ledger.conftest import ISSUE_LINES, seq_of

runner = CliRunner()
MOVE: dict[str, Any] = {"op": "transfer", "from": "ina/holding", "to": "shinjuku/holding"}
MOVE |= {"project": "ina-forest", "vintage": 2024, "quantity": 1}
FORGERY = "UPDATE transactions SET beneficiary = 'Forged Inc.' WHERE id = 't3'"


def _guard_off_forge_guard_on(book: Ledger, statement: str) -> None:
    """The issue's forgery, as written there: SQLite, the guard trigger dropped and created
    again; PostgreSQL, `DISABLE` / `ENABLE TRIGGER ALL` (no replication role)."""
    if book.sqlite:
        raw = sqlite3.connect(str(book.engine.url.database), isolation_level=None)
        try:
            name, sql = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'transactions' AND sql LIKE '%BEFORE UPDATE%'"
            ).fetchone()
            raw.execute(f"DROP TRIGGER {name}")
            raw.execute(statement)
            raw.execute(sql)
        finally:
            raw.close()
        return
    with book.engine.begin() as conn:
        conn.execute(text("ALTER TABLE transactions DISABLE TRIGGER ALL"))
        conn.execute(text(statement))
        conn.execute(text("ALTER TABLE transactions ENABLE TRIGGER ALL"))


@pytest.fixture
def signed(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path, Path]:
    """A ledger with a checkpoint after the issue's lines, more transfers after it, and the
    signer's public key."""
    ledger.apply(ISSUE_LINES)
    key = tmp_path / "registry.key"
    public = checkpoints.keygen(key)
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(ledger.checkpoint(key)))
    ledger.apply([{**MOVE, "id": f"after{i}"} for i in range(3)])
    return ledger, path, public


def test_an_edit_before_the_checkpoint_is_caught(signed: tuple[Ledger, Path, Path]) -> None:
    book, path, public = signed
    held = checkpoints.load(path, checkpoints.public_key_hex(public))
    assert book.verification(checkpoints=(held,)).problems == []
    _guard_off_forge_guard_on(book, FORGERY)
    where = f"transaction t3 (seq {seq_of(book, 't3')})"
    full = book.verification(checkpoints=(held,), full=True).problems
    incremental = book.verification(checkpoints=(held,)).problems
    assert f"{where}: hash does not recompute (altered header, postings or block events)" in full
    assert incremental == full


def test_the_cli_names_the_forgery_and_exits_1(signed: tuple[Ledger, Path, Path]) -> None:
    book, path, public = signed
    _guard_off_forge_guard_on(book, FORGERY)
    url = book.engine.url.render_as_string(hide_password=False)
    checked = runner.invoke(
        app,
        ["ledger", "--db", url, "verify", "--checkpoint", str(path), "--trust", str(public)],
    )
    assert checked.exit_code == 1, checked.output
    assert "transaction t3" in checked.output
    assert "hash does not recompute" in checked.output


def test_an_unchanged_past_is_proved_without_reading_it_where_the_database_can(
    signed: tuple[Ledger, Path, Path],
) -> None:
    """PostgreSQL proves that no row up to the checkpoint was written since (each row's
    transaction id is the server's); SQLite cannot, so there the past is read again."""
    book, path, _ = signed
    held = checkpoints.load(path)
    found = book.verification(checkpoints=(held,))
    assert found.problems == []
    assert found.since == (0 if book.sqlite else held.seq)


def test_a_restored_older_backup_is_named(signed: tuple[Ledger, Path, Path]) -> None:
    """A ledger whose head is older than a checkpoint: an older copy put back."""
    book, path, _ = signed
    key = path.parent / "registry.key"
    later = path.parent / "later.json"
    later.write_text(json.dumps(book.checkpoint(key)))
    held = checkpoints.load(later)
    with book.engine.connect() as conn:
        head = int(conn.execute(text("SELECT seq FROM ledger_head")).scalar_one())
    _cut_to(book, head - 2)  # what a copy made two entries earlier holds
    problems = book.verification(checkpoints=(held,)).problems
    assert any(
        f"the ledger's head is seq {head - 2}, older than this checkpoint" in p for p in problems
    )


def _cut_to(book: Ledger, seq: int) -> None:
    """The history as an older copy holds it: entries after `seq` gone, the head moved back."""
    from tests.ledger.conftest import behind_the_triggers

    behind_the_triggers(
        book,
        f"DELETE FROM postings WHERE tx_seq > {seq}",
        f"DELETE FROM block_events WHERE tx_seq > {seq}",
        f"DELETE FROM transactions WHERE seq > {seq}",
        "UPDATE ledger_head SET seq = (SELECT MAX(seq) FROM transactions),"
        " hash = (SELECT hash FROM transactions WHERE seq = (SELECT MAX(seq) FROM transactions))",
    )


def test_without_trust_the_signer_is_unchecked_and_an_audit_fails(
    signed: tuple[Ledger, Path, Path],
) -> None:
    book, path, public = signed
    url = book.engine.url.render_as_string(hide_password=False)
    base = ["ledger", "--db", url, "verify", "--checkpoint", str(path)]
    plain = runner.invoke(app, base)
    assert plain.exit_code == 0, plain.output
    assert "signer unchecked" in plain.output
    audit = runner.invoke(app, [*base, "--audit"])
    assert audit.exit_code == 2, audit.output
    assert "signer unchecked" in audit.output
    trusted = runner.invoke(app, [*base, "--trust", str(public), "--audit"])
    assert trusted.exit_code == 0, trusted.output
    assert "signer unchecked" not in trusted.output


def test_verify_reports_records_that_the_cli_prints_as_json(
    signed: tuple[Ledger, Path, Path],
) -> None:
    """`verify` returns typed records (issue 26): the check that found each, the entry it is
    about, and the words; `verify --json` prints them."""
    book = signed[0]
    _guard_off_forge_guard_on(book, FORGERY)
    found = book.discrepancies(workers=1)
    seq = seq_of(book, "t3")
    # the hash no longer recomputes, and the header no longer says what its operation says
    assert [(d.check, d.seq) for d in found] == [("link", seq), ("header", seq)]
    assert "does not match its operation in beneficiary" in found[1].message
    url = book.engine.url.render_as_string(hide_password=False)
    printed = runner.invoke(app, ["ledger", "--db", url, "verify", "--json"])
    assert printed.exit_code == 1
    report = json.loads(printed.stdout)
    assert report["ok"] is False
    assert report["discrepancies"] == [d.to_json() for d in found]
    assert report["head_seq"] == book.verification().head_seq
