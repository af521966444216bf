"""`verify` on a large ledger against a bare `SUM ... GROUP BY` of its postings (not a test).

Builds a ledger of N random transfers (2N postings; default N = 500,000, 1M postings) with the
same accounts and transfers as `bench_ledger.py`, or reuses one built earlier (`--db URL`: a
ledger that already holds them is not written again). Then, for each round, side by side: the
bare aggregate, `verify` with the chain in one process (over columns, `verify/columnar.py`, and
with `--rows` also row by row as before it, `history.COLUMNS = False`), and `verify` with its
default workers (one process per CPU from 100,000 transactions). Each is given in wall time and
in CPU time (this process's and its SQLite helper's, `os.times`, which the machine's other load
disturbs far less; the workers' own CPU is not in it), with its ratio to the bare aggregate's.

Then incremental verification: a signed checkpoint of the ledger as it is, 1 % more transfers
(so a reused ledger grows by 1 % a run), and `verify` from that checkpoint (the history after
it, and the book-level checks) side by side with a full `verify` of the same ledger.

    python benchmarks/bench_verify.py                       # SQLite in a temporary directory
    python benchmarks/bench_verify.py --db sqlite:///big.db  # kept for the next run
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger.checkpoint import keygen, load

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_ledger import BATCH, setup, transfers
from offset.ledger.verify import history

BARE_SUM = "SELECT account_id, class_id, SUM(amount) FROM postings GROUP BY account_id, class_id"


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (CPU: this process's and its children's that ended
    meanwhile, such as `verify`'s SQLite helper, `verify/ahead.py`)."""
    wall, before = time.perf_counter(), os.times()
    call()
    after = os.times()
    cpu = sum(after[:4]) - sum(before[:4])  # user, system; the children's user, system
    return time.perf_counter() - wall, cpu


def row_by_row(call: Callable[[], object]) -> Callable[[], object]:
    """The call with the chain checked row by row (`history.COLUMNS = False`)."""

    def run() -> object:
        history.COLUMNS = False
        try:
            return call()
        finally:
            history.COLUMNS = True

    return run


def ratio(name: str, spent: tuple[float, float], bare: tuple[float, float]) -> str:
    return (
        f"{name} {spent[0]:.2f} s ({times(spent[0], bare[0])}),"
        f" CPU {spent[1]:.2f} s ({times(spent[1], bare[1])})"
    )


def times(spent: float, base: float, digits: int = 1) -> str:
    """`spent` as a multiple of `base`; a base below the clock's resolution (a tiny ledger's
    aggregate or verify can take 0 s of CPU) has no ratio."""
    return f"{spent / base:.{digits}f}x" if base > 0 else "base below the clock's resolution"


def ledger_of(url: str, n: int) -> Ledger:
    """The ledger at `url`, holding N transfers (written now unless they are there)."""
    book = Ledger.open(url)
    with book.engine.connect() as conn:
        held = conn.execute(text("SELECT COUNT(*) FROM transactions WHERE kind = 'transfer'"))
        if (held.scalar() or 0) >= n:
            return book
    book.engine.dispose()
    book = setup(url)
    moves = transfers(n, 1, "b")
    start = time.perf_counter()
    for i in range(0, n, BATCH):
        book.apply(moves[i : i + BATCH], atomic=True)
    print(f"built {n:,} transfers in {time.perf_counter() - start:.0f} s")
    return book


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=500_000, help="transfers (2 postings each)")
    parser.add_argument("--db", help="ledger URL to build or reuse (default: a temporary SQLite)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", action="store_true", help="also verify row by row, alternated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        book = ledger_of(args.db or f"sqlite:///{directory}/verify.db", args.n)
        with book.engine.connect() as conn:
            postings = conn.execute(text("SELECT COUNT(*) FROM postings")).scalar()
        print(f"{postings:,} postings")
        for round_ in range(1, args.rounds + 1):
            with book.engine.connect() as conn:
                bare = timed(lambda: conn.execute(text(BARE_SUM)).all())
            one = timed(lambda: book.verify(workers=1))
            rows = timed(row_by_row(lambda: book.verify(workers=1))) if args.rows else None
            default = timed(lambda: book.verify(workers=None))
            print(
                f"round {round_}: bare sum {bare[0]:.3f} s, CPU {bare[1]:.3f} s; "
                + ratio("verify, one process", one, bare)
                + ("; " + ratio("row by row", rows, bare) if rows else "")
                + "; "
                + ratio("default workers", default, bare)
            )
        incremental(book, args.n, Path(directory), args.rounds)
        assert book.verify() == [], "the benchmark's ledger must verify"
        book.engine.dispose()


def incremental(book: Ledger, n: int, directory: Path, rounds: int) -> None:
    """A checkpoint, 1 % more transfers, then `verify` from the checkpoint against in full."""
    key = directory / "bench.key"
    keygen(key)
    statement = directory / "checkpoint.json"
    statement.write_text(json.dumps(book.checkpoint(key)), encoding="utf-8")
    added = max(1, n // 100)
    moves = transfers(added, 2, f"inc-{uuid.uuid4().hex[:8]}-")
    for i in range(0, added, BATCH):
        book.apply(moves[i : i + BATCH], atomic=True)
    checkpoints = (load(statement),)
    for round_ in range(1, rounds + 1):
        since = timed(lambda: book.verification(checkpoints=checkpoints))
        full = timed(lambda: book.verification(checkpoints=checkpoints, full=True))
        print(
            f"incremental round {round_}: {added:,} transfers after the checkpoint; from it"
            f" {since[0]:.2f} s (CPU {since[1]:.2f} s), in full {full[0]:.2f} s"
            f" (CPU {full[1]:.2f} s): {times(since[0], full[0], 3)}"
            f" ({times(since[1], full[1], 3)} CPU)"
        )
    found = book.verification(checkpoints=checkpoints)
    assert found.problems == [], found.problems[:3]
    # PostgreSQL proves the past unwritten and reads after the checkpoint only; SQLite cannot,
    # and reads it all again (issue 32: a checkpoint proves the whole past, `ledger/past.py`)
    assert (found.since > 0) != book.sqlite, "verify read what a checkpoint lets it read"


if __name__ == "__main__":
    main()
