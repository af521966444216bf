"""Every refusal of the JSON API carries its words in Japanese (`message_ja`), not only a
ledger rule's: a missing or revoked key, what is not the caller's, an action its kind may not
take, a malformed or oversized request, a path that does not exist. A municipality's system
shows `message_ja` to its staff; an empty one left them the English alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World
from tests.japanese import untranslated

TRANSFER = {"from": "acme-kk/holding", "to": "rival-kk/holding", "project": "east-pv",
            "vintage": 2022, "quantity": 1}  # fmt: skip
RETIRE = {"from": "acme-kk/holding", "project": "east-pv", "vintage": 2022, "quantity": 1,
          "reason": "r"}  # fmt: skip

# what is sent (method, path, who, body or raw bytes), and the answer's code and status
REFUSALS: dict[str, tuple[str, str, str | None, Any, int, str]] = {
    "no key": ("GET", "/api/v1/balances", None, None, 401, "unauthorized"),
    "revoked key": ("GET", "/api/v1/balances", "revoked", None, 401, "unauthorized"),
    "another's statement": (
        "GET", "/api/v1/accounts/rival-kk/holding/statement", "acme-kk", None, 404, "not_found",
    ),
    "no such path": ("GET", "/api/v1/nothing-here", "acme-kk", None, 404, "not_found"),
    "another's agreement": (
        "POST", "/api/v1/retirements", "acme-kk", RETIRE | {"agreement": "not-mine"}, 404,
        "not_found",
    ),
    "issuance by a company": (
        "POST", "/api/v1/issuances", "acme-kk",
        {"to": "acme-kk/holding", "instrument": "J-Credit", "project": "east-pv",
         "vintage": 2022, "quantity": 1}, 403, "forbidden",
    ),
    "a quantity as text": (
        "POST", "/api/v1/transfers", "acme-kk", TRANSFER | {"quantity": "5"}, 422,
        "invalid_request",
    ),
    "a body over 64 KiB": (
        "POST", "/api/v1/transfers", "acme-kk", b"{" + b" " * 70_000 + b"}", 413, "too_large",
    ),
}  # fmt: skip


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_every_refusal_says_it_in_japanese(world: World, refusal: str) -> None:
    method, path, who, body, code, status = REFUSALS[refusal]
    headers = {**world.auth(who), "Idempotency-Key": f"ja-{abs(hash(refusal))}"}
    if isinstance(body, bytes):
        headers["Content-Type"] = "application/json"
        answer = world.client.request(method, path, content=body, headers=headers)
    else:
        answer = world.client.request(method, path, json=body, headers=headers)
    assert (answer.status_code, answer.json()["status"]) == (code, status), answer.text
    japanese = answer.json().get("message_ja", "")
    assert japanese, answer.text
    assert untranslated([(refusal, japanese)]) == []
    assert answer.json()["message"], answer.text  # the English stays
