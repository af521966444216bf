"""`verify`: recompute what must always hold and name every discrepancy.

1. every transaction's postings sum to zero per class (checked in the chain pass, which reads
   each transaction's postings anyway);
2. the balances of each class sum to zero over all accounts (issued = held + pending + retired +
   cancelled + buffer);
3. each stored balance equals the sum of its postings, and its last posting's `balance_after`;
4. serial blocks never overlap, cover exactly the serials issued of their class, and each
   account's blocks sum to its balance (an issuance account holds the serials it took back);
5. no negative balance outside issuance accounts;
6. the hash chain recomputes from the first transaction to the head, with no gap in sequence;
7. the database's guards (`guards.py`) are all in place: without them, hand-written SQL could
   change history that 1 to 6 would only catch afterwards.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import re
import threading
from collections import defaultdict
from collections.abc import Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger import guards
from offset.ledger.chain import chain_hash
from offset.ledger.database import connect, read_only

MAX_ORPHANS = 20  # postings without a transaction: the first few are named
# Transactions from which workers start by default: below, starting them costs about what they
# save. Forked from the caller they start at once; a forkserver first imports the ledger.
PARALLEL_FROM = {"fork": 100_000, "forkserver": 300_000}
MAX_WORKERS = 8
SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")  # as pg_export_snapshot() writes them
_NO_GROUP: tuple[Any, Iterator[Any]] = (None, iter(()))  # past the last posting


def verify(conn: Connection, url: str | None = None, workers: int | None = 1) -> list[str]:
    """Every discrepancy found, in words (an empty list: the books verify). `url` and `workers`
    (None: as many as there are CPUs, up to 8, for large ledgers): see `_chain`. `conn` must not
    have begun a transaction.

    Writers go on meanwhile, and every check still reads one committed state. This process
    reads one snapshot (`read_only`: a WAL snapshot on SQLite, REPEATABLE READ on PostgreSQL);
    under READ COMMITTED each check would see what committed since the previous one and report
    it as a discrepancy. Worker processes check the links up to the last transaction committed
    before they start, which no later commit changes (history is append-only); this process
    checks the links after it, in its snapshot. On PostgreSQL the workers also read this
    process's snapshot, exported as `pg_dump -j` does."""
    read_only(conn)
    last = int(conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM transactions")).scalar_one())
    conn.rollback()  # no SQLite lock held while workers fork: they must not inherit one
    chain = _chain(conn, url, workers, last)
    next(chain)  # worker processes (if any) start on the chain now
    try:
        return _books(conn) + next(chain)
    finally:
        chain.close()


def _export_snapshot(conn: Connection) -> str | None:
    """PostgreSQL: begin this process's snapshot and name it for the workers. SQLite cannot
    share one; there it begins at the next statement."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())


def _books(conn: Connection) -> list[str]:
    """Checks 2 to 5."""
    problems: list[str] = []
    q = conn.execute

    for class_id, total in q(
        text(
            "SELECT class_id, SUM(quantity) FROM balances GROUP BY class_id HAVING SUM(quantity) <> 0"
        )
    ):
        problems.append(
            f"class {class_id}: balances sum to {total}, not 0 (credits created or lost)"
        )

    stored = {
        (a, c): (int(v), int(n))
        for a, c, v, n in q(text("SELECT account_id, class_id, quantity, version FROM balances"))
    }
    summed = {
        (a, c): (int(s), int(n))
        for a, c, s, n in q(
            text(
                "SELECT account_id, class_id, SUM(amount), COUNT(*) FROM postings"
                " GROUP BY account_id, class_id"
            )
        )
    }
    # Apart from the sums: a correlated subquery per group keeps PostgreSQL from scanning the
    # postings in parallel (0.46 s against 0.17 s at 1M postings).
    last_after = {
        (a, c): int(last)
        for a, c, last in q(
            text(
                "SELECT b.account_id, b.class_id, (SELECT p.balance_after FROM postings p"
                " WHERE p.account_id = b.account_id AND p.class_id = b.class_id"
                " ORDER BY p.tx_seq DESC LIMIT 1) FROM balances b"
            )
        )
        if last is not None
    }
    for key in sorted(set(stored) | set(summed)):
        value, version = stored.get(key, (0, 0))
        total, count = summed.get(key, (0, 0))
        last = last_after.get(key, value)  # postings with no balance row: the sum says it
        if value != total:
            problems.append(
                f"balance {key[0]} class {key[1]}: stored {value}, postings sum to {total}"
            )
        if value != last:
            problems.append(
                f"balance {key[0]} class {key[1]}: stored {value}, last balance_after {last}"
            )
        if version != count:
            problems.append(f"balance {key[0]} class {key[1]}: version {version}, {count} postings")

    kinds: dict[str, str] = {str(a): str(k) for a, k in q(text("SELECT id, kind FROM accounts"))}
    for (account, class_id), (value, _) in stored.items():
        if value < 0 and kinds.get(account) != "issuance":
            problems.append(f"balance {account} class {class_id} is negative: {value}")

    problems += _blocks(conn, stored, kinds)
    return problems + _guards(conn)


# Per dialect: the statements that install the guards, and a query naming those installed.
_GUARDS_INSTALLED = {
    "sqlite": (guards.SQLITE, "SELECT name FROM sqlite_master WHERE type = 'trigger'"),
    "postgresql": (
        guards.POSTGRESQL,
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN"
        " ('transactions'::regclass, 'postings'::regclass, 'block_events'::regclass)"
        " UNION SELECT conname FROM pg_constraint WHERE conrelid = 'blocks'::regclass",
    ),
}


def _guards(conn: Connection) -> list[str]:
    """Check 7: each trigger and constraint of `guards.py` exists on this ledger's tables."""
    statements, installed = _GUARDS_INSTALLED[conn.dialect.name]
    present = {str(name) for (name,) in conn.execute(text(installed))}
    return [
        f"guard missing: {name} (the database no longer refuses what it guarded against)"
        for name in sorted(guards.names(statements) - present)
    ]


def _blocks(
    conn: Connection, stored: dict[tuple[str, int], tuple[int, int]], kinds: dict[str, str]
) -> list[str]:
    problems: list[str] = []
    issued: dict[int, int] = {
        int(c): int(n) for c, n in conn.execute(text("SELECT id, next_serial FROM credit_classes"))
    }
    held: dict[tuple[str, int], int] = defaultdict(int)
    by_class: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for class_id, start, stop, account in conn.execute(
        text("SELECT class_id, start, stop, account_id FROM blocks ORDER BY class_id, start")
    ):
        by_class[int(class_id)].append((int(start), int(stop), account))
        held[(account, int(class_id))] += int(stop) - int(start)
    for class_id, next_serial in issued.items():
        cursor = 0
        for start, stop, account in by_class.get(int(class_id), []):
            if start < cursor:
                problems.append(
                    f"class {class_id}: block [{start}, {stop}) of {account} overlaps serials before {cursor}"
                )
            elif start > cursor:
                problems.append(
                    f"class {class_id}: serials [{cursor}, {start}) are held by no account"
                )
            cursor = max(cursor, stop)
        if cursor != int(next_serial):
            problems.append(
                f"class {class_id}: blocks end at {cursor}, but {next_serial} serials were issued"
            )
    for (account, class_id), (value, _) in stored.items():
        expected = value if kinds.get(account) != "issuance" else int(issued[class_id]) + value
        if held.get((account, class_id), 0) != expected:
            problems.append(
                f"blocks of {account} class {class_id} hold {held.get((account, class_id), 0)} serials, expected {expected}"
            )
    return problems


@dataclass
class ChainPart:
    """The links of one range of sequence numbers, checked."""

    problems: list[str]
    expected_seq: int  # the sequence number the next transaction must have
    last_hash: str  # the stored hash of the last transaction seen
    orphans: list[int]  # sequence numbers of postings in the range with no transaction


def _range(column: str, lo: int | None, hi: int | None) -> str:
    bounds = ([f"{column} >= {lo}"] if lo is not None else []) + (
        [f"{column} < {hi}"] if hi is not None else []
    )
    return f" WHERE {' AND '.join(bounds)}" if bounds else ""


def check_links(connection: Any, lo: int | None = None, hi: int | None = None) -> ChainPart:
    """Recompute every link of the transactions with `lo <= seq < hi` (None: unbounded), on a
    DB-API connection.

    A link depends only on its own row, its postings and the previous row's stored hash, so
    ranges can be checked apart and give, together, what one pass over everything gives.
    Transactions and postings are read side by side, both in sequence order, so that no
    posting is held longer than its transaction's link takes."""
    problems: list[str] = []
    previous, expected_seq = "", 1
    head, rows = connection.cursor(), connection.cursor()
    if lo is not None:  # start from the last transaction before the range, as one pass would
        head.execute(
            f"SELECT seq, hash FROM transactions WHERE seq < {lo} ORDER BY seq DESC LIMIT 1"
        )
        before = head.fetchone()
        if before is not None:
            previous, expected_seq = before[1], before[0] + 1
    rows.execute(
        "SELECT tx_seq, account_id, class_id, amount FROM postings"
        + _range("tx_seq", lo, hi)
        + " ORDER BY tx_seq"
    )
    head.execute(
        "SELECT seq, id, kind, effective_date, operation, prev_hash, hash FROM transactions"
        + _range("seq", lo, hi)
        + " ORDER BY seq"
    )
    groups = groupby(rows, itemgetter(0))  # the postings of one transaction at a time
    posted, group = next(groups, _NO_GROUP)
    orphans: list[int] = []

    def skip_orphans(before: float) -> None:
        """Postings of no transaction, up to sequence number `before`: named, and checked."""
        nonlocal posted, group
        while posted is not None and posted < before:
            orphans.append(posted)
            problems.extend(_unbalanced(posted, [row[1:] for row in group]))
            posted, group = next(groups, _NO_GROUP)

    # The hash pins the operation text exactly as `operations.canonical` wrote it (JSON), so a
    # link that recomputes also proves the stored operation replays.
    for seq, tx_id, kind, effective, operation, prev_hash, tx_hash in head:
        skip_orphans(seq)
        postings = []
        if posted == seq:
            postings = [row[1:] for row in group]
            problems += _unbalanced(seq, postings)
            posted, group = next(groups, _NO_GROUP)
        if seq != expected_seq:
            problems.append(f"sequence gap: expected {expected_seq}, found {seq}")
        expected_seq = seq + 1
        if prev_hash != previous:
            problems.append(
                f"transaction {tx_id} (seq {seq}): prev_hash does not match the previous hash"
            )
        if chain_hash(previous, seq, tx_id, kind, effective, operation, postings) != tx_hash:
            problems.append(
                f"transaction {tx_id} (seq {seq}): hash does not recompute (altered content or postings)"
            )
        previous = tx_hash
    skip_orphans(math.inf)
    head.close()
    rows.close()
    return ChainPart(problems, expected_seq, previous, orphans)


def _unbalanced(seq: int, postings: list[tuple[str, int, int]]) -> list[str]:
    """Check 1, for one transaction's postings (the chain pass reads them anyway)."""
    if len(postings) == 2 and postings[0][1] == postings[1][1]:  # most transactions: one move
        total = postings[0][2] + postings[1][2]
        return [] if total == 0 else [_unbalanced_class(seq, postings[0][1], total)]
    sums: dict[int, int] = defaultdict(int)
    for _, class_id, amount in postings:
        sums[class_id] += amount
    return [_unbalanced_class(seq, c, total) for c, total in sorted(sums.items()) if total]


def _unbalanced_class(seq: int, class_id: int, total: int) -> str:
    return f"transaction seq {seq}: postings of class {class_id} sum to {total}, not 0"


def _check_links_of(url: str, lo: int | None, hi: int | None, snapshot: str | None) -> ChainPart:
    """`check_links` in a worker process, on its own connection (PostgreSQL: in the caller's
    exported `snapshot`)."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            if snapshot is not None:
                if not SNAPSHOT_ID.fullmatch(snapshot):  # inlined below: SET takes no parameter
                    raise ValueError(f"not a snapshot id: {snapshot!r}")
                read_only(conn).execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            return check_links(conn.connection.driver_connection, lo, hi)
    finally:
        engine.dispose()


def _runs_alone() -> bool:
    return threading.active_count() == 1


def _process_context() -> multiprocessing.context.BaseContext:
    """`fork` where only this thread runs (the CLI): the workers start at once with the ledger
    already imported. Elsewhere (a server's threads may hold locks a fork would copy)
    `forkserver`, preloaded with the ledger so that each worker need not import it again (about
    half a second); the server itself starts once per process, at the first parallel verify."""
    if _runs_alone() and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["offset.ledger.verify"])  # effective when the server starts
    return context


def _chain(
    conn: Connection, url: str | None, workers: int | None, last: int
) -> Generator[list[str]]:
    """Recompute every link; the problems come at the second `next`. The rows come through the
    raw DB-API cursor: this is the one place that reads every transaction and posting, and
    SQLAlchemy's row objects would triple its cost. With `workers` > 1 (and a URL other processes
    can open), the links up to `last` are checked in ranges of sequence numbers in that many
    processes, started at the first `next` so that they run while this process checks the
    rest; this process then checks the links after `last` (what committed meanwhile)."""
    context = _process_context()
    if workers is None:
        large = last >= PARALLEL_FROM[context.get_start_method()]
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if large else 1
    if workers > 1 and url is not None and last:
        snapshot = _export_snapshot(conn)
        cuts = [1 + last * k // workers for k in range(1, workers)]
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # Forked workers start at the first submit. Frozen, this process's objects are
            # never collected in them: an unreachable connection finalised there would close
            # this process's socket to the server.
            gc.freeze()
            try:
                futures = [
                    pool.submit(_check_links_of, url, lo, hi, snapshot)
                    for lo, hi in zip([None, *cuts], [*cuts, last + 1], strict=True)
                ]
            finally:
                gc.unfreeze()
            yield []
            after = check_links(conn.connection.driver_connection, last + 1)
            parts = [*(future.result() for future in futures), after]
    else:
        yield []
        parts = [check_links(conn.connection.driver_connection)]
    problems = [p for part in parts for p in part.problems]
    orphans = [seq for part in parts for seq in part.orphans]
    for seq in orphans[:MAX_ORPHANS]:
        problems.append(f"postings of seq {seq} belong to no transaction")
    expected_seq, previous = parts[-1].expected_seq, parts[-1].last_hash
    head_seq, head_hash = conn.execute(text("SELECT seq, hash FROM ledger_head WHERE id = 1")).one()
    if int(head_seq) != expected_seq - 1 or head_hash != previous:
        problems.append(
            f"ledger head (seq {head_seq}) does not match the last transaction (seq {expected_seq - 1})"
        )
    yield problems
