"""Every forgery of the tamper suite (`forgeries.BEHIND`, and none) checked by `verify` over
columns (`verify/columnar.py`), in pieces, and row by row: the same report, word for word, on
both databases. Apart from `test_tamper.py` so that parallel workers share the suite."""

from __future__ import annotations

from typing import Any

import pytest

from offset.ledger import Ledger, states
from offset.ledger.verify import ahead, columns, history
from tests.ledger import forgeries
from tests.ledger.forgeries import BEHIND, forge

book = forgeries.book  # a copy of the module's ledger per test, on each database
sqlite_template = forgeries.sqlite_template
postgresql_template = forgeries.postgresql_template


@pytest.mark.parametrize("name", ["", *BEHIND])
def test_the_columnar_pass_reports_what_the_row_pass_does(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every forgery (and none), checked over columns and row by row: the same report, word for
    word, with each problem tagged with the same entry and check."""
    if name:
        forge(book, name)
    read, taken = columns.read, []

    def reading(*args: Any) -> Any:
        found = read(*args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(columns, "read", reading)
    columnar = book.verification()
    assert taken, "the columnar pass read no range"
    assert all(taken), "a range fell back to the rows: both reports would be the row pass's"
    with monkeypatch.context() as patch:  # read in pieces of 3 entries, each its own range
        patch.setattr(columns, "PIECE", 3)
        pieces = book.verification()
    monkeypatch.setattr(history, "COLUMNS", False)
    rows = book.verification()
    assert columnar.discrepancies == rows.discrepancies
    assert pieces.discrepancies == rows.discrepancies
    assert pieces.state is not None
    assert bool(columnar.discrepancies) == bool(name)
    assert columnar.state is not None
    assert rows.state is not None
    # what the books' checks and a checkpoint's state are built from, in its canonical form
    assert states.encode(columnar.state) == states.encode(rows.state)
    assert states.encode(pieces.state) == states.encode(rows.state)
    assert (columnar.entries, columnar.postings) == (rows.entries, rows.postings)


@pytest.mark.parametrize("name", ["", next(iter(BEHIND))])
def test_every_piece_is_read_ahead(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every piece but SQLite's tail after the last entry (stray rows only, read on the
    caller's connection) comes from `ahead.py` (SQLite's helper process, PostgreSQL's thread),
    and the report is the row pass's, word for word."""
    if name:
        forge(book, name)
    monkeypatch.setattr(ahead, "HELPER_FROM", 1)
    monkeypatch.setattr(columns, "PIECE", 3)
    here: list[int | None] = []

    def counted(read: Any) -> Any:
        def reading(connection: Any, lo: int | None, hi: int | None) -> Any:
            here.append(hi)
            return read(connection, lo, hi)

        return reading

    monkeypatch.setattr(columns, "_sqlite", counted(columns._sqlite))
    monkeypatch.setattr(columns, "_postgresql", counted(columns._postgresql))
    read_ahead = book.verification()
    assert here == ([None] if book.sqlite else []), "pieces read here, not ahead"
    monkeypatch.setattr(history, "COLUMNS", False)
    rows = book.verification()
    assert read_ahead.discrepancies == rows.discrepancies
    assert bool(read_ahead.discrepancies) == bool(name)
    assert read_ahead.state is not None
    assert rows.state is not None
    assert states.encode(read_ahead.state) == states.encode(rows.state)
