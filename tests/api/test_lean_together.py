"""The lean path's gathered writes (`lean._write_together`): requests sent at once, their keys
checked in one statement and their writes handed to the group commit together, each answered
as the framework answers it alone (a retry of a recorded write answers `exists`; a refusal, a
revoked key, a key sent twice the same); every write recorded once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from offset.api import keys, lean
from offset.api.app import create_app
from tests.api.conftest import World
from tests.api.test_lean import RESERVE, RETIRE, TRANSFER, answer, retried

Request = tuple[str, bytes, dict[str, str]]


def requests(world: World, run: str) -> list[Request]:
    """Good writes, refusals by the ledger (nothing held, too many, another's account) and by
    the key check, a key sent twice, a retirement naming an agreement (a thread of its own), a
    malformed body."""

    def sent(path: str, body: dict[str, Any], who: str, key: str) -> Request:
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"{run}-{key}"}
        return path, json.dumps(body).encode(), {**headers, **world.auth(who)}

    retire = {**RETIRE, "vintage": 2022}  # acme holds 3 of 2022 and 5 of 2023: enough for all
    rival = {**TRANSFER, "from": "rival-kk/holding", "to": "acme-kk/holding", "project": "west-pv"}
    return [
        *(sent("/api/v1/transfers", TRANSFER, "acme-kk", f"t{n}") for n in range(2)),
        sent("/api/v1/transfers", rival, "rival-kk", "r1"),
        sent("/api/v1/transfers", {**TRANSFER, "quantity": 10**40}, "acme-kk", "big"),
        sent("/api/v1/transfers", {**TRANSFER, "from": "rival-kk/holding"}, "acme-kk", "theirs"),
        sent("/api/v1/transfers", TRANSFER, "revoked", "revoked"),
        sent("/api/v1/transfers", TRANSFER, "acme-kk", "twice"),
        sent("/api/v1/transfers", TRANSFER, "acme-kk", "twice"),
        sent("/api/v1/retirements", retire, "acme-kk", "retire"),
        sent("/api/v1/retirements", {**retire, "agreement": "east-acme"}, "acme-kk", "agreed"),
        sent("/api/v1/retirements", {**retire, "agreement": "nope"}, "acme-kk", "no-deal"),
        sent("/api/v1/reservations", RESERVE, "acme-kk", "reserve"),
        sent("/api/v1/transfers", {**TRANSFER, "quantity": "x"}, "acme-kk", "malformed"),
    ]


async def at_once(app: Any, sent: list[Request]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return list(
            await asyncio.gather(*(client.post(p, content=b, headers=h) for p, b, h in sent))
        )


def test_writes_sent_at_once_answer_as_the_framework(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    together = lean._write_together

    def counting(book: Any, calls: list[lean.Call]) -> Any:
        sizes.append(len(calls))
        return together(book, calls)

    monkeypatch.setattr(lean, "_write_together", counting)
    sent = requests(world, "together")
    mine = [answer(r) for r in asyncio.run(at_once(create_app(world.book), sent))]
    old = TestClient(create_app(world.book, lean_path=False))
    theirs = [answer(old.post(p, content=b, headers=h)) for p, b, h in sent]
    for (path, body, _), first, framework in zip(sent, mine, theirs, strict=True):
        if first[0] == 201:  # recorded by the lean path: the framework's answer is a retry
            assert (framework[0], framework[2]) == (200, retried(first[2])), (path, body)
        else:
            assert first == framework, (path, body)
    statuses = [(status, shown.get("status")) for status, _, shown in mine]
    assert statuses[:6] == [(201, "ok")] * 2 + [
        (409, "insufficient_balance"),  # rival holds no west-pv credit to transfer
        (409, "quantity_too_large"),
        (404, "unknown_account"),
        (401, "unauthorized"),
    ]
    assert sorted(statuses[6:8]) == [(200, "exists"), (201, "ok")]  # one answer per key
    assert statuses[8:] == [(201, "ok"), (201, "ok"), (404, "not_found"), (201, "ok"),
                             (422, "invalid_request")]  # fmt: skip
    assert all(shown["message_ja"] for status, _, shown in mine if status >= 400)
    assert sum(sizes) == 10  # every gathered write (not the two naming an agreement, the 422)
    assert world.book.verify() == []


def test_keys_of_a_batch_checked_as_each_alone(world: World) -> None:
    """`authenticate_all`: live, revoked, unknown, malformed, empty and repeated keys."""
    unknown = "ofk_00000000_" + "0" * 64
    forged = world.keys["acme-kk"][:-1] + "0"  # a live key's id, another secret
    sent = [world.keys["acme-kk"], world.keys["revoked"], unknown, "x", "", forged,
            world.keys["rival-kk"], world.keys["acme-kk"], "ofk_a_b_c"]  # fmt: skip
    alone = [keys.authenticate(world.book.engine, key) for key in sent]
    assert keys.authenticate_all(world.book.engine, sent) == alone
    assert [c.party if c else None for c in alone] == ["acme-kk", None, None, None, None, None,
                                                       "rival-kk", "acme-kk", None]  # fmt: skip
