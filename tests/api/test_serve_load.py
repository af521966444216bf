"""`offset serve` under 32 concurrent clients for a bounded time, on both databases.

Each client is a party of its own, with keep-alive, sending transfers to the others (some too
large, some retries of an earlier key, some retirements) as fast as it is answered. Afterwards:
no answer was a 5xx, every answered write is in the ledger exactly once, credits are conserved
(what was issued is where the ledger says, and equals the sum of the clients' own accounting),
and `verify` passes.
"""

from __future__ import annotations

import random
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
from tests.api.conftest import serving
from tests.ledger.conftest import holdings, pg_schema

CLIENTS = 32
SECONDS = 3.0
EACH = 1_000  # credits issued to each client's account
CLASS = {"project": "load-pv", "vintage": 2024}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from pg_schema()


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


def test_32_clients_no_5xx_and_credits_conserved(url: str) -> None:
    book = Ledger.open(url)
    api_keys = _parties(book)
    statuses: Counter[int] = Counter()
    recorded: list[tuple[str, str, dict[str, Any]]] = []  # (party, key, body) answered 201
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    with serving(url) as base:

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
                    if mine and rng.random() < 0.1:  # a retry of an earlier request
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
                    answer = http.post(
                        f"/api/v1{path}", json=body, headers={"Idempotency-Key": key}
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
