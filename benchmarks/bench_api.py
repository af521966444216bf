"""HTTP API benchmark: N concurrent clients on loopback against `offset serve` (not a test).

Each client alternates a balance read (`GET /api/v1/balances`) and a transfer of one credit
(`POST /api/v1/transfers`) to another party's holding, for a bounded time. In the same run, the
baseline does the same work through the ledger's direct Python API (the same scoped read, the
same `Ledger.apply`) from N threads, with no HTTP in between. Reported per path: requests per
second, and p50/p99 latency of each request kind.

    python benchmarks/bench_api.py --clients 8 --seconds 10 --backend postgresql --workers 1 2 4

`--workers` (PostgreSQL) measures `offset serve --workers N` for each N given, one after another
on the same ledger.

The clients speak HTTP/1.1 with keep-alive through the standard library (`Plain`), whose CPU a
request is a fraction of httpx's: on a machine where the clients share the server's cores, a
heavy client takes the CPU the server would use (`--httpx` measures with httpx instead).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson

from offset.api import keys
from offset.ledger import Ledger, visibility

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_ledger import pg_url, sqlite_url

CLASS = {"project": "bench-api", "vintage": 2024}


def setup(url: str, parties: int) -> tuple[Ledger, dict[str, str]]:
    book = Ledger.open(url)
    names = [f"c{i}" for i in range(parties)]
    book.apply(
        [{"op": "open_party", "party": p, "kind": "company", "name": p.upper()} for p in names]
        + [
            {"op": "open_account", "account": f"{p}/holding", "party": p, "kind": "holding"}
            for p in names
        ]
    )
    book.apply(
        [
            {
                "op": "issue",
                "id": f"i-{p}",
                "to": f"{p}/holding",
                "instrument": "J-Credit",
                "quantity": 10**9,
                **CLASS,
            }
            for p in names
        ]
    )
    return book, {p: keys.create(book.engine, p)[1] for p in names}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drive(
    clients: int, seconds: float, worker: Callable[[int, Callable[[str, float], None]], None]
) -> dict[str, Any]:
    """Run `worker(i, record)` in `clients` threads until time is up; collect latencies."""
    latencies: dict[str, list[float]] = {"read": [], "transfer": []}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def record(kind: str, elapsed: float) -> None:
        with lock:
            latencies[kind].append(elapsed)

    def loop(i: int) -> None:
        while time.perf_counter() < stop:
            worker(i, record)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in latencies.values())
    return {
        "requests_per_s": total / elapsed,
        **{f"{k}_p50_ms": 1000 * percentile(v, 0.5) for k, v in latencies.items()},
        **{f"{k}_p99_ms": 1000 * percentile(v, 0.99) for k, v in latencies.items()},
        "requests": total,
    }


def timed(record: Callable[[str, float], None], kind: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = call()
    record(kind, time.perf_counter() - started)
    return result


def transfer_body(i: int, parties: int) -> dict[str, Any]:
    return {"from": f"c{i}/holding", "to": f"c{(i + 1) % parties}/holding", "quantity": 1, **CLASS}


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str


class Session(Protocol):
    """What a benchmark client needs of an HTTP client (httpx's `Client` has it)."""

    def get(self, path: str) -> Any: ...
    def post(self, path: str, *, json: Any, headers: dict[str, str]) -> Any: ...
    def close(self) -> None: ...


class Plain:
    """One keep-alive connection through `http.client`, the body as JSON (orjson): the least CPU
    a client can spend on a request in Python (`Session`)."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        where = urlsplit(base)
        self.connection = http.client.HTTPConnection(where.hostname or "", where.port)
        self.headers = headers

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        return Answer(response.status, response.read().decode())

    def get(self, path: str) -> Answer:
        return self._send("GET", path, None, self.headers)

    def post(self, path: str, *, json: Any, headers: dict[str, str]) -> Answer:
        sent = {**self.headers, **headers, "Content-Type": "application/json"}
        return self._send("POST", path, orjson.dumps(json), sent)

    def close(self) -> None:
        self.connection.close()


def session(base: str, key: str, heavy: bool = False) -> Session:
    """A client sending `key`: `Plain`, or httpx's (`heavy`)."""
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.Client(base_url=base, headers=headers) if heavy else Plain(base, headers)


def over_http(
    base: str,
    api_keys: dict[str, str],
    clients: int,
    seconds: float,
    round_: str = "",
    heavy: bool = False,
) -> dict[str, Any]:
    sessions = [session(base, api_keys[f"c{i}"], heavy) for i in range(clients)]
    counter = itertools.count()

    def worker(i: int, record: Callable[[str, float], None]) -> None:
        session = sessions[i]
        response = timed(record, "read", lambda: session.get("/api/v1/balances"))
        assert response.status_code == 200, response.text
        key = f"http{round_}-{next(counter)}"  # new in each round on one ledger
        response = timed(
            record, "transfer",
            lambda: session.post("/api/v1/transfers", json=transfer_body(i, clients), headers={"Idempotency-Key": key}),
        )  # fmt: skip
        assert response.status_code == 201, response.text

    try:
        return drive(clients, seconds, worker)
    finally:
        for s in sessions:
            s.close()


def direct(book: Ledger, api_keys: dict[str, str], clients: int, seconds: float) -> dict[str, Any]:
    callers = [keys.authenticate(book.engine, api_keys[f"c{i}"]) for i in range(clients)]
    counter = itertools.count()

    def worker(i: int, record: Callable[[str, float], None]) -> None:
        who = callers[i]
        assert who is not None
        timed(record, "read", lambda: visibility.balances(book, who))
        op = {"op": "transfer", "id": f"c{i}:direct-{next(counter)}", **transfer_body(i, clients)}
        (result,) = timed(record, "transfer", lambda: book.apply([op]))
        assert result.status == "ok", result

    return drive(clients, seconds, worker)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, workers: int = 1) -> Iterator[str]:
    """`offset serve` (with `--workers`): its base URL once every worker has started."""
    port = free_port()
    more = ["--workers", str(workers)] if workers > 1 else []
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "offset", "serve", "--db", url, "--port", str(port), *more],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1_800):  # up to 3 minutes: each worker imports the app, slow when busy
                log.seek(0)
                if log.read().count(b"Application startup complete") >= workers:
                    try:
                        httpx.get(base + "/api/v1/me")
                        break
                    except httpx.TransportError:
                        pass
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=120)  # N workers finish their requests and stop, one by one


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="server processes")
    parser.add_argument("--httpx", action="store_true", help="clients on httpx (more CPU)")
    args = parser.parse_args()
    if args.backend == "sqlite" and args.workers != [1]:
        parser.error("--workers is for PostgreSQL")
    urls = pg_url() if args.backend == "postgresql" else sqlite_url()
    url = next(urls)
    http: dict[int, dict[str, float]] = {}
    try:
        book, api_keys = setup(url, args.clients)
        baseline = direct(book, api_keys, args.clients, args.seconds)
        for workers in args.workers:
            server = serve(url, workers)
            base = next(server)
            try:
                http[workers] = over_http(
                    base, api_keys, args.clients, args.seconds, f"w{workers}", args.httpx
                )
            finally:
                for _ in server:
                    pass
        problems = book.verify()
        book.engine.dispose()
    finally:
        for _ in urls:
            pass
    print(f"backend {args.backend}, {args.clients} clients, {args.seconds:g} s each")
    print(f"load average {os.getloadavg()}")
    heads = "".join(f"{f'HTTP x{n}':>12}{'/direct':>9}" for n in http)
    print(f"{'':24}{'direct API':>14}{heads}")
    for name in baseline:
        cells = ""
        for figures in http.values():
            ratio = figures[name] / baseline[name] if baseline[name] else float("nan")
            cells += f"{figures[name]:>12.2f}{ratio:>9.2f}"
        print(f"{name:24}{baseline[name]:>14.2f}{cells}")
    print(f"verify_after {'ok' if not problems else problems[:3]}")


if __name__ == "__main__":
    main()
