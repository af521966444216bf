"""The dashboard's forms against hostile requests (issue 32), each attempt as it was run:

- a malformed multipart `Content-Type` with any cookie gave HTTP 500 from the CSRF check;
- the CSRF token was not bound to the signed-in session;
- an `Authorization: Bearer` header skipped the CSRF check;
- invalid UTF-8 form bytes were stored as U+FFFD;
- the registry could close a retirement account from its form;
- a reservation's done page showed the receiver the sender's account;
- an on-behalf retirement's certificate printed the provider's account.

Each is refused (or hidden) now, and nothing changes in the ledger.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import text

from offset.api.labels import LABELS
from tests.api.conftest import World, form_token, sign_in


def client_of(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    assert sign_in(client, world.keys[who]).status_code == 303
    return client


def token(client: TestClient) -> str:
    return form_token(client, "/dashboard" if "offset_key" in client.cookies else "/")


def history(world: World) -> tuple[int, ...]:
    """What a refused request must leave as it was: entries, accounts' statuses, balances."""
    with world.book.engine.connect() as conn:
        return tuple(
            int(conn.execute(text(sql)).scalar_one())
            for sql in (
                "SELECT COUNT(*) FROM transactions",
                "SELECT COUNT(*) FROM accounts WHERE status = 'open'",
                "SELECT COALESCE(SUM(ABS(quantity)), 0) FROM balances",
                "SELECT COUNT(*) FROM parties",
            )
        )


def retire_fields(client: TestClient) -> dict[str, str]:
    page = client.get("/dashboard/retire").text
    key = page.split('name="key" value="', 1)[1].split('"', 1)[0]
    holding = page.split('<option value="acme-kk/holding', 1)[1].split('"', 1)[0]
    return {
        "holding": "acme-kk/holding" + holding,
        "quantity": "1",
        "beneficiary": "Acme KK",
        "reason": "REASON",
        "claim_period": page.split('name="claim_period"', 1)[1].split('<option value="')[2]
        .split('"', 1)[0],
        "key": key,
        "csrftoken": token(client),
    }  # fmt: skip


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",  # no boundary
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary="unterminated',
        "multipart/form-data; boundary=x" + "x" * 5000,
        "multipart/form-data; boundary=zz",  # a boundary the body never has
        "application/x-www-form-urlencoded; charset=latin-1",
        "text/plain",
        ";;;",
    ],
)
def test_a_malformed_body_is_400_in_words_never_500(world: World, content_type: str) -> None:
    client = client_of(world, "acme-kk")
    before = history(world)
    for path in ("/dashboard/retire", "/signout", "/signin", "/dashboard/registry/status"):
        answer = client.post(
            path,
            content=b"--zz\r\nContent-Disposition: form-data; name=\r\n\r\n\xff\xfe",
            headers={"content-type": content_type},
            follow_redirects=False,
        )
        assert answer.status_code == 400, (path, content_type, answer.text[:200])
        assert LABELS["ja"]["bad_form"] in answer.text
    assert history(world) == before


