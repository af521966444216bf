"""The tamper suite's ledger and forgeries (`test_tamper*.py`): one ledger of every kind of
entry, and each forgery done behind the guards with the line `verify` must report for it.

The ledger is made once per module and each test gets a copy: what `build` made and checked,
without migrating and writing it again per test. On SQLite a copy of the file
(`sqlite_template`); on PostgreSQL a schema of its own made from what `pg_dump` wrote of the
module's (`postgresql_template`; a database copied from a template would be as quick to make,
but dropping a database forces a checkpoint of the whole server).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger.chain import body, link
from offset.ledger.database import reading
from offset.ledger.rows import HEADER_COLUMNS
from tests.ledger.conftest import (
    ISSUE_LINES,
    behind_the_triggers,
    pg_dump,
    pg_schema,
    pg_schema_from,
    seq_of,
)

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


def build(url: str) -> Ledger:
    """The ledger every tamper test starts from: the issue's lines and one of every other kind
    of entry (a party, a reservation and its post, a retirement for an agreement, a cancel)."""
    book = Ledger.open(url)
    results = book.apply([*ISSUE_LINES, *MORE])
    assert {r.status for r in results} == {"ok"}, results
    assert book.verify() == []
    return book


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's ledger on SQLite, closed (its WAL folded in), for `book` to copy."""
    template = tmp_path_factory.mktemp("tamper") / "template.db"
    build(f"sqlite:///{template}").engine.dispose()
    return template


@pytest.fixture(scope="module")
def postgresql_template() -> str | None:
    """The module's ledger on PostgreSQL as `pg_dump` writes it, for `book` to make again."""
    schemas = pg_schema()
    url = next(schemas)
    try:
        build(url).engine.dispose()
        return pg_dump(url)
    finally:
        next(schemas, None)  # dropped


