"""The registry's dashboard forms (issue 16): a registry key issues credits (with a confirmation
naming the receiver), opens accounts and registers parties through the same `Ledger.apply` as
the JSON API; every other key, no session, an expired one and a forged CSRF token change nothing."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from offset.api.labels import LABELS, RESULTS
from offset.common.messages import spaced
from tests.api.conftest import World, form_token
from tests.api.test_actions import KEY, client_of, history, token


def issue_fields(client: TestClient, **changes: str) -> dict[str, str]:
    page = client.get("/dashboard/registry")
    assert page.status_code == 200, page.text
    found = KEY.search(page.text)
    assert found is not None
    return {
        "key": found.group(1),
        "csrftoken": form_token(client, "/dashboard/registry"),
        "to": "east-town/holding",
        "instrument": "J-Credit",
        "project": "east-forest",
        "vintage": "2024",
        "quantity": "５０",  # full-width, as an IME types it
        "buffer": "5",
        "methodology": "FO-001",
        **changes,
    }


def held(world: World, account: str, project: str = "east-forest") -> int:
    return sum(b.quantity for b in world.book.balances(account=account) if b.project == project)


def test_the_registry_registers_a_party_opens_its_account_and_issues_to_it(world: World) -> None:
    registry = client_of(world, "registry")
    page = registry.get("/dashboard?lang=ja")
    assert 'id="registry-link"' in page.text  # the registry sees its page in the menu
    party = {"party": "kita-town", "kind": "municipality", "name": "北町", "jis_code": "２０９９７７",
             "csrftoken": token(registry)}  # fmt: skip
    done = registry.post("/dashboard/registry/party", data=party)
    assert done.status_code == 200, done.text
    assert spaced(LABELS["ja"]["set_up_ok_party"], {"what": "kita-town"}) in done.text
    again = registry.post("/dashboard/registry/party", data=party)
    assert spaced(LABELS["ja"]["set_up_exists_party"], {"what": "kita-town"}) in again.text
    account = {"party": "kita-town", "label": "holding", "kind": "holding",
               "csrftoken": token(registry)}  # fmt: skip
    opened = registry.post("/dashboard/registry/account", data=account)
    assert spaced(LABELS["ja"]["set_up_ok_account"], {"what": "kita-town/holding"}) in opened.text

    fields = issue_fields(registry, to="kita-town/holding")
    confirm = registry.post("/dashboard/registry/issue/confirm", data=fields)
    assert confirm.status_code == 200, confirm.text
    assert "北町 (kita-town/holding)" in confirm.text  # the receiver's name before confirming
    assert 'data-quantity="50"' in confirm.text
    assert held(world, "kita-town/holding") == 0  # nothing is issued by the confirmation page
    posted = registry.post("/dashboard/registry/issue", data=fields, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"].startswith("/dashboard/done/registry%3Aweb-")
    assert held(world, "kita-town/holding") == 45
    assert held(world, "buffer:J-Credit") >= 5
    shown = registry.get(posted.headers["location"])
    assert shown.status_code == 200
    # a double submit (or a reload of the confirmation) issues once
    before = history(world)
    replay = registry.post("/dashboard/registry/issue", data=fields, follow_redirects=False)
    assert replay.headers["location"].endswith("?again=1")
    assert history(world) == before
    assert world.book.verify() == []


def test_the_issue_form_says_what_to_correct_and_issues_nothing(world: World) -> None:
    registry = client_of(world, "registry")
    before = history(world)
    fields = issue_fields(
        registry, to="nobody/holding", vintage="24", buffer="60", project="Bad Name"
    )
    answer = registry.post("/dashboard/registry/issue/confirm?lang=en", data=fields)
    assert answer.status_code == 422
    for field_id, label in (("issue-to-error", "no_receiver"), ("issue-vintage-error", "bad_vintage"),
                            ("issue-project-error", "bad_id")):  # fmt: skip
        assert f'id="{field_id}"' in answer.text, field_id
        assert str(escape(LABELS["en"][label])) in answer.text
    # what was typed comes back, with the same key (the form is the same form)
    assert 'value="nobody/holding"' in answer.text
    assert fields["key"] in answer.text
    posted = registry.post("/dashboard/registry/issue", data=fields)
    assert posted.status_code == 422
    over = issue_fields(registry, buffer="60")  # more buffer than quantity
    answer = registry.post("/dashboard/registry/issue/confirm?lang=en", data=over)
    assert LABELS["en"]["buffer_over"] in answer.text
    municipality = {"party": "x-town", "kind": "municipality", "name": "X町",
                    "csrftoken": token(registry)}  # fmt: skip
    refused = registry.post("/dashboard/registry/party?lang=en", data=municipality)
    assert refused.status_code == 422
    assert 'id="party-jis_code-error"' in refused.text
    assert history(world) == before


@pytest.mark.parametrize("party", ["issuance", "buffer", "system", "offset"])
def test_a_party_named_like_the_ledger_is_refused_in_words(world: World, party: str) -> None:
    registry = client_of(world, "registry")
    before = history(world)
    fields = {"party": party, "kind": "company", "name": "Ledger KK", "csrftoken": token(registry)}
    answer = registry.post("/dashboard/registry/party?lang=ja", data=fields)
    assert answer.status_code == 409
    assert str(escape(RESULTS["ja"]["reserved_name"])) in answer.text
    account = {"party": party, "label": "holding", "kind": "holding", "csrftoken": token(registry)}
    assert registry.post("/dashboard/registry/account", data=account).status_code == 409
    assert history(world) == before


def test_the_registry_suspends_and_reopens_an_account(world: World) -> None:
    registry = client_of(world, "registry")
    suspend = {"account": "acme-kk/holding", "status": "suspended", "csrftoken": token(registry)}
    done = registry.post("/dashboard/registry/status?lang=ja", data=suspend)
    assert done.status_code == 200, done.text
    shown = spaced(
        LABELS["ja"]["set_up_ok_status"],
        {"what": f"acme-kk/holding → {LABELS['ja']['status_suspended']}"},
    )
    assert str(escape(shown)) in done.text
    status = {a.id: a.status for a in world.book.accounts()}
    assert status["acme-kk/holding"] == "suspended"
    # the ledger now refuses the holder's own transfer out of it
    body = {"from": "acme-kk/holding", "to": "rival-kk/holding", "project": "east-pv",
            "vintage": 2022, "quantity": 1}  # fmt: skip
    headers = {**world.auth("acme-kk"), "Idempotency-Key": "out-of-suspended"}
    refused = world.client.post("/api/v1/transfers", json=body, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["status"] == "account_closed"
    again = registry.post("/dashboard/registry/status?lang=en", data=suspend)
    assert "nothing changed" in again.text
    reopen = {**suspend, "status": "open"}
    assert registry.post("/dashboard/registry/status", data=reopen).status_code == 200
    assert {a.id: a.status for a in world.book.accounts()}["acme-kk/holding"] == "open"
    unknown = {**suspend, "account": "nobody/holding"}
    refused = registry.post("/dashboard/registry/status?lang=en", data=unknown)
    assert refused.status_code == 409
    system = {**suspend, "account": "issuance:J-Credit"}  # the ledger's own: not offered here
    assert registry.post("/dashboard/registry/status", data=system).status_code == 422
    assert world.book.verify() == []


def registry_actions(world: World) -> dict[str, tuple[str, dict[str, str]]]:
    owner = client_of(world, "registry")
    return {
        "issue": ("/dashboard/registry/issue", issue_fields(owner)),
        "account": ("/dashboard/registry/account",
                    {"party": "rival-kk", "label": "second", "kind": "holding"}),
        "party": ("/dashboard/registry/party",
                  {"party": "new-kk", "kind": "company", "name": "New KK"}),
        "status": ("/dashboard/registry/status",
                   {"account": "rival-kk/holding", "status": "closed"}),
    }  # fmt: skip


@pytest.mark.parametrize("action", ["issue", "account", "party", "status"])
def test_access_matrix_of_the_registry_forms(world: World, action: str) -> None:
    path, fields = registry_actions(world)[action]
    before = history(world)
    accounts = len(world.book.accounts())

    def unchanged(answer: httpx.Response, status: int, why: str) -> None:
        assert answer.status_code == status, (action, why, answer.text[:300])
        assert history(world) == before, (action, why)
        assert len(world.book.accounts()) == accounts, (action, why)

    # a company's key, signed in, with a token of its own: not the registry's to do
    company = client_of(world, "acme-kk")
    answer = company.post(path + "?lang=en", data={**fields, "csrftoken": token(company)})
    unchanged(answer, 403, "company")
    assert str(escape(RESULTS["en"]["not_permitted"])) in answer.text
    assert company.get("/dashboard/registry").status_code == 403
    assert 'id="registry-link"' not in company.get("/dashboard").text
    nobody = TestClient(world.client.app)
    answer = nobody.post(path, data={**fields, "csrftoken": form_token(nobody)},
                         follow_redirects=False)  # fmt: skip
    unchanged(answer, 303, "no session")
    # An expired session: the cookie holds a key revoked since its page was drawn.
    expired = TestClient(world.client.app)
    expired.cookies.set("offset_key", world.keys["revoked"])
    stale = {**fields, "csrftoken": form_token(expired)}
    unchanged(expired.post(path, data=stale, follow_redirects=False), 303, "expired session")
    owner = client_of(world, "registry")
    unchanged(owner.post(path, data={**fields, "csrftoken": "forged"}), 403, "forged token")
    unchanged(owner.post(path, data=fields), 403, "no token")
    # and the registry's own, once
    done = owner.post(path, data={**fields, "csrftoken": token(owner)}, follow_redirects=False)
    assert done.status_code in (200, 303), done.text


def test_stored_markup_in_a_party_name_is_text_on_the_issue_confirmation(world: World) -> None:
    registry = client_of(world, "registry")
    markup = "<script>alert(1)</script>"
    for path, data in (
        ("/dashboard/registry/party", {"party": "mark-kk", "kind": "company", "name": markup}),
        (
            "/dashboard/registry/account",
            {"party": "mark-kk", "label": "holding", "kind": "holding"},
        ),
    ):
        assert registry.post(path, data={**data, "csrftoken": token(registry)}).status_code == 200
    confirm = registry.post("/dashboard/registry/issue/confirm",
                            data=issue_fields(registry, to="mark-kk/holding"))  # fmt: skip
    assert markup not in confirm.text
    assert re.search(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", confirm.text)


def test_hostile_values_in_the_registry_forms_change_nothing(world: World) -> None:
    registry = client_of(world, "registry")
    before = history(world)
    for changes, error in (
        ({"quantity": "9" * 30}, "issue-quantity-error"),  # beyond the ledger's bound
        ({"vintage": "9999"}, "issue-vintage-error"),  # a year in no plan
        ({"buffer": "-1"}, "issue-buffer-error"),
        ({"project": '=HYPERLINK("x")'}, "issue-project-error"),  # a formula as a name
        ({"methodology": "a\u2028b"}, "issue-methodology-error"),  # a line separator
    ):
        answer = registry.post("/dashboard/registry/issue", data=issue_fields(registry, **changes))
        assert answer.status_code == 422, (changes, answer.text[:300])
        assert f'id="{error}"' in answer.text, changes
    # a lone surrogate's UTF-8 bytes in a party's name: refused, never stored as U+FFFD
    body = urlencode({"party": "odd-kk", "kind": "company", "name": "NAME",
                      "csrftoken": token(registry)}).replace("NAME", "%ED%A0%80")  # fmt: skip
    answer = registry.post(
        "/dashboard/registry/party",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400, answer.text[:300]
    assert history(world) == before
