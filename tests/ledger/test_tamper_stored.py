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
