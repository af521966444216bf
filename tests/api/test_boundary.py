"""The HTTP boundary against hostile callers: ids that could meet, bodies and fields too large,
characters no encoder writes, and probes of other parties' accounts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World

OWNER = "acme-kk"
MOVE = {"project": "east-pv", "vintage": 2023, "quantity": 1}


def post(world: World, path: str, body: Any, who: str = OWNER, key: str = "k1", **kw: Any) -> Any:
    headers = {**world.auth(who), "Idempotency-Key": key}
    return world.client.post(path, json=body, headers=headers, **kw)


def test_transaction_ids_of_two_parties_never_meet(world: World) -> None:
    """An id is PARTY:KEY and neither part may hold a `:`: before, party `a` could void party
    `a:b`'s reservation `res9` by posting to `/reservations/b:res9/void`."""
    refused = post(
        world,
        "/api/v1/transfers",
        {"from": "acme-kk/holding", "to": "rival-kk/holding", **MOVE},
        key="b:res9",
    )
    assert refused.status_code == 422
    party = {"party": "acme-kk:b", "kind": "company", "name": "Acme B"}
    assert post(world, "/api/v1/parties", party, who="registry").status_code == 422
    probe = world.client.post(
        "/api/v1/reservations/b:res9/void", headers={**world.auth(OWNER), "Idempotency-Key": "v1"}
    )
    assert probe.status_code == 422
    done = post(
        world,
        "/api/v1/transfers",
        {"from": "acme-kk/holding", "to": "rival-kk/holding", **MOVE},
        key="b.res9",
    )
    assert (done.status_code, done.json()["id"]) == (201, "acme-kk:b.res9")


def test_bodies_and_fields_have_limits(world: World) -> None:
    huge = world.client.post(
        "/api/v1/transfers",
        content=b'{"memo": "' + b"x" * 200_000 + b'"}',
        headers={**world.auth(OWNER), "Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    assert (huge.status_code, huge.json()["status"]) == (413, "too_large")

    def chunks() -> Any:
        for _ in range(100):
            yield b" " * 10_000

    streamed = world.client.post(
        "/api/v1/transfers",
        content=chunks(),
        headers={
            **world.auth(OWNER),
            "Idempotency-Key": "stream",
            "Content-Type": "application/json",
        },
    )
    assert streamed.status_code == 413
    body = {"from": "acme-kk/holding", "to": "rival-kk/holding", **MOVE}
    for field, value in (("memo", "m" * 1_001),):
        long = post(world, "/api/v1/transfers", {**body, field: value}, key="long")
        assert (long.status_code, long.json()["status"]) == (422, "invalid_request")
        assert "1000" in long.json()["message"]
    retire = {"from": "acme-kk/holding", **MOVE, "reason": "r"}
    for field, value in (
        ("reason", "r" * 201),
        ("beneficiary", "b" * 201),
        ("claim_period", "c" * 101),
    ):
        long = post(world, "/api/v1/retirements", {**retire, field: value}, key="long2")
        assert long.status_code == 422, field


@pytest.mark.parametrize("text", ["\ud800", "a\u2028b", "tab\there", "\u202eevil", "\x00"])
def test_characters_no_reader_should_see_are_422_never_500(world: World, text: str) -> None:
    """A lone surrogate made the 422 handler itself crash (500); control characters, line
    separators and bidi overrides would reach other parties, spreadsheets and Beancount."""
    body = {"from": "acme-kk/holding", **MOVE, "reason": "r", "beneficiary": "b"}
    for field in ("from", "project", "reason", "beneficiary", "claim_period"):
        raw = {**body, field: text}
        response = world.client.post(
            "/api/v1/retirements",
            content=_json_with_escapes(raw),
            headers={
                **world.auth(OWNER),
                "Idempotency-Key": "s1",
                "Content-Type": "application/json",
            },
        )
        assert response.status_code == 422, (field, response.text)
        assert response.json()["status"] == "invalid_request"
    key = world.client.post(
        "/api/v1/transfers",
        content=_json_with_escapes(
            {"from": "acme-kk/holding", "to": "rival-kk/holding", **MOVE, text: 1}
        ),
        headers={**world.auth(OWNER), "Idempotency-Key": "s2", "Content-Type": "application/json"},
    )
    assert key.status_code == 422


def _json_with_escapes(value: dict[str, Any]) -> bytes:
    """JSON as a caller may send it: lone surrogates as \\u escapes (valid JSON text)."""
    import json

    return json.dumps(value, ensure_ascii=True).encode()


def test_another_partys_account_answers_like_a_missing_one(world: World) -> None:
    """Sending to an account one may not use tells nothing about it: a missing account, a
    suspended or closed one, an account of a kind one cannot send to, answer alike."""
    for account, status in (("rival-kk/holding", "suspended"),):
        world.book.apply([{"op": "account_status", "account": account, "status": status}])
    answers = {}
    for target in (
        "nobody/holding",
        "rival-kk/holding",
        "rival-kk/retirement",
        "issuance:east-pv",
        "buffer:J-Credit",
    ):
        body = {"from": "acme-kk/holding", "to": target, **MOVE}
        response = post(world, "/api/v1/transfers", body, key=f"probe-{abs(hash(target))}")
        answers[target] = (response.status_code, response.json())
    world.book.apply([{"op": "account_status", "account": "rival-kk/holding", "status": "open"}])
    assert len({repr(answer) for answer in answers.values()}) == 1, answers
    code, body = answers["nobody/holding"]
    assert (code, body["status"]) == (404, "unknown_account")
    # A class it holds none of: no word on its instrument, nor on whether it exists.
    for project in ("west-pv", "no-such-project"):
        body = {
            "from": "acme-kk/holding",
            "to": "rival-kk/holding",
            "project": project,
            "vintage": 2022,
            "quantity": 1,
        }
        response = post(world, "/api/v1/transfers", body, key=f"class-{project}")
        assert response.status_code in (404, 409)
        assert response.json()["status"] in ("insufficient_balance", "unknown_class")
        assert "J-Credit" not in response.text


def test_a_memo_cannot_flood_the_recipients_statement(world: World) -> None:
    """A memo travels with a transfer into the recipient's statement: it is bounded (1,000
    characters), so three transfers can no longer make the recipient's statement 121 MB."""
    body = {"from": "acme-kk/holding", "to": "rival-kk/holding", **MOVE, "memo": "m" * 1_000}
    for key in ("f1", "f2", "f3"):
        assert post(world, "/api/v1/transfers", body, key=key).status_code in (201, 200, 409)
    statement = world.client.get(
        "/api/v1/accounts/rival-kk/holding/statement", headers=world.auth("rival-kk")
    )
    assert statement.status_code == 200
    assert len(statement.content) < 20_000
