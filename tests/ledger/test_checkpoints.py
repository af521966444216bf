"""Checkpoints and incremental verification: a signed checkpoint pins the history up to it, and
`verify` given one reads only what came after where the database proves the past unwritten
(PostgreSQL; `past.py`), and all of it where it cannot (SQLite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger import checkpoint as checkpoints
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers, seq_of

MOVE: dict[str, Any] = {"op": "transfer", "from": "ina/holding", "to": "shinjuku/holding"}
MOVE |= {"project": "ina-forest", "vintage": 2024, "quantity": 1}


@pytest.fixture
def signed(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, checkpoints.Checkpoint]:
    """A ledger with a checkpoint after its first transactions, and more after it."""
    ledger.apply(ISSUE_LINES)
    key = tmp_path / "registry.key"
    checkpoints.keygen(key)
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(ledger.checkpoint(key)))
    ledger.apply([{**MOVE, "id": f"after{i}"} for i in range(5)])
    return ledger, checkpoints.load(path)


def test_incremental_verify_reads_after_the_checkpoint_and_sees_it_all(
    signed: tuple[Ledger, Any],
) -> None:
    book, held = signed
    full = book.verification(full=True)
    incremental = book.verification(checkpoints=(held,))
    assert incremental.problems == full.problems == []
    # it began after the checkpoint where the database proves the past unwritten
    assert incremental.since == (0 if book.sqlite else held.seq)
    assert full.since == 0
    same = ("entries", "postings", "head_seq", "head_hash")
    assert [getattr(incremental, f) for f in same] == [getattr(full, f) for f in same]


@pytest.mark.parametrize(
    "forgery",
    [
        "UPDATE transactions SET memo = 'edited' WHERE id = 'after3'",
        "UPDATE balances SET quantity = quantity + 1 WHERE account_id = 'shinjuku/holding'",
        "UPDATE blocks SET account_id = 'ina/holding' WHERE account_id = 'shinjuku/retirement'",
        "UPDATE accounts SET kind = 'holding' WHERE id = 'shinjuku/retirement'",
    ],
)
def test_a_forgery_after_the_checkpoint_is_reported_as_a_full_verify_reports_it(
    signed: tuple[Ledger, Any], forgery: str
) -> None:
    book, held = signed
    behind_the_triggers(book, forgery)
    incremental = book.verification(checkpoints=(held,))
    assert incremental.since == (0 if book.sqlite else held.seq)
    assert incremental.problems
    assert incremental.problems == book.verification(checkpoints=(held,), full=True).problems


def test_an_edit_before_the_checkpoint_is_read_again_and_named(
    signed: tuple[Ledger, Any],
) -> None:
    """An entry before the checkpoint edited without re-chaining: the database no longer proves
    the past unwritten, so it is read again and named, as a full verify names it (issue 32; it
    used to pass). Re-chained, the checkpoint itself tells: the hash it signed is gone."""
    book, held = signed
    behind_the_triggers(book, "UPDATE transactions SET memo = 'edited' WHERE id = 't2'")
    incremental = book.verification(checkpoints=(held,))
    assert incremental.since == 0
    full = book.verification(checkpoints=(held,), full=True).problems
    assert incremental.problems == full
    assert any(
        f"transaction t2 (seq {seq_of(book, 't2')}): hash does not recompute" in p for p in full
    )
    behind_the_triggers(book, f"UPDATE transactions SET hash = 'rewritten' WHERE seq = {held.seq}")
    rewritten = book.verification(checkpoints=(held,)).problems
    assert any("the history up to it was rewritten" in p for p in rewritten)


def test_a_changed_kept_state_is_named_and_the_history_read_in_full(
    signed: tuple[Ledger, Any],
) -> None:
    book, held = signed
    with book.engine.begin() as conn:
        conn.execute(
            text("UPDATE verified_states SET state = replace(state, 'entries', 'entries ')")
        )
    found = book.verification(checkpoints=(held,))
    assert found.since == 0
    assert found.problems == [
        f"checkpoint {held.path} (seq {held.seq}): the verified state kept at it is not the one it"
        " signed (the history was read in full instead)"
    ]


def test_a_ledger_that_does_not_verify_gets_no_checkpoint(ledger: Ledger, tmp_path: Path) -> None:
    ledger.apply(ISSUE_LINES)
    behind_the_triggers(ledger, "UPDATE transactions SET memo = 'x' WHERE id = 't1'")
    key = tmp_path / "k"
    checkpoints.keygen(key)
    with pytest.raises(checkpoints.CheckpointError, match="does not verify"):
        ledger.checkpoint(key)
