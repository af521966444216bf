"""Writes through the API: idempotency keys, ledger rules as 409 with their code, reservations."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import World


def post(world: World, path: str, body: dict[str, Any], who: str, key: str) -> Any:
    return world.client.post(path, json=body, headers={**world.auth(who), "Idempotency-Key": key})


def holding(world: World, account: str, vintage: int) -> int:
    rows = world.book.balances(account=account)
    return sum(r.quantity for r in rows if r.vintage == vintage)


def test_transfer_is_idempotent_and_checked(world: World) -> None:
    body = {
        "from": "east-town/holding",
        "to": "acme-kk/holding",
        "project": "east-pv",
        "vintage": 2023,
        "quantity": 1,
    }
    before = holding(world, "acme-kk/holding", 2023)
    first = post(world, "/api/v1/transfers", body, "east-town", "w-t1")
    assert first.status_code == 201
    assert first.json() == {"id": "east-town:w-t1", "status": "ok", "seq": first.json()["seq"]}
    again = post(world, "/api/v1/transfers", body, "east-town", "w-t1")
    assert (again.status_code, again.json()["status"]) == (200, "exists")
    assert holding(world, "acme-kk/holding", 2023) == before + 1  # once, not twice

    other = post(world, "/api/v1/transfers", {**body, "quantity": 2}, "east-town", "w-t1")
    assert (other.status_code, other.json()["status"]) == (409, "id_reused")
    too_much = post(world, "/api/v1/transfers", {**body, "quantity": 10_000}, "east-town", "w-t2")
    assert (too_much.status_code, too_much.json()["status"]) == (409, "insufficient_balance")
    nowhere = post(
        world, "/api/v1/transfers", {**body, "to": "nobody/holding"}, "east-town", "w-t3"
    )
    assert (nowhere.status_code, nowhere.json()["status"]) == (404, "unknown_account")


def test_malformed_requests_are_422(world: World) -> None:
    body = {
        "from": "east-town/holding",
        "to": "acme-kk/holding",
        "project": "east-pv",
        "vintage": 2023,
        "quantity": 0,
    }
    assert post(world, "/api/v1/transfers", body, "east-town", "w-bad").status_code == 422
    missing_key = world.client.post(
        "/api/v1/transfers", json={**body, "quantity": 1}, headers=world.auth("east-town")
    )
    assert missing_key.status_code == 422


def test_reserve_then_post_or_void(world: World) -> None:
    body = {
        "from": "east-town/holding",
        "to": "acme-kk/holding",
        "project": "east-pv",
        "vintage": 2022,
        "quantity": 2,
    }
    start = holding(world, "east-town/holding", 2022)
    assert post(world, "/api/v1/reservations", body, "east-town", "w-r1").status_code == 201
    assert holding(world, "east-town/holding", 2022) == start - 2
    # another party cannot complete it: reservations are named within the caller's own keys
    stolen = post(world, "/api/v1/reservations/w-r1/post", {}, "acme-kk", "w-p0")
    assert stolen.status_code == 404
    done = post(world, "/api/v1/reservations/w-r1/post", {"quantity": 1}, "east-town", "w-p1")
    assert done.status_code == 201, done.text
    assert holding(world, "east-town/holding", 2022) == start - 1  # the rest came back
    twice = post(world, "/api/v1/reservations/w-r1/void", {}, "east-town", "w-v1")
    assert (twice.status_code, twice.json()["status"]) == (409, "reservation_resolved")

    assert post(world, "/api/v1/reservations", body, "east-town", "w-r2").status_code == 201
    assert post(world, "/api/v1/reservations/w-r2/void", {}, "east-town", "w-v2").status_code == 201
    assert holding(world, "east-town/holding", 2022) == start - 1


def test_retire_defaults_the_beneficiary_and_yields_a_certificate(world: World) -> None:
    body = {
        "from": "east-town/holding",
        "project": "east-pv",
        "vintage": 2022,
        "quantity": 1,
        "reason": "town hall",
    }
    done = post(world, "/api/v1/retirements", body, "east-town", "w-ret")
    assert done.status_code == 201
    page = world.client.get(
        "/api/v1/retirements/east-town:w-ret/certificate", headers=world.auth("east-town")
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "East Town" in page.text
    assert "town hall" in page.text
    assert world.book.verify() == []


def test_a_transfer_and_a_retirement_by_total_take_the_oldest_vintage_first(
    world: World,
) -> None:
    """Without a vintage, the quantity comes from every vintage held, oldest first: one
    transaction per vintage, answered as parts; sent again, the first answer; more than is
    held: 409, nothing recorded."""
    older = holding(world, "east-town/holding", 2022)
    newer = holding(world, "east-town/holding", 2023)
    assert older > 0
    assert newer > 1
    received = {v: holding(world, "acme-kk/holding", v) for v in (2022, 2023)}
    body = {"from": "east-town/holding", "to": "acme-kk/holding", "project": "east-pv",
            "quantity": older + 1}  # fmt: skip
    first = post(world, "/api/v1/transfers", body, "east-town", "w-total")
    assert first.status_code == 201
    parts = first.json()["parts"]
    assert [(p["id"], p["vintage"], p["quantity"]) for p in parts] == [
        ("east-town:w-total", 2022, older),
        ("east-town:w-total.2", 2023, 1),
    ]
    assert first.json()["seq"] == parts[-1]["seq"]
    assert holding(world, "acme-kk/holding", 2022) == received[2022] + older
    assert holding(world, "acme-kk/holding", 2023) == received[2023] + 1
    again = post(world, "/api/v1/transfers", body, "east-town", "w-total")
    assert (again.status_code, again.json()["status"]) == (200, "exists")
    assert [p["seq"] for p in again.json()["parts"]] == [p["seq"] for p in parts]
    assert holding(world, "acme-kk/holding", 2023) == received[2023] + 1  # once

    before = world.book.retirements()
    held = holding(world, "acme-kk/holding", 2022) + holding(world, "acme-kk/holding", 2023)
    retire = {"from": "acme-kk/holding", "project": "east-pv", "quantity": held + 1,
              "reason": "全量のオフセット"}  # fmt: skip
    refused = post(world, "/api/v1/retirements", retire, "acme-kk", "w-total-r")
    assert (refused.status_code, refused.json()["status"]) == (409, "insufficient_balance")
    assert world.book.retirements() == before  # nothing recorded
    done = post(world, "/api/v1/retirements", {**retire, "quantity": 2}, "acme-kk", "w-total-r")
    assert done.status_code == 201
    assert sum(p["quantity"] for p in done.json()["parts"]) == 2
    assert done.json()["parts"][0]["vintage"] == 2022
