"""`offset serve` under 32 concurrent clients for a bounded time, on both databases, and with
2 and 4 worker processes on PostgreSQL (`--workers`).

Each client is a party of its own, with keep-alive, sending transfers to the others (some too
large, some retirements) as fast as it is answered; a retry of an earlier key goes on a new
connection, which any worker process may take. Afterwards: no answer was a 5xx, every answered
write is in the ledger exactly once, credits are conserved (what was issued is where the
ledger says, and equals the sum of the clients' own accounting), and `verify` passes; with
several workers, more than one of them did the work. With several workers one process writes
for all (`writer_socket.py`): when it is gone, the workers answer 503 and nothing is written.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from offset.api import keys
from offset.ledger import Ledger
from tests.api.conftest import server
from tests.ledger.conftest import holdings, pg_schema

CLIENTS = 32
SECONDS = 3.0
EACH = 1_000  # credits issued to each client's account
CLASS = {"project": "load-pv", "vintage": 2024}


#: (database, worker processes, options): with several, one process writes for all of them,
#: or (PostgreSQL) each for itself
SETUPS = [("sqlite", 1, ""), ("sqlite", 2, ""), ("postgresql", 1, ""), ("postgresql", 2, ""),
          ("postgresql", 4, ""), ("postgresql", 2, "--writer-per-process")]  # fmt: skip


@pytest.fixture(params=SETUPS, ids=[f"{db}-{n}{o}" for db, n, o in SETUPS])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int, str]]:
    database, workers, options = request.param
    if database == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}", workers, options
    else:
        for url in pg_schema():
            yield url, workers, options


def cpu_ticks(pid: int) -> dict[int, int]:
    """The CPU time (user + system, in clock ticks) of each worker process of the server `pid`
    (Linux: its children started by multiprocessing's spawn, not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = {}
    for child in map(int, children):
        if b"spawn_main" not in Path(f"/proc/{child}/cmdline").read_bytes():
            continue
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks[child] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return ticks


def _parties(book: Ledger) -> dict[str, str]:
    names = [f"c{i}" for i in range(CLIENTS)]
    book.apply(
        [{"op": "open_party", "party": p, "kind": "company", "name": p.upper()} for p in names]
        + [
            {"op": "open_account", "account": f"{p}/holding", "party": p, "kind": "holding"}
            for p in names
        ]
    )
    issues = [
        {"op": "issue", "id": f"i-{p}", "to": f"{p}/holding", "instrument": "J-Credit"}
        | {"quantity": EACH, **CLASS}
        for p in names
    ]
    assert {r.status for r in book.apply(issues, atomic=True)} == {"ok"}
    return {p: keys.create(book.engine, p)[1] for p in names}


def test_32_clients_no_5xx_and_credits_conserved(setup: tuple[str, int, str]) -> None:
    url, workers, options = setup
    book = Ledger.open(url)
    api_keys = _parties(book)
    statuses: Counter[int] = Counter()
    recorded: list[tuple[str, str, dict[str, Any]]] = []  # (party, key, body) answered 201
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    with server(url, workers, *options.split()) as (base, pid):
        before = cpu_ticks(pid)

        def client(i: int) -> None:
            party = f"c{i}"
            rng = random.Random(i)
            mine: list[tuple[str, dict[str, Any], int]] = []
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {api_keys[party]}"}, timeout=60
            ) as http:
                start.wait()
                stop = time.monotonic() + SECONDS
                n = 0
                while time.monotonic() < stop:
                    n += 1
                    again = bool(mine) and rng.random() < 0.1
                    if again:  # a retry of an earlier request
                        key, body, _ = rng.choice(mine)
                        path = "/retirements" if "to" not in body else "/transfers"
                    elif rng.random() < 0.2:
                        key, path = f"r{n}", "/retirements"
                        body = {"from": f"{party}/holding", "quantity": 1, **CLASS}
                        body["reason"] = "FY2024 offset"
                    else:
                        key, path = f"t{n}", "/transfers"
                        other = f"c{rng.randrange(CLIENTS)}/holding"
                        quantity = rng.choice([1, 2, 3, 5000])  # 5000: insufficient
                        body = {"from": f"{party}/holding", "to": other, "quantity": quantity}
                        body |= CLASS
                    # a retry on a new connection: another worker process may answer it
                    answer = (httpx if again else http).post(
                        f"{base}/api/v1{path}",
                        json=body,
                        headers={**http.headers, "Idempotency-Key": key},
                        timeout=60,
                    )
                    with lock:
                        statuses[answer.status_code] += 1
                    if answer.status_code == 201:
                        mine.append((key, body, answer.json()["seq"]))
            with lock:
                recorded.extend((party, key, body) for key, body, _ in mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = cpu_ticks(pid)

    if workers > 1:  # the workers are all there, and more than one did the work
        assert len(after) == workers
        assert sum(after[w] > before.get(w, 0) for w in after) >= 2, (before, after)
    assert not [code for code in statuses if code >= 500], statuses
    assert statuses[201] > CLIENTS, statuses  # the server did work, under load
    assert set(statuses) <= {200, 201, 409}, statuses  # 409: not enough credits left
    # Every 201 is in the ledger once, as what was asked, and nothing else moved.
    expected: Counter[str] = Counter({f"c{i}/holding": EACH for i in range(CLIENTS)})
    unique = {(party, key): body for party, key, body in recorded}
    assert len(unique) == len(recorded), "a retry was recorded twice"
    for (party, _), body in unique.items():
        expected[body["from"]] -= body["quantity"]
        expected[body.get("to", f"{party}/retirement")] += body["quantity"]
    got = holdings(book)
    assert got.pop("issuance:load-pv") == -EACH * CLIENTS
    assert got == {account: q for account, q in expected.items() if q}
    assert book.verify() == []
    book.engine.dispose()


def test_workers_without_their_writer_answer_503_and_write_nothing(tmp_path: Path) -> None:
    """The process that writes for the workers (`serve`'s own) killed: each worker still
    answers, a write 503 `writer_unavailable`, and the ledger is as it was."""
    for url in pg_schema():
        book = Ledger.open(url)
        api_keys = _parties(book)
        before = holdings(book)
        auth = {"Authorization": f"Bearer {api_keys['c0']}"}
        body = {"from": "c0/holding", "to": "c1/holding", "quantity": 1, **CLASS}
        with server(url, 2) as (base, pid):
            workers = cpu_ticks(pid)
            try:
                os.kill(pid, signal.SIGKILL)
                answers = [  # a new connection each: both workers answer some
                    httpx.post(
                        f"{base}/api/v1/transfers",
                        json=body,
                        headers={**auth, "Idempotency-Key": f"k{n}"},
                        timeout=60,
                    )
                    for n in range(6)
                ]
            finally:
                for worker in workers:
                    os.kill(worker, signal.SIGKILL)
        assert len(workers) == 2
        assert [(a.status_code, a.json()["status"]) for a in answers] == [
            (503, "writer_unavailable")
        ] * 6
        assert holdings(book) == before
        book.engine.dispose()
