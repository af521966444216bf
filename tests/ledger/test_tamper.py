"""Tampering with the ledger, as an attacker with database access would, on both databases.

Each forgery is either refused by the database's guards, or done behind them (triggers off) and
then reported by `verify`, naming what was changed. A history rewritten and re-chained from
some entry on recomputes, so only a checkpoint signed before it tells it apart. And each of
`verify`'s checks is needed: with any one of them disabled, some forgery here goes unreported.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from offset.ledger import Ledger, states
from offset.ledger import checkpoint as checkpoints
from offset.ledger.chain import body, link
from offset.ledger.database import reading
from offset.ledger.rows import HEADER_COLUMNS
from offset.ledger.verify import CHECKS, columns, history
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers, pg_schema, seq_of

PROJECT = {"project": "ina-forest", "vintage": 2024}
MORE: list[dict[str, Any]] = [
    {"op": "open_party", "party": "minato", "kind": "company", "name": "港区"},
    {"op": "open_account", "account": "minato/holding", "party": "minato", "kind": "holding"},
    {"op": "reserve", "id": "r1", "from": "ina/holding", "to": "minato/holding", **PROJECT}
    | {"quantity": 12, "memo": "for the school PV"},
    {"op": "post", "id": "p1", "reservation": "r1", "quantity": 10},
    {"op": "retire", "id": "t5", "from": "minato/holding", **PROJECT}
    | {"quantity": 4, "beneficiary": "港区", "reason": "FY2024 offset"}
    | {"claim_period": "2024年度", "agreement": "minato-ina"},
    {"op": "cancel", "id": "c1", "from": "buffer:J-Credit", **PROJECT}
    | {"quantity": 1, "reason": "fire"},
    {"op": "describe", "subject": "project", "name": "ina-forest", "title": "伊那市の森"}
    | {"place_code": "202096", "place_name": "伊那市"},
    {"op": "describe", "subject": "agreement", "name": "minato-ina", "title": "港区と伊那市の協定"},
]


def _book(url: str) -> Ledger:
    book = Ledger.open(url)
    results = book.apply([*ISSUE_LINES, *MORE])
    assert {r.status for r in results} == {"ok"}, results
    assert book.verify() == []
    return book


@pytest.fixture
def book(db_url: str) -> Iterator[Ledger]:
    found = _book(db_url)
    yield found
    found.engine.dispose()


def _sql(book: Ledger, *statements: str) -> None:
    with book.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _seqs(book: Ledger) -> dict[str, int]:
    return {tx: seq_of(book, tx) for tx in ("t1", "t2", "t3", "t4", "r1", "p1", "t5", "c1")}


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
        _sql(book, statement)
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
        _sql(book, forged, moved)
    assert book.verify() == []


@pytest.mark.parametrize("table", TRUNCATED)
def test_history_cannot_be_truncated(book: Ledger, table: str) -> None:
    """PostgreSQL's TRUNCATE skips row triggers: a statement trigger refuses it (SQLite has no
    TRUNCATE; its `DELETE FROM` is refused above)."""
    if book.sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="TRUNCATE refused"):
        _sql(book, f"TRUNCATE {table} CASCADE")
    assert book.verify() == []


# --- done behind the guards, and reported by verify ----------------------------------------

# name -> (statements with {seq of a transaction} holes, what the report must say: one line,
# or several separated by " | ")
BEHIND: dict[str, tuple[list[str], str]] = {
    "quantity": (
        ["UPDATE transactions SET quantity = 2000 WHERE id = 't3'"],
        "transaction t3 (seq {t3}): quantity differ from its operation",
    ),
    "fiscal_year": (
        ["UPDATE transactions SET fiscal_year = 2019 WHERE id = 't3'"],
        "transaction t3 (seq {t3}): fiscal_year is not the FY",
    ),
    "memo": (
        ["UPDATE transactions SET memo = 'edited' WHERE id = 'r1'"],
        "transaction r1 (seq {r1}): hash does not recompute",
    ),
    "agreement": (
        ["UPDATE transactions SET agreement = 'other' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): agreement differ from its operation",
    ),
    "reverses": (
        ["UPDATE transactions SET reverses = 't1' WHERE id = 't4'"],
        "transaction t4 (seq {t4}): reverses differ from its operation",
    ),
    "resolves": (
        ["UPDATE transactions SET resolves = 't1' WHERE id = 'p1'"],
        "transaction p1 (seq {p1}): resolves differ from its operation",
    ),
    "recorded_at": (
        ["UPDATE transactions SET recorded_at = '2001-01-01 00:00:00+00:00' WHERE id = 't3'"],
        "transaction t3 (seq {t3}): hash does not recompute",
    ),
    "beneficiary": (
        ["UPDATE transactions SET beneficiary = 'Evil KK' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): beneficiary differ from its operation",
    ),
    "claim_period": (
        ["UPDATE transactions SET claim_period = '2030年度' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): claim_period differ from its operation",
    ),
    "from_account": (
        ["UPDATE transactions SET from_account = 'ina/holding' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): from_account differ from its operation",
    ),
    "content_hash": (
        ["UPDATE transactions SET content_hash = 'x' WHERE id = 't2'"],
        "transaction t2 (seq {t2}): content_hash is not the operation's hash",
    ),
    "balance_after": (
        [
            "UPDATE postings SET balance_after = 999 WHERE tx_seq = {t3}"
            " AND account_id = 'shinjuku/holding'"
        ],
        "posting of shinjuku/holding class 1 (seq {t3}): balance_after 999, expected 30",
    ),
    "balance_after of the last posting": (
        [
            "UPDATE postings SET balance_after = 999 WHERE tx_seq = {t4}"
            " AND account_id = 'shinjuku/holding'"
        ],
        "posting of shinjuku/holding class 1 (seq {t4}): balance_after 999, expected 20",
    ),
    "an event's destination": (
        ["UPDATE block_events SET to_account = 'shinjuku/holding' WHERE tx_seq = {t3}"],
        "transaction t3 (seq {t3}): block events do not move what the postings move",
    ),
    "an event's source": (
        ["UPDATE block_events SET from_account = 'minato/holding' WHERE tx_seq = {t3}"],
        "transaction t3 (seq {t3}): hash does not recompute",
    ),
    "an event inserted": (
        [
            "INSERT INTO block_events (tx_seq, class_id, start, stop, from_account, to_account)"
            " VALUES ({t5}, 1, 90, 91, 'ina/holding', 'minato/retirement')"
        ],
        "transaction t5 (seq {t5}): block events do not move what the postings move",
    ),
    "a balance": (
        ["UPDATE balances SET quantity = quantity + 5 WHERE account_id = 'shinjuku/holding'"],
        "balance shinjuku/holding class 1: stored 25, postings sum to 20 | class 1: balances sum"
        " to 5, not 0",
    ),
    "postings added to a transaction": (
        [
            "INSERT INTO postings (tx_seq, account_id, class_id, amount, balance_after)"
            " VALUES ({t2}, 'ina/holding', 1, -1, 0), ({t2}, 'shinjuku/holding', 1, 1, 0)"
        ],
        "transaction t2 (seq {t2}): hash does not recompute",
    ),
    "an account's kind": (
        ["UPDATE accounts SET kind = 'holding' WHERE id = 'shinjuku/retirement'"],
        "account shinjuku/retirement: the table holds ('shinjuku', 'holding', 'open')",
    ),
    "an instrument": (
        ["UPDATE instruments SET transferable = true WHERE name = 'prefectural-certificate'"],
        "instrument prefectural-certificate: the table holds True, the history False",
    ),
    "a class's instrument": (
        ["UPDATE credit_classes SET instrument = 'J-VER' WHERE id = 1"],
        "credit class 1: the table holds ('J-VER'",
    ),
    "a party's name": (
        ["UPDATE parties SET name = 'Evil City' WHERE id = 'minato'"],
        "party minato: the table holds ('company', 'Evil City'",
    ),
    "a project's title and place": (
        ["UPDATE titles SET title = 'Evil Forest', place_name = '港区' WHERE name = 'ina-forest'"],
        "title project ina-forest: the table holds ('Evil Forest', '202096', '港区'), the"
        " history ('伊那市の森', '202096', '伊那市')",
    ),
    "an agreement's title": (
        ["UPDATE titles SET title = 'Evil' WHERE subject = 'agreement'"],
        "title agreement minato-ina: the table holds ('Evil', '', '')",
    ),
    "a title made up": (
        ["INSERT INTO titles VALUES ('project', 'made-up', 'Made up', '', '')"],
        "title project made-up: in its table, never recorded in the history",
    ),
    "the head's date": (
        ["UPDATE ledger_head SET effective_date = '2001-01-01'"],
        "ledger head (seq {head}) does not match the last entry",
    ),
    "blocks swapped": (  # [50, 70) of ina and [30, 50) of shinjuku change hands: every sum holds
        [
            "UPDATE blocks SET stop = 70 WHERE account_id = 'ina/holding' AND start = 50",
            "INSERT INTO blocks (class_id, start, stop, account_id) VALUES (1, 70, 114, 'ina/holding')",
            "UPDATE blocks SET account_id = CASE start WHEN 30 THEN 'ina/holding'"
            " ELSE 'shinjuku/holding' END WHERE start IN (30, 50)",
        ],
        "blocks of ina/holding class 1 differ from what the block events left it (at serial 30)",
    ),
    "a serial's holder": (
        [
            "UPDATE blocks SET account_id = 'shinjuku/holding' WHERE account_id = 'shinjuku/retirement'"
        ],
        "blocks of shinjuku/holding class 1 hold",
    ),
    "a block deleted": (
        ["DELETE FROM blocks WHERE start = 0"],
        "class 1: serials [0, 20) are held by no account",
    ),
    "a class's next serial": (
        ["UPDATE credit_classes SET next_serial = 200 WHERE id = 1"],
        "class 1: 120 serials minted, but next_serial is 200",
    ),
    "an entry deleted": (
        ["DELETE FROM transactions WHERE id = 't5'"],
        "sequence gap: expected {t5}, found | postings or block events of seq {t5} belong to"
        " no entry",
    ),
    "a date moved back": (
        [
            "UPDATE transactions SET effective_date = '2001-01-01', fiscal_year = 2000 WHERE id = 't5'"
        ],
        "transaction t5 (seq {t5}): effective 2001-01-01 is before",
    ),
    "postings that do not balance": (
        [
            "UPDATE postings SET amount = amount + 5, balance_after = balance_after + 5"
            " WHERE tx_seq = {t2} AND amount > 0",
        ],
        "transaction seq {t2}: postings of class 1 sum to 5, not 0",
    ),
    "a first balance_after": (
        [
            "UPDATE postings SET balance_after = balance_after + 1 WHERE tx_seq = {t1}"
            " AND account_id = 'ina/holding'",
        ],
        "posting of ina/holding class 1 (seq {t1}): balance_after 115, expected 114",
    ),
    "retired credits moved out": (
        [
            "UPDATE postings SET account_id = 'minato/retirement' WHERE tx_seq = {t5}"
            " AND account_id = 'minato/holding'",
            "UPDATE postings SET account_id = 'minato/holding' WHERE tx_seq = {t5}"
            " AND account_id = 'minato/retirement' AND amount > 0",
        ],
        "credits of class 1 left minato/retirement, a retirement account",
    ),
    "a reference entry's content": (
        [
            "UPDATE transactions SET operation = replace(operation, '港区', 'Evil') WHERE seq = {minato}",
            "UPDATE parties SET name = 'Evil' WHERE id = 'minato'",
        ],
        "party entry (seq {minato}): hash does not recompute",
    ),
}


def _holes(book: Ledger) -> dict[str, int]:
    holes = _seqs(book)
    with book.engine.connect() as conn:
        holes["head"] = int(conn.execute(text("SELECT seq FROM ledger_head")).scalar_one())
        holes["minato"] = int(
            conn.execute(
                text(
                    "SELECT MIN(seq) FROM transactions WHERE kind = 'party' AND operation LIKE '%minato%'"
                )
            ).scalar_one()
        )
    return holes


def _all_reported(expected: str, problems: list[str]) -> bool:
    return all(any(line in p for p in problems) for line in expected.split(" | "))


def _forge(book: Ledger, name: str) -> str:
    """Do the forgery `name` behind the guards; what the report must say."""
    statements, expected = BEHIND[name]
    holes = _holes(book)
    behind_the_triggers(book, *(s.format(**holes) for s in statements))
    return expected.format(**holes)


@pytest.mark.parametrize("name", ["", *BEHIND])
def test_the_columnar_pass_reports_what_the_row_pass_does(
    book: Ledger, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every forgery (and none), checked over columns and row by row: the same report, word for
    word, with each problem tagged with the same entry and check."""
    if name:
        _forge(book, name)
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