@pytest.fixture(params=["sqlite", "postgresql"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    """The module's ledger (`build`) on each database: a copy of the file on SQLite."""
    if request.param == "sqlite":
        copy = tmp_path / "ledger.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), copy)
        found = Ledger.open(f"sqlite:///{copy}")
        yield found
        found.engine.dispose()
        return
    script = request.getfixturevalue("postgresql_template")
    for url in pg_schema() if script is None else pg_schema_from(script):
        found = build(url) if script is None else Ledger.open(url)
        yield found
        found.engine.dispose()


def sql(book: Ledger, *statements: str) -> None:
    with book.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def seqs(book: Ledger) -> dict[str, int]:
    return {tx: seq_of(book, tx) for tx in ("t1", "t2", "t3", "t4", "r1", "p1", "t5", "c1")}


# name -> (statements with {seq of a transaction} holes, what the report must say: one line,
# or several separated by " | ")
BEHIND: dict[str, tuple[list[str], str]] = {
    "quantity": (
        ["UPDATE transactions SET quantity = 2000 WHERE id = 't3'"],
        "transaction t3 (seq {t3}): does not match its operation in quantity",
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
        "transaction t5 (seq {t5}): does not match its operation in agreement",
    ),
    "reverses": (
        ["UPDATE transactions SET reverses = 't1' WHERE id = 't4'"],
        "transaction t4 (seq {t4}): does not match its operation in reverses",
    ),
    "resolves": (
        ["UPDATE transactions SET resolves = 't1' WHERE id = 'p1'"],
        "transaction p1 (seq {p1}): does not match its operation in resolves",
    ),
    "recorded_at": (
        ["UPDATE transactions SET recorded_at = '2001-01-01 00:00:00+00:00' WHERE id = 't3'"],
        "transaction t3 (seq {t3}): hash does not recompute",
    ),
    "beneficiary": (
        ["UPDATE transactions SET beneficiary = 'Evil KK' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): does not match its operation in beneficiary",
    ),
    "claim_period": (
        ["UPDATE transactions SET claim_period = '2030年度' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): does not match its operation in claim_period",
    ),
    "from_account": (
        ["UPDATE transactions SET from_account = 'ina/holding' WHERE id = 't5'"],
        "transaction t5 (seq {t5}): does not match its operation in from_account",
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


def holes(book: Ledger) -> dict[str, int]:
    """The seqs the forgeries' statements name ({t3}, {head}, {minato})."""
    found = seqs(book)
    with book.engine.connect() as conn:
        found["head"] = int(conn.execute(text("SELECT seq FROM ledger_head")).scalar_one())
        found["minato"] = int(
            conn.execute(
                text(
                    "SELECT MIN(seq) FROM transactions WHERE kind = 'party' AND operation LIKE '%minato%'"
                )
            ).scalar_one()
        )
    return found


def all_reported(expected: str, problems: list[str]) -> bool:
    return all(any(line in p for p in problems) for line in expected.split(" | "))


def forge(book: Ledger, name: str) -> str:
    """Do the forgery `name` behind the guards; what the report must say."""
    statements, expected = BEHIND[name]
    found = holes(book)
    behind_the_triggers(book, *(s.format(**found) for s in statements))
    return expected.format(**found)


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


def repoint_a_post(book: Ledger) -> list[str]:
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


# A value stored as another storage class than its column's (SQLite stores what it is given;
# PostgreSQL's columns refuse it): name -> (statements, the line `verify` must report). Apart
# from `BEHIND`, which runs on both databases and is compared with the columnar pass word for
# word: the columnar pass leaves such a piece to the row pass.
STORED: dict[str, tuple[list[str], str]] = {
    "an amount as a blob of its digits": (
        [
            "UPDATE postings SET amount = CAST(CAST(amount AS TEXT) AS BLOB)"
            " WHERE tx_seq = {t3} AND amount > 0"
        ],
        "transaction t3 (seq {t3}): postings.amount is stored as a blob, not an integer",
    ),
    "an amount as text": (  # full-width digits: text that no integer affinity converts
        ["UPDATE postings SET amount = '１０' WHERE tx_seq = {t3} AND amount > 0"],
        "transaction t3 (seq {t3}): postings.amount is stored as text, not an integer",
    ),
    "an amount as a real": (
        ["UPDATE postings SET amount = amount + 0.5 WHERE tx_seq = {t3} AND amount > 0"],
        "transaction t3 (seq {t3}): postings.amount is stored as a real, not an integer",
    ),
    "an event's start as text": (  # text sorts after any number: its CHECK (start < stop) off
        [
            "PRAGMA ignore_check_constraints = ON",
            "UPDATE block_events SET start = '２０' WHERE tx_seq = {t3}",
        ],
        "transaction t3 (seq {t3}): block_events.start is stored as text, not an integer",
    ),
    "an operation as a blob": (
        ["UPDATE transactions SET operation = CAST(operation AS BLOB) WHERE id = 't5'"],
        "transaction t5 (seq {t5}): transactions.operation is stored as a blob, not text",
    ),
    "a memo as a blob": (
        ["UPDATE transactions SET memo = CAST(memo AS BLOB) WHERE id = 'r1'"],
        "transaction r1 (seq {r1}): transactions.memo is stored as a blob, not text",
    ),
    "a hash as a blob": (
        ["UPDATE transactions SET hash = CAST(hash AS BLOB) WHERE id = 't2'"],
        "transaction t2 (seq {t2}): transactions.hash is stored as a blob, not text",
    ),
    "a reference entry's kind as a blob": (
        ["UPDATE transactions SET kind = CAST(kind AS BLOB) WHERE seq = {minato}"],
        "entry (seq {minato}): transactions.kind is stored as a blob, not text",
    ),
}


def forge_stored(book: Ledger, name: str) -> str:
    """Do the forgery `name` of `STORED` (SQLite); what the report must say."""
    statements, expected = STORED[name]
    found = holes(book)
    behind_the_triggers(book, *(s.format(**found) for s in statements))
    return expected.format(**found)
