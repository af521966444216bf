"""Ledger benchmark: postings per second against baselines run side by side (not a test).

For SQLite and PostgreSQL, in one run:
  - N transfers applied in atomic batches of 1,000, and M transfers one per commit: postings/s,
    each against a raw `executemany` of the same posting rows into a bare table, committed the same
    way (the cost of a database write with no ledger around it);
  - the history rows alone: the postings, block events and transaction headers the batched run
    wrote, inserted again into a fresh ledger schema (guards on) in the same batches, by the
    write path's own bulk insert (what the database costs for the rows offset must keep);
  - Beancount loading and balancing the same transactions (the ledger's own export) against
    offset applying them and reading the balances;
  - (PostgreSQL) 8 concurrent writers for a bounded time, on 3 hot accounts and on 16 cold ones;
  - `verify` over the postings written against a bare `SUM ... GROUP BY` of them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from beancount import loader
from beancount.core import realization
from sqlalchemy import create_engine, text

from offset.ledger import Ledger
from offset.ledger.batch_store import store_for
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS

PG_SERVER = "postgresql+psycopg://root@127.0.0.1:5432/test"
ACCOUNTS = [f"p{i}/holding" for i in range(20)]
CLASS = {"project": "bench-forest", "vintage": 2024}
BATCH = 1_000


def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{directory}/bench.db"


def pg_url() -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def setup(url: str, accounts: list[str] = ACCOUNTS) -> Ledger:
    book = Ledger.open(url)
    book.apply(
        [
            {"op": "open_account", "account": a, "party": a.split("/")[0], "kind": "holding"}
            for a in accounts
        ]
    )
    book.apply(
        [
            {
                "op": "issue",
                "id": f"i-{a}",
                "to": a,
                "instrument": "J-Credit",
                "quantity": 10**9,
                **CLASS,
            }
            for a in accounts
        ]
    )
    return book


def transfers(
    n: int, seed: int, prefix: str, accounts: list[str] = ACCOUNTS
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        source, destination = rng.sample(accounts, 2)
        out.append(
            {
                "op": "transfer",
                "id": f"{prefix}{i}",
                "from": source,
                "to": destination,
                "quantity": rng.randint(1, 100),
                **CLASS,
            }
        )
    return out


def head_seq(book: Ledger) -> int:
    with book.engine.connect() as conn:
        return int(conn.execute(text("SELECT seq FROM ledger_head")).scalar_one())


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def raw_inserts(url: str, rows: int, per_commit: int) -> float:
    """Seconds to insert `rows` posting-shaped rows into a bare table, `per_commit` per commit."""
    engine = Ledger.open(url, migrate=False).engine
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE bare_postings (tx_seq BIGINT, account_id TEXT, class_id INTEGER, amount BIGINT, balance_after BIGINT)"
            )
        )
    data = [
        {"t": i // 2, "a": ACCOUNTS[i % 20], "c": 1, "n": (i % 100) + 1, "b": i}
        for i in range(rows)
    ]
    insert = text("INSERT INTO bare_postings VALUES (:t, :a, :c, :n, :b)")

    def run() -> None:
        for start in range(0, rows, per_commit):
            with engine.begin() as conn:
                conn.execute(insert, data[start : start + per_commit])

    seconds = timed(run)
    engine.dispose()
    return seconds


Rows = list[tuple[Any, ...]]


def history_rows(book: Ledger, first_seq: int, per_batch: int) -> list[tuple[Rows, Rows, Rows]]:
    """The postings, block events and headers from `first_seq` on, in batches of `per_batch`."""
    tables = (
        ("postings", POSTING_COLUMNS, "tx_seq"),
        ("block_events", EVENT_COLUMNS, "tx_seq"),
        ("transactions", HEADER_COLUMNS, "seq"),
    )
    grouped: list[dict[int, Rows]] = []
    with book.engine.connect() as conn:
        for table, columns, seq in tables:
            batches: dict[int, Rows] = {}
            query = f"SELECT {', '.join(columns)} FROM {table} WHERE {seq} >= :f ORDER BY {seq}, 1"
            for row in conn.execute(text(query), {"f": first_seq}):
                batches.setdefault((row[0] - first_seq) // per_batch, []).append(tuple(row))
            grouped.append(batches)
    return [(grouped[0][k], grouped[1].get(k, []), grouped[2][k]) for k in sorted(grouped[2])]


def history_alone(url: str, batches: list[tuple[Rows, Rows, Rows]]) -> float:
    """Seconds to insert the history rows again into a fresh ledger with the same setup."""
    book = setup(url)

    def run() -> None:
        for postings, events, headers in batches:
            with book.engine.begin() as conn:
                store = store_for(conn)
                store.append("postings", POSTING_COLUMNS, postings)
                store.append("block_events", EVENT_COLUMNS, events)
                store.append("transactions", HEADER_COLUMNS, headers)

    seconds = timed(run)
    book.engine.dispose()
    return seconds


def _writer(url: str, seed: int, accounts: list[str], seconds: float) -> int:
    book = Ledger.open(url, migrate=False)
    rng = random.Random(seed)
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        source, destination = rng.sample(accounts, 2)
        op = {
            "op": "transfer",
            "id": f"c{seed}-{uuid.uuid4().hex[:10]}",
            "from": source,
            "to": destination,
            "quantity": 1,
            **CLASS,
        }
        [result] = book.apply([op])
        done += result.status == "ok"
    book.engine.dispose()
    return done


def concurrent(url: str, writers: int, seconds: float, hot: bool) -> float:
    """Transfers per second of `writers` processes: on 3 hot accounts, or each on its own pair."""
    accounts = [f"w{i}/holding" for i in range(max(3, 2 * writers))]
    setup(url, accounts)
    context = multiprocessing.get_context("spawn")
    jobs = [
        (url, seed, accounts[:3] if hot else accounts[2 * seed : 2 * seed + 2], seconds)
        for seed in range(writers)
    ]
    with context.Pool(writers) as pool:
        done = sum(pool.starmap(_writer, jobs))
    return done / seconds


def run_backend(
    name: str,
    make_url: Callable[[], Iterator[str]],
    n: int,
    single: int,
    writers: int,
    seconds: float,
) -> dict[str, float]:
    figures: dict[str, float] = {}
    urls = make_url()
    url = next(urls)
    try:
        book = setup(url)
        first_seq = head_seq(book) + 1
        batched = transfers(n, 1, "b")
        figures["batched_s"] = timed(
            lambda: [book.apply(batched[i : i + BATCH], atomic=True) for i in range(0, n, BATCH)]
        )
        figures["batched_postings_per_s"] = 2 * n / figures["batched_s"]
        history = history_rows(book, first_seq, BATCH)
        one_by_one = transfers(single, 2, "s")
        figures["single_s"] = timed(lambda: [book.apply([op]) for op in one_by_one])
        figures["single_postings_per_s"] = 2 * single / figures["single_s"]
        figures["raw_batched_s"] = raw_inserts(url, 2 * n, 2 * BATCH)
        figures["ratio_batched"] = figures["raw_batched_s"] / figures["batched_s"]

        exported = book.export("beancount")
        figures["beancount_s"] = timed(lambda: realization.realize(loader.load_string(exported)[0]))
        figures["offset_balances_s"] = timed(book.balances)
        figures["offset_apply_and_balances_s"] = figures["batched_s"] + figures["offset_balances_s"]
        # Two readings: writing the N transactions and reading balances, or reading the balances
        # of books that hold them (offset keeps them stored; Beancount parses and sums the file).
        figures["offset_over_beancount_speed"] = (
            figures["beancount_s"] / figures["offset_apply_and_balances_s"]
        )
        figures["balances_offset_over_beancount_speed"] = (
            figures["beancount_s"] / figures["offset_balances_s"]
        )

        with book.engine.connect() as conn:
            figures["postings"] = float(
                conn.execute(text("SELECT COUNT(*) FROM postings")).scalar() or 0
            )
            figures["bare_sum_s"] = timed(
                lambda: conn.execute(
                    text(
                        "SELECT account_id, class_id, SUM(amount) FROM postings GROUP BY account_id, class_id"
                    )
                ).all()
            )
        figures["verify_s"] = timed(lambda: book.verify())
        figures["verify_over_sum"] = figures["verify_s"] / figures["bare_sum_s"]
        assert book.verify() == [], "the benchmark's ledger must verify"
        book.engine.dispose()
    finally:
        next(urls, None)

    urls = make_url()
    try:
        figures["history_alone_s"] = history_alone(next(urls), history)
        figures["history_alone_over_batched"] = figures["history_alone_s"] / figures["batched_s"]
    finally:
        next(urls, None)

    urls = make_url()
    url = next(urls)
    try:
        figures["raw_single_s"] = raw_inserts(url, 2 * single, 2)
        figures["ratio_single"] = figures["raw_single_s"] / figures["single_s"]
    finally:
        next(urls, None)

    if name == "postgresql":
        for hot in (True, False):
            urls = make_url()
            try:
                figures[f"writers_{writers}_{'hot' if hot else 'cold'}_tx_per_s"] = concurrent(
                    next(urls), writers, seconds, hot
                )
            finally:
                next(urls, None)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000, help="transfers in batches of 1,000")
    parser.add_argument("--single", type=int, default=2_000, help="transfers one per commit")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of the concurrent run")
    parser.add_argument("--backends", nargs="*", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    makers = {"sqlite": sqlite_url, "postgresql": pg_url}
    for name in args.backends:
        figures = run_backend(name, makers[name], args.n, args.single, args.writers, args.seconds)
        print(f"\n{name} (N={args.n} batched, {args.single} single)")
        for key, value in figures.items():
            print(f"  {key:36s} {value:,.3f}")


if __name__ == "__main__":
    main()
