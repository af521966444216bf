"""A write on top of a head entry edited by hand: the review found the writer chaining new
postings onto an entry whose row was changed behind the guards (only documents refused it).
Now every write checks the head it links to (`ledger/head_check.py`) and refuses with
`history_altered`: the library, the API (503) and the CLI, on SQLite and PostgreSQL, on the
simple path and on PostgreSQL's one-round-trip path (a writer that knows the head)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.ledger import Ledger
from offset.ledger.codes import HISTORY_ALTERED
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers

runner = CliRunner()


def _transfer(tx_id: str, quantity: int = 1) -> dict[str, Any]:
    return {
        "op": "transfer",
        "id": tx_id,
        "from": "shinjuku/holding",
        "to": "ina/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": quantity,
    }


def _head(book: Ledger) -> tuple[int, int]:
    """The head's seq and the number of entries: a write changes both."""
    with book.engine.connect() as conn:
        seq = conn.execute(text("SELECT seq FROM ledger_head")).scalar_one()
        count = conn.execute(text("SELECT COUNT(*) FROM transactions")).scalar_one()
    return int(seq), int(count)


def _last_seq(book: Ledger) -> int:
    return _head(book)[0]


# Each edit someone with database access could make to the head entry (the last of
# ISSUE_LINES, t4, which moves 10 credits from shinjuku/holding back to ina/holding).
EDITS = {
    "header": "UPDATE transactions SET quantity = 1 WHERE seq = {seq}",
    "memo": "UPDATE transactions SET memo = 'approved' WHERE seq = {seq}",
    "posting": "UPDATE postings SET amount = amount * 2, balance_after = balance_after * 2"
    " WHERE tx_seq = {seq}",
    "balance": "UPDATE balances SET quantity = quantity + 500 WHERE account_id = 'ina/holding'",
    "hash": "UPDATE transactions SET hash = 'f00d' WHERE seq = {seq}",
    "events deleted": "DELETE FROM block_events WHERE tx_seq = {seq}",
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_fresh_writer_refuses_to_write_on_an_edited_head(db_url: str, edit: str) -> None:
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    seq = _last_seq(book)
    behind_the_triggers(book, EDITS[edit].format(seq=seq))
    book.engine.dispose()

    fresh = Ledger.open(db_url)  # a new process: the simple path, reading under the lock
    before = _head(fresh)
    results = fresh.apply([_transfer("t9"), _transfer("t10")])
    assert [r.status for r in results] == [HISTORY_ALTERED] * 2
    assert [r.id for r in results] == ["t9", "t10"]
    assert f"the chain head (seq {seq})" in results[0].message
    assert _head(fresh) == before  # nothing was written
    fresh.engine.dispose()


def test_a_running_writer_refuses_once_its_head_is_edited(db_url: str) -> None:
    """The writer keeps what it knows between writes; on PostgreSQL it then writes in one
    round trip without reading the head (`presumed.py`). An edit made meanwhile is refused
    all the same, and the writer keeps refusing until the entry is put back."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    for n in range(3):  # on PostgreSQL the writer now presumes it is alone
        assert book.apply([_transfer(f"warm{n}")])[0].status == "ok"
    if not book.sqlite:
        assert book._presume
        assert book.known.stamp is not None
    seq = _last_seq(book)
    with book.engine.connect() as conn:
        memo = conn.execute(text(f"SELECT memo FROM transactions WHERE seq = {seq}")).scalar_one()
    behind_the_triggers(book, f"UPDATE transactions SET memo = 'forged' WHERE seq = {seq}")
    before = _head(book)

    refused = book.apply([_transfer("t9")], atomic=True)
    assert [r.status for r in refused] == [HISTORY_ALTERED]
    assert "hash does not recompute" in refused[0].message
    assert book.apply([_transfer("t10")])[0].status == HISTORY_ALTERED
    assert _head(book) == before

    # Put back as it was (the stamp changes, the content does not): writes go on.
    behind_the_triggers(book, f"UPDATE transactions SET memo = '{memo}' WHERE seq = {seq}")
    assert [r.status for r in book.apply([_transfer("t9"), _transfer("t10")])] == ["ok", "ok"]
    assert book.verify() == []
    book.engine.dispose()


def test_an_edited_entry_before_the_head_is_left_to_verify(db_url: str) -> None:
    """The check reads the head entry only (its cost does not grow with the ledger): an edit
    further back is `verify`'s to find, and documents refuse to print through it."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    behind_the_triggers(book, "UPDATE transactions SET memo = 'forged' WHERE id = 't1'")
    assert book.apply([_transfer("t9")])[0].status == "ok"
    assert book.verify() != []
    book.engine.dispose()


def test_the_api_and_the_cli_say_why(db_url: str, tmp_path: Path) -> None:
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    key = keys.create(book.engine, "shinjuku")[1]
    behind_the_triggers(book, f"UPDATE transactions SET quantity = 1 WHERE seq = {_last_seq(book)}")
    before = _head(book)

    client = TestClient(create_app(Ledger.open(db_url)))
    body = {k: v for k, v in _transfer("x").items() if k not in ("op", "id")}
    answer = client.post(
        "/api/v1/transfers",
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "k1"},
    )
    assert answer.status_code == 503, answer.text
    assert answer.json()["status"] == HISTORY_ALTERED
    assert "altered outside the ledger" in answer.json()["message"]

    lines = tmp_path / "ops.jsonl"
    lines.write_text(json.dumps(_transfer("t9")) + "\n", encoding="utf-8")
    applied = runner.invoke(app, ["ledger", "--db", db_url, "apply", str(lines)])
    assert applied.exit_code == 1
    result = json.loads(applied.stdout.splitlines()[0])
    assert result["status"] == HISTORY_ALTERED
    assert "offset ledger verify" in result["message"]
    assert "台帳の最新の記録" in result["message_ja"]
    assert _head(book) == before
    book.engine.dispose()
