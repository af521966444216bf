"""SQLite read by the helper process (`ahead.Helper`, `verify/sqlite_reader.py`: ADBC's driver
in a process of its own): the columns it hands over are the ones this process's own read builds,
and a value of a storage class its column does not allow (SQLite stores what it is given) is
refused by both, wherever it is (the driver types a column by its first rows), so that a blob of
digits in an INTEGER column can never pass for the number (and a forged hash with it), nor a blob
in a TEXT column for its text: the row pass reports either (`verify/stored.py`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from offset.ledger import Ledger
from offset.ledger.verify import ahead, columns
from tests.ledger import forgeries
from tests.ledger.conftest import behind_the_triggers

sqlite_template = forgeries.sqlite_template

#: a value of each storage class, in an INTEGER and a TEXT column (None: the same column's)
ODD: dict[str, Any] = {
    "null": None,
    "blob of digits": b"7",
    "real": 7.5,
    "text": "seven",
    "blob of UTF-8": "七".encode(),
    "blob not UTF-8": b"\xff\xfe",
}
ROWS = 3_000  # more than the driver's first batch (1,024 rows), so that a value comes later


def _synthetic(path: Path) -> list[tuple[str, str, str]]:
    """A database of the three tables (the columns `columns._TABLES` reads, typed as the
    ledger's), a piece of `ROWS` entries for each odd value, in a posting's INTEGER column
    (`amount`) or TEXT column (`account_id`), in the piece's first row, its last, or in every
    row (so that the driver types the column by it)."""
    db = sqlite3.connect(path)
    for table, names, _, _ in columns._TABLES:
        typed = ", ".join(
            f"{n} {'TEXT' if columns._type(table, n) == pa.string() else 'INTEGER'}" for n in names
        )
        db.execute(f"CREATE TABLE {table} ({typed})")
    cases = [
        (name, column, where)
        for name in ODD
        for column in ("amount", "account_id")
        for where in ("first", "last", "every")
    ]
    for i, (name, column, where) in enumerate(cases):
        seqs = range(i * ROWS + 1, (i + 1) * ROWS + 1)
        db.executemany(
            "INSERT INTO transactions (seq, id) VALUES (?, ?)", ((s, f"t{s}") for s in seqs)
        )
        db.executemany(
            "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after)"
            " VALUES (?, 'a/holding', 1, ?, ?)",
            ((s, s, s) for s in seqs),
        )
        db.executemany(
            "INSERT INTO block_events (tx_seq, class_id, start, stop, to_account)"
            " VALUES (?, 1, ?, ?, 'a/holding')",
            ((s, s, s + 1) for s in seqs),
        )
        forged = {"first": seqs[:1], "last": seqs[-1:], "every": seqs}[where]
        db.execute(
            f"UPDATE postings SET {column} = ? WHERE tx_seq BETWEEN ? AND ?",
            (ODD[name], forged[0], forged[-1]),
        )
    db.commit()
    db.close()
    return cases


def test_the_helper_reads_what_this_process_reads_and_refuses_what_it_refuses(
    tmp_path: Path,
) -> None:
    """Each piece: the helper's columns are this process's, or both refuse the piece."""
    path = tmp_path / "odd.db"
    cases = _synthetic(path)
    found: list[tuple[int | None, int]] = [
        (i * ROWS + 1, (i + 1) * ROWS + 1) for i in range(len(cases))
    ]
    connection = sqlite3.connect(path)
    helper = ahead.Helper(str(path), found)
    read_by_both = 0
    try:
        for (lo, hi), (name, column, where) in zip(found, cases, strict=True):
            assert helper.asked(lo, hi)
            taken = helper.take()
            helped = None if taken is None else columns._sorted(taken)
            here = columns._sqlite(connection, lo, hi)
            case = f"{name} in {column}, {where} row"
            assert (helped is None) == (here is None), case
            if helped is not None and here is not None:
                read_by_both += 1
                for mine, theirs in zip(
                    (helped.heads, helped.posts, helped.moves),
                    (here.heads, here.posts, here.moves),
                    strict=True,
                ):
                    assert mine.equals(theirs), case
            if name.startswith("blob") or (column == "amount" and name != "null"):
                assert helped is None, case  # never read as a number, or as text (`stored.py`)
    finally:
        helper.close()
        connection.close()
    # a null anywhere; in a text column, what its affinity stores as text (a blob, of UTF-8
    # or not, is left to the row pass, which reports it)
    assert read_by_both == 3 * (1 + 3), read_by_both


@pytest.fixture
def book(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A copy of the tamper suite's ledger on SQLite, read by the helper at any size."""
    monkeypatch.setattr(ahead, "HELPER_FROM", 1)
    copy = tmp_path / "ledger.db"
    copy.write_bytes(sqlite_template.read_bytes())
    found = Ledger.open(f"sqlite:///{copy}")
    yield found
    found.engine.dispose()


#: storage-class forgeries of one row (a posting's amount, an entry's memo or operation)
STORAGE = {
    "a posting's amount as a blob of its digits": "UPDATE postings SET amount ="
    " CAST(CAST(amount AS TEXT) AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM postings)",
    "a posting's amount as a REAL": "UPDATE postings SET amount = amount + 0.5"
    " WHERE rowid = (SELECT MAX(rowid) FROM postings)",
    "an event's start as text": "UPDATE block_events SET start = 'x' || start"
    " WHERE rowid = (SELECT MIN(rowid) FROM block_events)",
    "an operation as a blob of its UTF-8": "UPDATE transactions SET operation ="
    " CAST(operation AS BLOB) WHERE seq = (SELECT MAX(seq) FROM transactions)",
    "a memo as a blob that is not UTF-8": "UPDATE transactions SET memo = X'FF'"
    " WHERE seq = (SELECT MAX(seq) FROM transactions)",
}


def _outcome(book: Ledger) -> Any:
    """What `verify` gives: its report, or the error it stopped at (the row pass of main
    stops at some of these forgeries, a value of the wrong class, with a TypeError)."""
    try:
        found = book.verification()
    except TypeError as error:
        return type(error).__name__
    return found.discrepancies, found.entries, found.postings


@pytest.mark.parametrize("name", ["", *STORAGE])
def test_verify_through_the_helper_ends_as_without_it(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A storage-class forgery (and none), checked through the helper and without it (this
    process reading the columns, as before the helper): the same outcome, word for word; a
    number stored as another class never passes."""
    if name:
        behind_the_triggers(book, STORAGE[name])
    started = []
    of = ahead._helper

    def helper(*args: Any) -> Any:
        found = of(*args)
        started.append(found is not None)
        return found

    monkeypatch.setattr(ahead, "_helper", helper)
    helped = _outcome(book)
    assert started == [True], "the helper did not read the ledger"
    monkeypatch.setattr(ahead, "HELPER", False)
    assert _outcome(book) == helped
    if "amount" in name or "start" in name:
        assert helped == "TypeError" or helped[0], "a number stored as another class passed"
    if not name:
        assert helped[0] == []
