"""What proving a page's entries costs (audit-company, 2026-12-08): a ledger of 10,000
transfers and 1,000 retirements of one company, then its balances page, its retirements page
and the API's list of retirements, 5 requests each after one to warm up.

    .venv/bin/python benchmarks/bench_page_proofs.py /tmp/pages.db
    cp /tmp/pages.db /tmp/copy.db
    REUSE=1 PYTHONPATH=/tmp/main/src .venv/bin/python benchmarks/bench_page_proofs.py /tmp/copy.db

(the second: main's code, from `git archive main src factors`, on a copy of the same file).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from fastapi.testclient import TestClient

from offset.api import keys
from offset.api.app import create_app
from offset.ledger import Ledger

PATHS = ("/dashboard", "/dashboard/retirements", "/api/v1/retirements")
ROUNDS = 5


def operations() -> list[dict[str, Any]]:
    pv = {"project": "pv", "vintage": 2024}
    ops: list[dict[str, Any]] = [
        {"op": "open_party", "party": "acme", "kind": "company", "name": "Acme"},
        {"op": "open_account", "account": "acme/holding", "party": "acme", "kind": "holding"},
        {"op": "open_account", "account": "town/holding", "party": "town", "kind": "holding"},
        {"op": "issue", "id": "i", "to": "town/holding", "instrument": "J-Credit", **pv}
        | {"quantity": 10**6, "buffer": 0},
    ]
    for n in range(10_000):
        ops.append({"op": "transfer", "id": f"t{n}", "from": "town/holding"}
                   | {"to": "acme/holding", "quantity": 2, **pv})  # fmt: skip
        if n % 10 == 0:
            ops.append({"op": "retire", "id": f"r{n}", "from": "acme/holding", "quantity": 1}
                       | {"beneficiary": "Acme", "reason": "x", **pv})  # fmt: skip
    return ops


def main(path: str) -> None:
    book = Ledger.open(f"sqlite:///{path}")
    if not os.environ.get("REUSE"):
        assert {r.status for r in book.apply(operations())} == {"ok"}
    _, key = keys.create(book.engine, "acme", "bench")
    client = TestClient(create_app(book))
    client.cookies.set("offset_key", key)
    auth = {"Authorization": f"Bearer {key}"}
    for page in PATHS:
        client.get(page, headers=auth)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(ROUNDS):
            assert client.get(page, headers=auth).status_code == 200
        wall_ms = (time.perf_counter() - wall) / ROUNDS * 1000
        cpu_ms = (time.process_time() - cpu) / ROUNDS * 1000
        print(f"{page}: wall {wall_ms:.0f} ms, CPU {cpu_ms:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
