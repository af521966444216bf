"""`offset serve` against pgledger, in interleaved rounds, with the server's CPU a request (not a
test).

Each round runs, one after another on the same machine: pgledger's direct SQL (W connections,
`pgledger_create_transfer(from, to, 1)` a commit each, as `bench_concurrency.py`), then
`offset serve --workers N` for each N given and each source tree given (W keep-alive clients
of `bench_api.Plain`, one-credit transfers between two accounts of each client's own, or
balance reads and transfers alternated with `--mixed`). Reported for each: requests a second,
p50 and p99 latency, and the CPU a request cost the server's processes and the clients (Linux
`/proc`): on a machine whose cores are busy, rates follow the scheduler's shares, and the CPU a
request is what such load disturbs least. Ratios to pgledger are of the same round.

    python benchmarks/bench_serve.py --pgledger DIR --workers 1 2 4 --rounds 3
    python benchmarks/bench_serve.py --pgledger DIR --trees /tmp/main . --rounds 3

A tree is a checkout whose `src` is put first on the server's `PYTHONPATH` (main's code against
this branch's, say; the clients and the ledger's setup are this checkout's).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import Session, free_port, percentile, session
from benchmarks.bench_api import setup as api_setup
from benchmarks.bench_concurrency import _connections, load_pgledger
from benchmarks.bench_ledger import pg_url
from benchmarks.cpu import process_seconds

CLIENTS = 8


@dataclass(frozen=True)
class Row:
    rate: float
    p50_ms: float
    p99_ms: float
    server_ms: float | None  # CPU a request, every server process
    client_ms: float  # CPU a request, this process (the clients)

    def line(self, name: str, peer: float | None) -> str:
        ratio = "" if peer is None else f"{self.rate / peer:>6.2f}x"
        server = "" if self.server_ms is None else f"{self.server_ms:>7.3f}"
        return (
            f"  {name:34} {self.rate:>8.1f} {self.p50_ms:>7.1f} {self.p99_ms:>7.1f}"
            f" {server:>7} {self.client_ms:>7.3f} {ratio}"
        )


def tree_seconds(pid: int) -> float:
    """CPU used by a process and its descendants that still run (`serve`'s workers)."""
    own = process_seconds(pid) or 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    except OSError:
        children = []
    return own + sum(tree_seconds(int(child)) for child in children)


def drive(
    clients: int, seconds: float, once: Callable[[int, int], None]
) -> tuple[list[float], float, float]:
    """`once(i, n)` from `clients` threads until time is up: latencies, wall and CPU seconds."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        for n in itertools.count():
            if time.perf_counter() >= stop:
                return
            started = time.perf_counter()
            once(i, n)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    cpu, started = process_seconds(os.getpid()) or 0.0, time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return latencies, wall, (process_seconds(os.getpid()) or 0.0) - cpu


def row(latencies: list[float], wall: float, client_s: float, server_s: float | None) -> Row:
    count = max(len(latencies), 1)
    return Row(
        len(latencies) / wall,
        1000 * percentile(latencies, 0.5),
        1000 * percentile(latencies, 0.99),
        None if server_s is None else 1000 * server_s / count,
        1000 * client_s / count,
    )


def pgledger(url: str, seconds: float) -> Row:
    """pgledger: each client transfers back and forth between two accounts of its own."""
    raws = _connections(url, CLIENTS)
    accounts: list[tuple[str, str]] = []
    with raws[0].driver_connection.cursor() as cursor:
        for i in range(CLIENTS):
            ids = []
            for side in "ab":
                name = f"{uuid.uuid4().hex[:8]}-{i}{side}"
                cursor.execute("SELECT id FROM pgledger_create_account(%s, 'CR')", (name,))
                ids.append(cursor.fetchone()[0])
            accounts.append((ids[0], ids[1]))

    def once(i: int, n: int) -> None:
        source, destination = accounts[i] if n % 2 == 0 else accounts[i][::-1]
        cursor = raws[i].driver_connection.cursor()
        cursor.execute("SELECT id FROM pgledger_create_transfer(%s, %s, 1)", (source, destination))
        cursor.close()

    try:
        return row(*drive(CLIENTS, seconds, once), None)
    finally:
        for raw in raws:
            raw.close()


@contextmanager
def served(tree: Path, url: str, workers: int) -> Iterator[tuple[str, int]]:
    """`offset serve --workers N` from `tree`'s sources: its base URL and process id."""
    port = free_port()
    more = ["--workers", str(workers)] if workers > 1 else []
    env = {**os.environ, "PYTHONPATH": str(tree.resolve() / "src")}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "offset", "serve", "--db", url, "--port", str(port), *more],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1_800):  # up to 3 minutes: each worker imports the app
                log.seek(0)
                if log.read().count(b"Application startup complete") >= workers:
                    probe = session(base, "none")
                    try:
                        if probe.get("/api/v1/me").status_code == 401:
                            break
                    except OSError:
                        pass
                    finally:
                        probe.close()
                time.sleep(0.1)
            else:
                raise RuntimeError(f"offset serve from {tree} did not start")
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(timeout=120)