@pytest.mark.parametrize("name", list(BEHIND))
def test_a_forgery_behind_the_guards_is_reported(book: Ledger, name: str) -> None:
    expected = _forge(book, name)
    problems = book.verify()
    assert _all_reported(expected, problems), problems
    assert book.verify(workers=2) == problems  # the chain checked in ranges, in 2 processes


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
        _sql(
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
    _sql(
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


def rechain(book: Ledger, first: int) -> None:
    """Recompute every hash from entry `first` on, as a forger who edited it would."""
    with reading(book.engine) as conn:
        previous = conn.execute(
            text("SELECT hash FROM transactions WHERE seq = :s"), {"s": first - 1}
        ).scalar_one()
        rows = conn.execute(
            text(
                f"SELECT {', '.join(HEADER_COLUMNS)} FROM transactions WHERE seq >= :s ORDER BY seq"
            ),
            {"s": first},
        ).all()
        postings = conn.execute(
            text("SELECT tx_seq, account_id, class_id, amount, balance_after FROM postings")
        ).all()
        events = conn.execute(
            text("SELECT tx_seq, class_id, start, stop, from_account, to_account FROM block_events")
        ).all()
    statements = []
    for row in rows:
        seq = row[0]
        digest = link(
            previous,
            body(row, [p for p in postings if p[0] == seq], [e for e in events if e[0] == seq]),
        )
        statements.append(
            f"UPDATE transactions SET prev_hash = '{previous}', hash = '{digest}' WHERE seq = {seq}"
        )
        previous = digest
    statements.append(f"UPDATE ledger_head SET hash = '{previous}'")
    behind_the_triggers(book, *statements)


def test_a_rechained_rewrite_is_told_apart_only_by_a_checkpoint(
    book: Ledger, tmp_path: Path
) -> None:
    key = tmp_path / "registry.key"
    checkpoints.keygen(key)
    signed = tmp_path / "checkpoint.json"
    with reading(book.engine) as conn:
        import json

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
    import hashlib

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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mutation check of the suite (SQLite, a copy of one ledger per forgery): with any one
    check disabled, at least one forgery above is no longer reported as it should be."""
    template = tmp_path / "template.db"
    _book(f"sqlite:///{template}").engine.dispose()

    def reported(name: str) -> bool:
        copy = tmp_path / f"{abs(hash(name))}.db"
        shutil.copy(template, copy)
        forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
        try:
            return _all_reported(_forge(forged, name), forged.verify(workers=1))
        finally:
            forged.engine.dispose()
            copy.unlink()

    extra: dict[str, Callable[[], bool]] = {
        "_guards": lambda: _guard_reported(tmp_path, template),
        "_checkpoints": lambda: _checkpoint_reported(tmp_path, template),
        "_pending_problems": lambda: _pending_reported(tmp_path, template),
    }
    assert all(reported(name) for name in BEHIND)  # all caught with every check on
    missed: dict[str, list[str]] = {}
    for check, home in CHECKS.items():
        with monkeypatch.context() as patch:
            patch.setattr(importlib.import_module(home), check, lambda *a, **k: [])
            if check in extra:
                missed[check] = [] if extra[check]() else [check]
            else:
                missed[check] = [name for name in BEHIND if not reported(name)]
    uncaught = [check for check, names in missed.items() if not names]
    assert uncaught == [], uncaught


def _guard_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "guards.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    try:
        _sql(forged, "DROP TRIGGER blocks_no_overlap")
        return bool(forged.verify())
    finally:
        forged.engine.dispose()
        copy.unlink()


def _repoint_a_post(book: Ledger) -> list[str]:
    """A second reservation of 3 from Ina, left open; then p1 (which posted r1's 12: 10 to Minato,
    2 back) rewritten to resolve it instead, its operation and content hash alike, and the chain
    recomputed: every sum still holds, and every hash. What the report must say."""
    [reserved] = book.apply([{**MORE[2], "id": "r2", "quantity": 3, "memo": ""}])
    assert reserved.status == "ok"
    p1 = seq_of(book, "p1")
    behind_the_triggers(
        book,
        "UPDATE transactions SET resolves = 'r2',"
        f" operation = replace(operation, '\"r1\"', '\"r2\"') WHERE seq = {p1}",
    )
    with reading(book.engine) as conn:
        operation = conn.execute(text(f"SELECT operation FROM transactions WHERE seq = {p1}"))
        content = hashlib.sha256(operation.scalar_one().encode()).hexdigest()
    behind_the_triggers(
        book, f"UPDATE transactions SET content_hash = '{content}' WHERE seq = {p1}"
    )
    rechain(book, p1)
    # p1 now resolves a reservation made after it; r1's 12 and r2's 3 look open, but ina/pending
    # holds r2's 3 alone
    return [
        f"transaction seq {p1}: resolves r2, which is not an open reservation",
        "pending ina/pending class 1: holds 3, its open reservations 15",
    ]


def test_a_post_repointed_at_another_reservation_is_named(book: Ledger) -> None:
    expected = _repoint_a_post(book)
    assert book.verify() == expected
    assert book.verify(workers=2) == expected


def _pending_reported(tmp_path: Path, template: Path) -> bool:
    copy = tmp_path / "pending.db"
    shutil.copy(template, copy)
    forged = Ledger.open(f"sqlite:///{copy}", migrate=False)
    try:
        return _repoint_a_post(forged) == forged.verify(workers=1)
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