def test_form_bytes_that_are_not_utf8_are_refused_not_stored_as_replacement(world: World) -> None:
    client = client_of(world, "acme-kk")
    before = history(world)
    for bad in ("%ED%A0%80", "%FF", "%C3", "%80abc"):
        body = urlencode(retire_fields(client)).replace("REASON", bad)
        answer = client.post(
            "/dashboard/retire",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert answer.status_code == 400, (bad, answer.text[:200])
    # raw bytes outside percent-encoding, too
    raw = urlencode(retire_fields(client)).replace("REASON", "").encode() + b"&x=\xff"
    answer = client.post(
        "/dashboard/retire",
        content=raw,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert history(world) == before


def test_the_token_is_bound_to_the_session(world: World) -> None:
    """A token and cookie pair drawn in one session do not work in another: not before signing
    in, not after signing in as another party, not in another browser."""
    before = history(world)
    browser = TestClient(world.client.app)
    anonymous = token(browser)  # drawn before signing in
    assert sign_in(browser, world.keys["acme-kk"]).status_code == 303
    fields = {**retire_fields(browser), "csrftoken": anonymous}
    assert browser.post("/dashboard/retire", data=fields).status_code == 403
    # The attacker's own session's token, planted with its cookies in the victim's browser.
    attacker = client_of(world, "rival-kk")
    theirs = token(attacker)
    victim = client_of(world, "acme-kk")
    victim.cookies.set("offset_csrf", attacker.cookies["offset_csrf"])
    fields = {**retire_fields(victim), "csrftoken": theirs}
    assert victim.post("/dashboard/retire", data=fields).status_code == 403
    # The victim's token with the session cookie swapped for another party's key.
    mine = retire_fields(victim)
    victim.cookies.set("offset_key", world.keys["rival-kk"])
    assert victim.post("/dashboard/retire", data=mine).status_code == 403
    assert history(world) == before


def test_an_authorization_header_does_not_skip_the_check(world: World) -> None:
    client = client_of(world, "acme-kk")
    fields = retire_fields(client)
    before = history(world)
    for header in (f"Bearer {world.keys['acme-kk']}", "Bearer x", "Basic eDp5"):
        for sent in ({**fields, "csrftoken": "forged"}, {k: v for k, v in fields.items()
                                                         if k != "csrftoken"}):  # fmt: skip
            answer = client.post(
                "/dashboard/retire",
                data=sent,
                headers={"Authorization": header},
                follow_redirects=False,
            )
            assert answer.status_code == 403, (header, answer.text[:200])
    assert history(world) == before
    # the same request with its own token goes through
    answer = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]


@pytest.mark.parametrize("account", ["acme-kk/retirement", "acme-kk/pending", "registry/pending"])
def test_the_registry_form_cannot_close_a_system_account(world: World, account: str) -> None:
    registry = client_of(world, "registry")
    before = history(world)
    for status in ("closed", "suspended"):
        answer = registry.post(
            "/dashboard/registry/status",
            data={"account": account, "status": status, "csrftoken": token(registry)},
        )
        assert answer.status_code == 422, (account, answer.text[:300])
        assert 'id="status-account-error"' in answer.text
    assert history(world) == before


def _api_write(world: World, who: str, path: str, body: dict[str, object], key: str) -> str:
    headers = {**world.auth(who), "Idempotency-Key": key}
    answer = world.client.post(path, json=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    tx_id: str = answer.json()["id"]
    return tx_id


@pytest.mark.parametrize("kind", ["reservations", "transfers"])
def test_the_receiver_does_not_see_the_senders_account(world: World, kind: str) -> None:
    move = {"from": "acme-kk/holding", "to": "rival-kk/holding", "project": "east-pv",
            "vintage": 2023, "quantity": 1}  # fmt: skip
    tx_id = _api_write(world, "acme-kk", f"/api/v1/{kind}", move, f"seen-{kind}")
    receiver = client_of(world, "rival-kk")
    page = receiver.get(f"/dashboard/done/{tx_id}")
    assert page.status_code == 200, page.text[:300]
    assert "acme-kk/holding" not in page.text
    assert "Acme KK" in page.text  # who sent it, as a public registry shows
    sender = client_of(world, "acme-kk").get(f"/dashboard/done/{tx_id}")
    assert "acme-kk/holding" in sender.text  # the sender's own account, to the sender


def _on_behalf(world: World) -> str:
    """A retirement West Town made on Rival KK's behalf (the agreement `west-rival`)."""
    listed = world.client.get("/api/v1/retirements", headers=world.auth("rival-kk")).json()
    made = [r["id"] for r in listed if r["party"] == "west-town"]
    assert made, listed
    return str(made[0])


def test_an_on_behalf_certificate_does_not_print_the_providers_account(world: World) -> None:
    tx_id = _on_behalf(world)
    beneficiary = client_of(world, "rival-kk")
    path = f"/api/v1/retirements/{tx_id}/certificate"
    for answer in (
        world.client.get(path, headers=world.auth("rival-kk")),
        beneficiary.get(f"/dashboard/certificates/{tx_id}"),
    ):
        assert answer.status_code == 200, answer.text[:300]
        assert "west-town/holding" not in answer.text
        assert "West Town" in answer.text  # who retired it
    provider: httpx.Response = world.client.get(
        f"/api/v1/retirements/{tx_id}/certificate", headers=world.auth("west-town")
    )
    assert "west-town/holding" in provider.text  # the provider's own account, to the provider


@pytest.mark.parametrize("typed", ["9" * 16, "1" + "0" * 15 + "1", "9" * 1999, "１" + "０" * 16])
def test_a_form_quantity_past_the_bounds_says_so(world: World, typed: str) -> None:
    """The forms' words for `quantity_too_large`: not "a whole number", which it is."""
    client = client_of(world, "acme-kk")
    before = history(world)
    answer = client.post("/dashboard/retire", data={**retire_fields(client), "quantity": typed})
    assert answer.status_code == 422, answer.text[:300]
    assert 'id="quantity-error"' in answer.text
    assert str(escape(LABELS["en"]["too_many"])) in answer.text
    assert history(world) == before


def test_a_field_longer_than_any_form_allows_is_400_in_words(world: World) -> None:
    """FastAPI's own check of a form field (at most 2,000 characters) answered the dashboard
    in the API's JSON; a person reads a page."""
    client = client_of(world, "acme-kk")
    before = history(world)
    answer = client.post("/dashboard/retire", data={**retire_fields(client), "reason": "r" * 2001})
    assert answer.status_code == 400, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert LABELS["ja"]["bad_request"] in answer.text
    assert history(world) == before
