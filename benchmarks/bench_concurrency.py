"""Concurrent writers: transfers per second with W submitters at once (not a test).

Each submitter does one transfer of 1 credit and waits for its answer before the next, for a
bounded time, on cold accounts (two of its own) or on 3 hot accounts shared by all. In one run,
side by side, on each database:

  - offset, Python API, group commit: W threads sharing one `Ledger` (their calls share
    commits);
  - offset, Python API, one commit a call: W threads with a `Ledger` each (what every caller
    got before group commit: a commit of its own, behind the database's write lock);
  - offset over HTTP: `offset serve` on 127.0.0.1, W keep-alive clients (`bench_api.Plain`),
    each a party of its own (hot: the parties of the 3 hot accounts);
  - pgledger (PostgreSQL, with `--pgledger DIR`, a checkout of pgr0ss/pgledger: its
    `pgledger.sql` and vendored ULID functions are loaded into a schema of their own):
    `pgledger_create_transfer(from, to, 1)`, one call per commit on W connections;
  - a bare `INSERT` of one row per commit on W connections: the commit-rate limit.

Reported: transfers/s, p50 and p99 latency, and the ratios the issue asks for; for offset's
Python API and pgledger also the CPU a transfer cost this process and the PostgreSQL backends
(`cpu.py`: on a busy machine a rate is a share of the CPU, which the scheduler gives per
process, and pgledger runs W backends where offset's group commit runs one).

    python benchmarks/bench_concurrency.py --pgledger /path/to/pgledger --seconds 6

`--http-workers 1 2 4` measures `offset serve --workers N` for each N (PostgreSQL).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from offset.api import keys
from offset.ledger import Ledger

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import percentile, serve, session
from benchmarks.bench_ledger import pg_url, sqlite_url
from benchmarks.cpu import Cost, Meter, tagged
from benchmarks.waits import row as waits_row
from benchmarks.waits import sampling

CLASS = {"project": "bench-concurrency", "vintage": 2024}
HOT = 3


@dataclass
class Figures:
    transfers_per_s: float
    p50_ms: float
    p99_ms: float
    cpu: Cost | None = None  # CPU a transfer (`cpu.py`), where measured
    waits: dict[str, float] | None = None  # the backends' time by kind of wait (`waits.py`)

    def row(self) -> str:
        cpu = "" if self.cpu is None else f" {self.cpu.row()}"
        return f"{self.transfers_per_s:>10,.0f} {self.p50_ms:>8.2f} {self.p99_ms:>8.2f}{cpu}"

    @property
    def cpu_ms(self) -> float | None:
        """CPU a transfer, client and server (None: not measured, or no server figure)."""
        if self.cpu is None or self.cpu.server_ms is None:
            return None
        return self.cpu.client_ms + self.cpu.server_ms


def pairs(writers: int, hot: bool) -> list[tuple[str, str]]:
    """Each submitter's two accounts (hot: two of the three shared ones)."""
    if hot:
        return [(f"h{i % HOT}/holding", f"h{(i + 1) % HOT}/holding") for i in range(writers)]
    return [(f"s{i}/holding", f"s{i}/spare") for i in range(writers)]


def unflushed(url: str) -> str:
    """`url` with its commits answered before the WAL is flushed (PostgreSQL's
    `synchronous_commit = off`): not durable, never the ledger's setting; only a ceiling, of
    what taking the flush off the writer's path (a pipeline, a second connection) could win."""
    option = "-csynchronous_commit%3Doff"
    if "options=" in url:
        return url.replace("options=", f"options={option}%20", 1)
    return f"{url}{'&' if '?' in url else '?'}options={option}"


