"""`verify`: recompute what must always hold and name every discrepancy.

1. every transaction's postings sum to zero per class;
2. the balances of each class sum to zero over all accounts (issued = held + pending + retired +
   cancelled + buffer);
3. each stored balance equals the sum of its postings, and its last posting's `balance_after`;
4. serial blocks never overlap, cover exactly the serials issued of their class, and each
   account's blocks sum to its balance (an issuance account holds the serials it took back);
5. no negative balance outside issuance accounts;
6. the hash chain recomputes from the first transaction to the head, with no gap in sequence.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.chain import chain_hash
from offset.ledger.database import connect

MAX_ORPHANS = 20  # postings without a transaction: the first few are named
PARALLEL_FROM = 300_000  # transactions: below, starting the processes costs about what they save
MAX_WORKERS = 8


def verify(conn: Connection, url: str | None = None, workers: int | None = 1) -> list[str]:
    """Every discrepancy found, in words (an empty list: the books verify). `url` and `workers`
    (None: as many as there are CPUs, up to 8, for 300,000 transactions or more): see `_chain`."""
    chain = _chain(conn, url, workers)
    next(chain)  # worker processes (if any) start on the chain now
    try:
        return _books(conn) + next(chain)
    finally:
        chain.close()


def _books(conn: Connection) -> list[str]:
    """Checks 1 to 5."""
    problems: list[str] = []
    q = conn.execute

    for seq, class_id, total in q(
        text(
            "SELECT tx_seq, class_id, SUM(amount) FROM postings GROUP BY tx_seq, class_id HAVING SUM(amount) <> 0"
        )
    ):
        problems.append(
            f"transaction seq {seq}: postings of class {class_id} sum to {total}, not 0"
        )
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
        (a, c): (int(s), int(n), int(last))
        for a, c, s, n, last in q(
            text(
                "SELECT p.account_id, p.class_id, SUM(p.amount), COUNT(*),"
                " (SELECT p2.balance_after FROM postings p2 WHERE p2.account_id = p.account_id AND p2.class_id = p.class_id"
                "  ORDER BY p2.tx_seq DESC LIMIT 1)"
                " FROM postings p GROUP BY p.account_id, p.class_id"
            )
        )
    }
    for key in sorted(set(stored) | set(summed)):
        value, version = stored.get(key, (0, 0))
        total, count, last = summed.get(key, (0, 0, 0))
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
    return problems


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


def check_links(cursor: Any, lo: int | None = None, hi: int | None = None) -> ChainPart:
    """Recompute every link of the transactions with `lo <= seq < hi` (None: unbounded).

    A link depends only on its own row, its postings and the previous row's stored hash, so
    ranges can be checked apart and give, together, what one pass over everything gives."""
    problems: list[str] = []
    previous, expected_seq = "", 1
    if lo is not None:  # start from the last transaction before the range, as one pass would
        cursor.execute(
            f"SELECT seq, hash FROM transactions WHERE seq < {lo} ORDER BY seq DESC LIMIT 1"
        )
        before = cursor.fetchone()
        if before is not None:
            previous, expected_seq = before[1], before[0] + 1
    postings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    cursor.execute(
        "SELECT tx_seq, account_id, class_id, amount FROM postings" + _range("tx_seq", lo, hi)
    )
    for seq, account, class_id, amount in cursor:
        postings[seq].append((account, class_id, amount))
    cursor.execute(
        "SELECT seq, id, kind, effective_date, operation, prev_hash, hash FROM transactions"
        + _range("seq", lo, hi)
        + " ORDER BY seq"
    )
    # The hash pins the operation text exactly as `operations.canonical` wrote it (JSON), so a
    # link that recomputes also proves the stored operation replays.
    for seq, tx_id, kind, effective, operation, prev_hash, tx_hash in cursor:
        if seq != expected_seq:
            problems.append(f"sequence gap: expected {expected_seq}, found {seq}")
        expected_seq = seq + 1
        if prev_hash != previous:
            problems.append(
                f"transaction {tx_id} (seq {seq}): prev_hash does not match the previous hash"
            )
        recomputed = chain_hash(
            previous, seq, tx_id, kind, effective, operation, postings.pop(seq, [])
        )
        if recomputed != tx_hash:
            problems.append(
                f"transaction {tx_id} (seq {seq}): hash does not recompute (altered content or postings)"
            )
        previous = tx_hash
    return ChainPart(problems, expected_seq, previous, sorted(postings))


def _check_links_of(url: str, lo: int | None, hi: int | None) -> ChainPart:
    """`check_links` in a worker process, on its own connection."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            return check_links(cursor, lo, hi)
    finally:
        engine.dispose()


def _chain(conn: Connection, url: str | None, workers: int | None) -> Generator[list[str]]:
    """Recompute every link; the problems come at the second `next`. The rows come through the
    raw DB-API cursor: this is the one place that reads every transaction and posting, and
    SQLAlchemy's row objects would triple its cost. With `workers` > 1 (and a URL other processes
    can open), ranges of sequence numbers are checked in that many processes, started at the
    first `next` so that they run while this process checks the rest."""
    last = conn.execute(text("SELECT MAX(seq) FROM transactions")).scalar()
    if workers is None:  # starting processes costs about a second: only for large ledgers
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if (last or 0) >= PARALLEL_FROM else 1
    if workers > 1 and url is not None and last:
        cuts = [1 + int(last) * k // workers for k in range(1, workers)]
        context = multiprocessing.get_context("forkserver")  # safe in threaded processes
        # Workers fork from a server that imported the ledger once, instead of each importing
        # it (about half a second); effective when the server starts, harmless after.
        context.set_forkserver_preload(["offset.ledger.verify"])
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(_check_links_of, url, lo, hi)
                for lo, hi in zip([None, *cuts], [*cuts, None], strict=True)
            ]
            yield []
            parts = [future.result() for future in futures]
    else:
        yield []
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        parts = [check_links(cursor)]
        cursor.close()
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