def over_http(base: str, pid: int, keys: dict[str, str], seconds: float, mixed: bool) -> Row:
    clients: list[Session] = [session(base, keys[f"c{i}"]) for i in range(CLIENTS)]
    run = uuid.uuid4().hex[:6]

    def once(i: int, n: int) -> None:
        if mixed and n % 2 == 0:
            answer = clients[i].get("/api/v1/balances")
            assert answer.status_code == 200, answer.text
            return
        mine = f"c{i}/holding"
        other = f"c{i}/other"
        source, destination = (mine, other) if mixed or n % 2 == 0 else (other, mine)
        body = {"from": source, "to": destination, "quantity": 1, "project": "bench-api",
                "vintage": 2024}  # fmt: skip
        answer = clients[i].post(
            "/api/v1/transfers", json=body, headers={"Idempotency-Key": f"{run}-{i}-{n}"}
        )
        assert answer.status_code == 201, answer.text

    try:
        once(0, -2)  # a first read and write pay their imports (keys unlike the round's)
        once(0, -1)
        before = tree_seconds(pid)
        latencies, wall, client_s = drive(CLIENTS, seconds, once)
        return row(latencies, wall, client_s, tree_seconds(pid) - before)
    finally:
        for client in clients:
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pgledger", type=Path, help="a checkout of pgr0ss/pgledger")
    parser.add_argument("--trees", type=Path, nargs="+", default=[Path(".")])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--mixed", action="store_true", help="balance reads and transfers")
    args = parser.parse_args()
    urls = pg_url()
    url = next(urls)
    peers = pg_url() if args.pgledger else None
    peer_url = next(peers) if peers is not None else None
    try:
        book, keys = api_setup(url, CLIENTS)
        book.apply(  # each client's second account: cold transfers between its own two
            [{"op": "open_account", "account": f"c{i}/other", "party": f"c{i}", "kind": "holding"}
             for i in range(CLIENTS)]
        )  # fmt: skip
        if peer_url is not None and args.pgledger is not None:
            load_pgledger(peer_url, args.pgledger)
        print(
            f"{CLIENTS} clients, {args.seconds:g} s each, {'mixed' if args.mixed else 'transfers'}"
        )
        print(f"  {'':34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv ms':>7} {'cli ms':>7}")
        for number in range(1, args.rounds + 1):
            print(f"round {number}, {time.strftime('%H:%M:%S')} UTC, load {os.getloadavg()}")
            peer = None
            if peer_url is not None:
                theirs = pgledger(peer_url, args.seconds)
                print(theirs.line("pgledger", None))
                peer = theirs.rate
            for workers in args.workers:
                for tree in args.trees:
                    with served(tree, url, workers) as (base, pid):
                        figures = over_http(base, pid, keys, args.seconds, args.mixed)
                    name = f"{tree.resolve().name} x{workers}"
                    print(figures.line(name, peer), flush=True)
        problems = book.verify()
        print(f"verify_after {'ok' if not problems else problems[:3]}")
        book.engine.dispose()
    finally:
        for _ in urls:
            pass
        if peers is not None:
            for _ in peers:
                pass


if __name__ == "__main__":
    main()