def drive(
    writers: int, seconds: float, once: Callable[[int, int], None], meter: Meter | None = None
) -> Figures:
    """`once(submitter, n)` from W threads until time is up: transfers/s and latencies (and
    with a `meter`, the CPU a transfer cost)."""
    latencies: list[list[float]] = [[] for _ in range(writers)]
    start = threading.Barrier(writers + 1)
    stop = [0.0]

    def loop(i: int) -> None:
        start.wait()
        n = 0
        while time.perf_counter() < stop[0]:
            began = time.perf_counter()
            once(i, n)
            latencies[i].append(time.perf_counter() - began)
            n += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    before = meter.read() if meter is not None else None
    stop[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = [x for mine in latencies for x in mine]
    cost = None
    if meter is not None and before is not None:
        cost = meter.cost(before, meter.read(), len(every))
    return Figures(
        len(every) / elapsed, 1000 * percentile(every, 0.5), 1000 * percentile(every, 0.99), cost
    )


def setup(url: str, writers: int) -> tuple[Ledger, dict[str, str]]:
    """Parties with their accounts and keys: a party per cold submitter (two accounts), and
    the three hot accounts' parties; 10**9 credits in every account."""
    book = Ledger.open(url)
    parties = [f"s{i}" for i in range(writers)] + [f"h{i}" for i in range(HOT)]
    accounts = [a for pair in pairs(writers, hot=False) for a in pair]
    accounts += [f"h{i}/holding" for i in range(HOT)]
    book.apply(
        [{"op": "open_party", "party": p, "kind": "company", "name": p.upper()} for p in parties]
        + [
            {"op": "open_account", "account": a, "party": a.split("/")[0], "kind": "holding"}
            for a in accounts
        ]
    )
    issues = [
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
    assert {r.status for r in book.apply(issues, atomic=True)} == {"ok"}
    return book, {p: keys.create(book.engine, p)[1] for p in parties}


def _transfer(source: str, destination: str, tx: str) -> dict[str, Any]:
    return {"op": "transfer", "id": tx, "from": source, "to": destination, "quantity": 1, **CLASS}


def through_api(
    url: str, writers: int, seconds: float, hot: bool, shared: bool, meter: Meter | None = None
) -> Figures:
    """W threads on one `Ledger` (group commit), or on a `Ledger` each (a commit per call)."""
    if meter is not None:
        url = tagged(url, meter.tag)
    books = [Ledger.open(url, migrate=False) for _ in range(1 if shared else writers)]
    accounts = pairs(writers, hot)
    run = uuid.uuid4().hex[:6]

    def once(i: int, n: int) -> None:
        source, destination = accounts[i] if n % 2 == 0 else accounts[i][::-1]
        [result] = books[0 if shared else i].apply(
            [_transfer(source, destination, f"{run}-{i}-{n}")]
        )
        assert result.status == "ok", result

    try:
        return drive(writers, seconds, once, meter)
    finally:
        for book in books:
            book.engine.dispose()


def split_ledgers(
    make_url: Callable[[], Iterator[str]], writers: int, seconds: float, hot: bool, parts: int
) -> Figures:
    """W threads over `parts` ledgers (a schema each, set up as `setup` does), thread i on
    ledger i % parts: group-commit leaders with no lock in common, each overlapping the
    others' round trips completely. No pipeline of one ledger overlaps more, so this is its
    ceiling in one process."""
    makers = [make_url() for _ in range(parts)]
    try:
        urls = [next(each) for each in makers]
        for url in urls:
            setup(url, writers)[0].engine.dispose()
        books = [Ledger.open(url, migrate=False) for url in urls]
        accounts = pairs(writers, hot)
        run = uuid.uuid4().hex[:6]

        def once(i: int, n: int) -> None:
            source, destination = accounts[i] if n % 2 == 0 else accounts[i][::-1]
            [result] = books[i % parts].apply([_transfer(source, destination, f"{run}-{i}-{n}")])
            assert result.status == "ok", result

        try:
            return drive(writers, seconds, once)
        finally:
            for book in books:
                assert book.verify() == []
                book.engine.dispose()
    finally:
        for each in makers:
            for _ in each:
                pass


def over_http(
    base: str, api_keys: dict[str, str], writers: int, seconds: float, hot: bool
) -> Figures:
    accounts = pairs(writers, hot)
    sessions = [session(base, api_keys[a.split("/")[0]]) for a, _ in accounts]
    run = uuid.uuid4().hex[:6]

    def once(i: int, n: int) -> None:
        source, destination = accounts[i] if hot or n % 2 == 0 else accounts[i][::-1]
        body = {"from": source, "to": destination, "quantity": 1, **CLASS}
        response = sessions[i].post(
            "/api/v1/transfers", json=body, headers={"Idempotency-Key": f"{run}-{i}-{n}"}
        )
        assert response.status_code == 201, response.text

    try:
        return drive(writers, seconds, once)
    finally:
        for client in sessions:
            client.close()


def _connections(url: str, writers: int) -> list[Any]:
    """Raw DB-API connections in autocommit (one commit per statement)."""
    engine = create_engine(url, poolclass=NullPool)  # W connections, however many
    raws = [engine.raw_connection() for _ in range(writers)]
    for raw in raws:
        driver = raw.driver_connection
        assert driver is not None
        if url.startswith("sqlite"):
            driver.isolation_level = None
            driver.execute("PRAGMA journal_mode=WAL")
            driver.execute("PRAGMA busy_timeout=30000")  # as the ledger's own connections
        else:
            driver.autocommit = True
    return raws


def bare_inserts(url: str, writers: int, seconds: float) -> Figures:
    raws = _connections(url, writers)
    cursor = raws[0].driver_connection.cursor()
    cursor.execute("CREATE TABLE bare_commits (id BIGINT, submitter INTEGER)")
    cursor.close()
    mark = "?" if url.startswith("sqlite") else "%s"

    def once(i: int, n: int) -> None:
        cursor = raws[i].driver_connection.cursor()
        cursor.execute(f"INSERT INTO bare_commits VALUES ({mark}, {mark})", (n, i))
        cursor.close()

    try:
        return drive(writers, seconds, once)
    finally:
        for raw in raws:
            raw.close()


def load_pgledger(url: str, checkout: Path) -> None:
    """pgledger's SQL, as its `just dbload` loads it, into the schema `url` names."""
    sources = [
        checkout / "vendor" / "scoville-pgsql-ulid" / "ulid-to-uuid.sql",
        checkout / "vendor" / "scoville-pgsql-ulid" / "uuid-to-ulid.sql",
        checkout / "pgledger.sql",
    ]
    [raw] = _connections(url, 1)
    try:
        with raw.driver_connection.cursor() as cursor:
            for source in sources:
                cursor.execute(source.read_text(encoding="utf-8"))
    finally:
        raw.close()


def with_pgledger(
    url: str, writers: int, seconds: float, hot: bool, meter: Meter | None = None
) -> Figures:
    raws = _connections(url if meter is None else tagged(url, meter.tag), writers)
    names = sorted({a for pair in pairs(writers, hot) for a in pair})
    ids: dict[str, str] = {}
    with raws[0].driver_connection.cursor() as cursor:
        for name in names:
            cursor.execute("SELECT id FROM pgledger_create_account(%s, 'CR')", (f"{name}-{hot}",))
            ids[name] = cursor.fetchone()[0]
    accounts = [(ids[a], ids[b]) for a, b in pairs(writers, hot)]

    def once(i: int, n: int) -> None:
        source, destination = accounts[i] if hot or n % 2 == 0 else accounts[i][::-1]
        cursor = raws[i].driver_connection.cursor()
        cursor.execute("SELECT id FROM pgledger_create_transfer(%s, %s, 1)", (source, destination))
        cursor.close()

    try:
        return drive(writers, seconds, once, meter)
    finally:
        for raw in raws:
            raw.close()


def run_backend(
    name: str,
    make_url: Callable[[], Iterator[str]],
    writers: int,
    seconds: float,
    pgledger: Path | None,
    http_workers: tuple[int, ...] = (1,),
    quick: bool = False,
    waits: bool = False,
    flush_off: bool = False,
    split: int = 1,
) -> dict[str, Figures]:
    """Every configuration on one database (`quick`: offset's group commit and pgledger only,
    and the latency of one connection's one-row commits, for rounds interleaved closely
    enough that the load stays alike within one; `waits`: the wait events of the backends of
    offset's group commit and pgledger, sampled, `waits.py`; `flush_off`: offset's group commit
    again with its commits not flushed, `unflushed`; `split` > 1: its writers over that many
    ledgers, `split_ledgers`)."""
    figures: dict[str, Figures] = {}

    def sampled(url: str, tag: str, view: str, measure: Callable[[], Figures]) -> Figures:
        if not waits or not url.startswith("postgresql"):
            return measure()
        with sampling(url, tag) as found:
            result = measure()
        result.waits = found.shares(view)
        return result

    urls = make_url()
    url = next(urls)
    meter = Meter(url)
    try:
        book, api_keys = setup(url, writers)
        for hot in (False, True):
            where = "hot" if hot else "cold"
            figures[f"api group commit, {where}"] = sampled(
                url,
                meter.tag,
                "chain",
                partial(through_api, url, writers, seconds, hot, True, meter),
            )
            if split > 1:
                figures[f"api, {split} ledgers (a ceiling), {where}"] = split_ledgers(
                    make_url, writers, seconds, hot, split
                )
            if flush_off and url.startswith("postgresql"):
                figures[f"api, flush off (a ceiling), {where}"] = through_api(
                    unflushed(url), writers, seconds, hot, True
                )
            if not quick:
                figures[f"api a commit per call, {where}"] = through_api(
                    url, writers, seconds, hot, False
                )
        # `offset serve --workers N` (N = 1: one process)
        for workers in () if quick else http_workers:
            server = serve(url, workers)
            base = next(server)
            try:
                for hot in (False, True):
                    where = "hot" if hot else "cold"
                    figures[f"http x{workers}, {where}"] = over_http(
                        base, api_keys, writers, seconds, hot
                    )
            finally:
                for _ in server:
                    pass
        problems = book.verify()
        assert problems == [], problems[:3]
        book.engine.dispose()
    finally:
        meter.close()
        for _ in urls:
            pass
    if name == "postgresql" and pgledger is not None:
        urls = make_url()
        url = next(urls)
        meter = Meter(url)
        try:
            load_pgledger(url, pgledger)
            for hot in (False, True):
                figures[f"pgledger, {'hot' if hot else 'cold'}"] = sampled(
                    url,
                    meter.tag,
                    "backend",
                    partial(with_pgledger, url, writers, seconds, hot, meter),
                )
        finally:
            meter.close()
            for _ in urls:
                pass
    urls = make_url()
    try:
        if quick:  # how long the disk takes to flush a commit, this round
            figures["one-row commit, 1 connection"] = bare_inserts(next(urls), 1, 2.0)
        else:
            figures["bare INSERT a commit"] = bare_inserts(next(urls), writers, seconds)
    finally:
        for _ in urls:
            pass
    return figures


def ratios(figures: dict[str, Figures]) -> dict[str, float]:
    rate = {k: f.transfers_per_s for k, f in figures.items()}
    out: dict[str, float] = {}
    for where in ("cold", "hot"):
        group = rate[f"api group commit, {where}"]
        for key in rate:  # the ceilings, over the writer as it is
            if key.startswith("api, ") and key.endswith(f"(a ceiling), {where}"):
                name = key.removeprefix("api, ").removesuffix(f" (a ceiling), {where}")
                out[f"api {name} / api, {where}"] = rate[key] / group
        if f"api a commit per call, {where}" in rate:
            out[f"group commit / a commit per call, {where}"] = (
                group / rate[f"api a commit per call, {where}"]
            )
        if f"pgledger, {where}" in rate:
            out[f"api / pgledger, {where}"] = group / rate[f"pgledger, {where}"]
            for key in rate:
                if key.startswith("api, ") and key.endswith(f"(a ceiling), {where}"):
                    name = key.removeprefix("api, ").removesuffix(f" (a ceiling), {where}")
                    out[f"api {name} / pgledger, {where}"] = rate[key] / rate[f"pgledger, {where}"]
            for key in rate:
                if key.startswith("http x") and key.endswith(where):
                    http = key.removesuffix(f", {where}")
                    out[f"{http} / pgledger, {where}"] = rate[key] / rate[f"pgledger, {where}"]
            ours = figures[f"api group commit, {where}"].cpu_ms
            theirs = figures[f"pgledger, {where}"].cpu_ms
            if ours and theirs:  # how many transfers offset makes of pgledger's CPU for one
                out[f"CPU a transfer, pgledger / api, {where}"] = theirs / ours
        if "bare INSERT a commit" in rate:
            out[f"api / bare INSERT, {where}"] = group / rate["bare INSERT a commit"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--writers", type=int, nargs="*", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--backends", nargs="*", default=["postgresql", "sqlite"])
    parser.add_argument("--pgledger", type=Path, help="a checkout of pgr0ss/pgledger")
    parser.add_argument(
        "--http-workers", type=int, nargs="*", default=[1], help="offset serve --workers N, each"
    )
    parser.add_argument(
        "--quick", action="store_true", help="offset's group commit and pgledger only"
    )
    parser.add_argument(
        "--waits", action="store_true", help="sample the backends' wait events (PostgreSQL)"
    )
    parser.add_argument(
        "--flush-off",
        action="store_true",
        help="also offset's group commit with synchronous_commit off (a ceiling, not durable)",
    )
    parser.add_argument(
        "--split",
        type=int,
        default=1,
        help="also the writers over N ledgers of their own (a pipeline's ceiling)",
    )
    args = parser.parse_args()
    makers = {"sqlite": sqlite_url, "postgresql": pg_url}
    for backend in args.backends:
        for writers in args.writers:
            http_workers = tuple(args.http_workers) if backend == "postgresql" else (1,)
            figures = run_backend(
                backend,
                makers[backend],
                writers,
                args.seconds,
                args.pgledger,
                http_workers,
                args.quick,
                args.waits,
                args.flush_off,
                args.split,
            )
            print(f"\n{backend}, W = {writers}, {args.seconds:g} s each")
            print(
                f"  {'':36} {'tx/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
                f" {'cpu cli':>8} {'cpu srv':>8}  (CPU ms a transfer)"
            )
            for key, value in figures.items():
                print(f"  {key:36} {value.row()}")
            for key, value in figures.items():
                if value.waits is not None:
                    view = "a connection" if key.startswith("pgledger") else "the writer"
                    print(f"  {key:36} {view}: {waits_row(value.waits)}")
            for key, ratio in ratios(figures).items():
                print(f"  {key:44} {ratio:>8.2f}")


if __name__ == "__main__":
    main()
