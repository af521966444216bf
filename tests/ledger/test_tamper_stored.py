"""A value of another storage class than its column's (`forgeries.STORED`: a hand-edited
SQLite file) is a finding of `verify` that names the entry, the table and column and what it
holds, in both languages, in one process and in two, and over columns as row by row: never a
`TypeError` from the checks that would read it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from offset.common.messages import Msg
from offset.ledger import Ledger
from offset.ledger.verify import ahead, columns, history
from tests.ledger import forgeries
from tests.ledger.conftest import behind_the_triggers
from tests.ledger.forgeries import STORED, forge_stored

sqlite_template = forgeries.sqlite_template


@pytest.fixture
def book(sqlite_template: Path, tmp_path: Path) -> Ledger:
    copy = tmp_path / "ledger.db"
    shutil.copy(sqlite_template, copy)
    return Ledger.open(f"sqlite:///{copy}")


@pytest.mark.parametrize("name", list(STORED))
def test_a_value_of_another_storage_class_is_reported(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = forge_stored(book, name)
    found = book.discrepancies(workers=1)
    stored = [problem for problem in found if problem.check == "storage"]
    assert [problem.message for problem in stored] == [expected], found
    assert stored[0].seq is not None
    assert f"(seq {stored[0].seq})" in expected
    japanese = Msg.render(stored[0].message, "ja")  # type: ignore[arg-type]
    assert "として保存されています" in japanese
    assert japanese != expected
    assert book.discrepancies(workers=2) == found  # the chain checked in ranges, 2 processes
    monkeypatch.setattr(history, "COLUMNS", False)
    assert book.discrepancies(workers=1) == found  # the row pass alone: the same report
    book.engine.dispose()


@pytest.mark.parametrize("name", list(STORED))
def test_the_columnar_pass_leaves_it_to_the_row_pass(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read ahead by the helper process (ADBC's driver) in pieces of 3 entries, or here: the
    piece that holds the value is refused, and the report is the row pass's, word for word."""
    expected = forge_stored(book, name)
    monkeypatch.setattr(ahead, "HELPER_FROM", 1)
    monkeypatch.setattr(columns, "PIECE", 3)
    read_ahead = book.discrepancies(workers=1)
    monkeypatch.setattr(ahead, "HELPER", False)
    here = book.discrepancies(workers=1)
    monkeypatch.setattr(history, "COLUMNS", False)
    rows = book.discrepancies(workers=1)
    assert read_ahead == here == rows
    assert expected in [problem.message for problem in rows]
    book.engine.dispose()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "UPDATE transactions SET seq = 'x' || seq WHERE id = 't3'",
            "transactions.seq holds 'x{t3}', stored as text, not an integer",
        ),
        (
            "UPDATE postings SET tx_seq = CAST(CAST(tx_seq AS TEXT) AS BLOB) WHERE tx_seq = {t3}",
            "postings.tx_seq holds b'{t3}', stored as a blob, not an integer",
        ),
        (
            "UPDATE block_events SET tx_seq = 'x' WHERE tx_seq = {t3}",
            "block_events.tx_seq holds 'x', stored as text, not an integer",
        ),
    ],
)
def test_a_sequence_number_of_another_class_is_the_one_finding(
    book: Ledger, statement: str, expected: str
) -> None:
    """By which no history can be read in order: nothing else is checked (and no `TypeError`
    comparing it with the others)."""
    found = forgeries.holes(book)
    behind_the_triggers(book, statement.format(**found))
    for workers in (1, 2):
        [problem] = book.discrepancies(workers=workers)
        assert problem.check == "storage"
        assert problem.message.startswith(expected.format(**found)), problem.message
        assert "として保存された値" in Msg.render(problem.message, "ja")  # type: ignore[arg-type]
    book.engine.dispose()
