"""`verify`: every check, in one committed state, as one report of typed records.

The chain pass (`workers._chain`: one process, or several for a large ledger) runs while this
process reads the derived tables (`tables._tables`); then the books' checks (`books._books`),
the guards' (`installed._guards`) and the checkpoints'. `CHECKS` names every check and where it
lives: the tamper suite (`tests/ledger/test_tamper.py`) disables each in turn and needs a
forgery that only it catches, so a new check comes with its forgery and its line here.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection, text

from offset.ledger.database import read_only
from offset.ledger.verify import books, installed, stored, tables, workers
from offset.ledger.verify.entries import ENTRY_CHECKS
from offset.ledger.verify.ranges import ChainPart
from offset.ledger.verify.report import Discrepancy, Verification

_PACKAGE = "offset.ledger.verify"
#: Every check, by name, with the module it lives in (and is looked up in when it runs).
CHECKS: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "_sequence_problems",
            "_link_problems",
            "_date_problems",
            "_header_problems",
            "_unbalanced",
            "_balance_after_problems",
            "_flow",
            "_storage_problems",
        ),
        f"{_PACKAGE}.entries",
    ),
    **dict.fromkeys(("_opening_problems", "_orphan_problems"), f"{_PACKAGE}.ranges"),
    "_reference_problems": f"{_PACKAGE}.tables",
    **dict.fromkeys(
        (
            "_finality_problems",
            "_stored_balance_problems",
            "_balance_rule_problems",
            "_coverage_problems",
            "_minting_problems",
            "_layout_problems",
            "_held_problems",
            "_pending_problems",
            "_head_problems",
        ),
        f"{_PACKAGE}.books",
    ),
    "_guards": f"{_PACKAGE}.installed",
    "_checkpoints": f"{_PACKAGE}.check",
}


def verify(
    conn: Connection,
    url: str | None = None,
    workers_wanted: int | None = 1,
    checkpoints: tuple[Any, ...] = (),
    since: ChainPart | None = None,
) -> Verification:
    """Every discrepancy found (none: the books verify). `url` and `workers_wanted` (None: as
    many as there are CPUs, up to 8, for large ledgers): see `workers._chain`. `conn` must not
    have begun a transaction; `checkpoints` are loaded `checkpoint.Checkpoint`s.

    Writers go on meanwhile, and every check still reads one committed state. This process
    reads one snapshot (`read_only`: a WAL snapshot on SQLite, REPEATABLE READ on PostgreSQL).
    Worker processes check the entries up to the last one committed before they start, which no
    later commit changes (history is append-only); this process checks the entries after it, in
    its snapshot. On PostgreSQL the workers also read this process's snapshot, exported as
    `pg_dump -j` does.

    With `since` (the state kept at a checkpoint, `states.py`), the chain is checked from the
    entry after it on, and joined to that state: the books' checks then see the whole history,
    though only what came after was read."""
    read_only(conn)
    if conn.dialect.name == "sqlite":  # a sequence number of another class: nothing is read
        wrong = stored.sequence_problems(conn)
        if wrong:
            conn.rollback()
            return Verification([Discrepancy("storage", words) for words in wrong], 0, 0, 0, "")
    last = int(conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM transactions")).scalar_one())
    conn.rollback()  # no SQLite lock held while workers fork: they must not inherit one
    chain = workers._chain(conn, url, workers_wanted, last, since)
    next(chain)  # worker processes (if any) start on the chain now
    try:
        snapshot = workers._snapshot(conn)
        derived = tables._tables(conn)
        part = next(chain)
        found = [
            Discrepancy(_entry_check(rank), words, seq or None)
            for seq, rank, words in part.problems
        ]
        found += books._books(conn, part, derived)
        found += [Discrepancy("guard", words) for words in installed._guards(conn)]
        found += [Discrepancy("checkpoint", words) for words in _checkpoints(conn, checkpoints)]
        head_seq, head_hash = derived.head[:2]
        begun = 0 if since is None else since.expected_seq - 1
        return Verification(
            found, part.entries, part.posting_count, head_seq, head_hash, part, begun, snapshot
        )
    finally:
        chain.close()


def _entry_check(rank: int) -> str:
    return ENTRY_CHECKS[rank] if rank < len(ENTRY_CHECKS) else "orphan"


def _checkpoints(conn: Connection, checkpoints: tuple[Any, ...]) -> list[str]:
    """Check 8: see `checkpoint.check`."""
    if not checkpoints:
        return []
    from offset.ledger.checkpoint import check

    return [problem for found in checkpoints for problem in check(conn, found)]
