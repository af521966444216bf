"""The dashboard's actions through the test client: retire, transfer and cancel a reservation
as a signed-in company, and the access matrix of each: another party, no session, an expired
session, a forged CSRF token and a replayed form each get their refusal and change nothing."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import text

from offset.api import forms
from offset.api.labels import LABELS, RESULTS
from offset.common import fiscal
from offset.ledger.checkpoint import keygen
from offset.ledger.codes import CODES, JAPANESE
from offset.ledger.rows import BalanceLine
from tests.api.conftest import World, form_token, sign_in
from tests.pdfs import japanese_font_used, read_pdf

KEY = re.compile(r'name="key" value="(web-[0-9a-f]{32})"')
PROJECT = "acme-stock"
HOLDING = f"acme-kk/holding {PROJECT} 2023"


@pytest.fixture(autouse=True)
def stocked(world: World) -> None:
    """Enough credits for every action here: the registry issues 1,000 to Acme once."""
    body = {
        "to": "acme-kk/holding",
        "instrument": "J-Credit",
        "project": PROJECT,
        "vintage": 2023,
        "quantity": 1000,
    }
    headers = {**world.auth("registry"), "Idempotency-Key": "stock-for-actions"}
    response = world.client.post("/api/v1/issuances", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text


def client_of(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    assert sign_in(client, world.keys[who]).status_code == 303
    return client


def held(
    world: World, account: str = "acme-kk/holding", vintage: int = 2023, project: str = PROJECT
) -> int:
    return sum(
        b.quantity
        for b in world.book.balances()
        if (b.account, b.project, b.vintage) == (account, project, vintage)
    )


def history(world: World) -> tuple[int, list[BalanceLine]]:
    """What must not change when an action is refused: the chain's length and every balance."""
    with world.book.engine.connect() as conn:
        (count,) = conn.exec_driver_sql("SELECT count(*) FROM transactions").one()
    return int(count), world.book.balances()


def drawn(client: TestClient, path: str) -> dict[str, str]:
    """A form as the page drew it: its idempotency key and CSRF token."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = KEY.search(page.text)
    assert found is not None
    return {"key": found.group(1), "csrftoken": form_token(client, path)}


def token(client: TestClient) -> str:
    return form_token(client, "/dashboard" if "offset_key" in client.cookies else "/")


def retire_fields(world: World, client: TestClient, **changes: str) -> dict[str, str]:
    years = forms.claim_years(dt.date.today())
    return {
        **drawn(client, "/dashboard/retire"),
        "holding": HOLDING,
        "quantity": "３",  # full-width, as a Japanese IME types it
        "purpose": "carbon_offset",
        "beneficiary": "Acme KK 本社",
        "reason": "2024年度 社用車の排出",
        "claim_fy": str(years[2]),
        **changes,
    }


def period_of(fields: dict[str, str]) -> str:
    return fiscal.claim_period(int(fields["claim_fy"]))


def test_retire_confirm_then_post_once(world: World) -> None:
    client = client_of(world, "acme-kk")
    before = held(world)
    fields = retire_fields(world, client)
    confirm = client.post("/dashboard/retire/confirm", data=fields)
    assert confirm.status_code == 200
    assert 'data-quantity="3"' in confirm.text
    assert period_of(fields) in confirm.text
    assert held(world) == before  # the confirmation page changes nothing
    first = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert first.status_code == 303
    tx_id = unquote(first.headers["location"].removeprefix("/dashboard/done/"))
    assert tx_id == f"acme-kk:{fields['key']}"
    assert held(world) == before - 3
    # A double click, or a reload of the confirmation: the same form again posts nothing.
    second = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert second.status_code == 303
    assert second.headers["location"].endswith("?again=1")
    assert held(world) == before - 3
    retirement = world.book.retirement(tx_id)
    assert (retirement.quantity, retirement.claim_period) == (3, period_of(fields))
    assert retirement.beneficiary == "Acme KK 本社"
    done = client.get(first.headers["location"])
    assert done.status_code == 200
    assert 'id="certificate-link"' in done.text
    certificate = client.get(f"/dashboard/certificates/{tx_id}")
    assert period_of(fields) in certificate.text
    assert "Acme KK 本社" in certificate.text
    printed = client.get(f"/dashboard/certificates/{tx_id}?format=pdf")
    assert printed.headers["content-type"] == "application/pdf"
    pdf = read_pdf(printed.content)
    assert "Acme KK 本社" in pdf.text
    assert period_of(fields) in pdf.text
    assert japanese_font_used(pdf)
    assert client.get(f"/dashboard/certificates/{tx_id}?format=doc").status_code == 400
    # Another party cannot print it, as it cannot see it.
    rival = client_of(world, "rival-kk")
    assert rival.get(f"/dashboard/certificates/{tx_id}?format=pdf").status_code == 404


def test_form_problems_are_named_and_change_nothing(world: World) -> None:
    client = client_of(world, "acme-kk")
    before = history(world)
    for changes, field, words in (
        ({"quantity": "abc"}, "quantity", LABELS["en"]["whole_number"]),
        ({"quantity": "0"}, "quantity", LABELS["en"]["whole_number"]),
        ({"quantity": "1e3"}, "quantity", LABELS["en"]["whole_number"]),
        (
            {"quantity": "1,0"},
            "quantity",
            LABELS["en"]["whole_number"],
        ),  # not a thousands separator
        ({"quantity": "999999"}, "quantity", "more than the"),
        ({"claim_fy": ""}, "claim_fy", LABELS["en"]["must_choose"]),
        ({"claim_fy": "9999"}, "claim_fy", LABELS["en"]["must_choose"]),
        ({"purpose": ""}, "purpose", LABELS["en"]["must_choose"]),
        ({"purpose": "tax_cut"}, "purpose", LABELS["en"]["must_choose"]),
        ({"serials": "0-x"}, "serials", LABELS["en"]["bad_serials"]),
        ({"serials": "0-9", "quantity": "3"}, "quantity", "the serial ranges hold 10 credits"),
        ({"offset_place": "どこにもない町"}, "offset_place", LABELS["en"]["no_place"]),
        ({"holding": "rival-kk/holding west-pv 2023"}, "holding", LABELS["en"]["must_choose"]),
        ({"reason": "   "}, "reason", LABELS["en"]["must_fill"]),
        ({"beneficiary": "a\u202eb"}, "beneficiary", LABELS["en"]["bad_text"]),
        ({"reason": "x" * 201}, "reason", LABELS["en"]["bad_text"]),
    ):
        for path in ("/dashboard/retire/confirm", "/dashboard/retire"):
            answer = client.post(path + "?lang=en", data=retire_fields(world, client, **changes))
            assert answer.status_code == 422, (changes, path)
            assert f'id="{field}-error"' in answer.text, changes
            assert words in answer.text, changes
    assert history(world) == before


def test_bytes_that_are_not_utf8_are_answered(world: World) -> None:
    """A lone surrogate's UTF-8 form (ED A0 80): no browser sends it, a hostile caller may."""
    client = client_of(world, "acme-kk")
    fields = retire_fields(world, client, reason="REASON")
    body = urlencode(fields).replace("REASON", "%ED%A0%80")
    before = history(world)
    answer = client.post(
        "/dashboard/retire",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    # Refused in words (issue 32): stored as U+FFFD, the reason would not be what was sent.
    assert answer.status_code == 400, answer.text[:300]
    assert "UTF-8" in answer.text
    assert history(world) == before


def test_a_replayed_form_with_other_content_is_refused(world: World) -> None:
    client = client_of(world, "acme-kk")
    fields = retire_fields(world, client, quantity="1")
    assert client.post("/dashboard/retire", data=fields, follow_redirects=False).status_code == 303
    before = history(world)
    again = client.post("/dashboard/retire", data={**fields, "quantity": "2"})
    assert again.status_code == 409
    assert 'data-code="id_reused"' in again.text
    assert history(world) == before
    # A key the pages never draw is not accepted either.
    forged = client.post("/dashboard/retire", data={**fields, "key": "acme-retire-1"})
    assert forged.status_code == 400
    assert history(world) == before


def test_transfer_shows_the_receiver_then_moves(world: World) -> None:
    client = client_of(world, "acme-kk")
    before, theirs = held(world), held(world, "east-town/holding")
    fields = {
        **drawn(client, "/dashboard/transfer"),
        "holding": HOLDING,
        "quantity": "1",
        "to": "east-town/holding",
        "memo": "返却",
    }
    confirm = client.post("/dashboard/transfer/confirm", data=fields)
    assert confirm.status_code == 200
    assert "East Town (east-town/holding)" in confirm.text
    for to, code in (
        ("nobody/holding", "no_receiver"),
        ("east-town/retirement", "no_receiver"),  # a system account takes no transfer
        ("issuance:east-pv", "no_receiver"),
        ("acme-kk/holding", "same_account"),
    ):
        refused = client.post("/dashboard/transfer/confirm?lang=en", data={**fields, "to": to})
        assert refused.status_code == 422
        assert LABELS["en"][code] in refused.text
    assert (
        client.post("/dashboard/transfer", data=fields, follow_redirects=False).status_code == 303
    )
    assert (
        client.post("/dashboard/transfer", data=fields, follow_redirects=False).status_code == 303
    )
    assert (held(world), held(world, "east-town/holding")) == (before - 1, theirs + 1)


def reserve(world: World, key: str) -> str:
    body = {
        "from": "acme-kk/holding",
        "to": "east-town/holding",
        "project": PROJECT,
        "vintage": 2023,
        "quantity": 1,
    }
    headers = {**world.auth("acme-kk"), "Idempotency-Key": key}
    response = world.client.post("/api/v1/reservations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_cancel_a_reservation(world: World) -> None:
    reservation = reserve(world, "hold-for-east")
    client = client_of(world, "acme-kk")
    before = held(world)
    page = client.get("/dashboard/reservations")
    assert reservation in page.text
    key = KEY.search(page.text)
    assert key is not None
    fields = {"reservation": reservation, "key": key.group(1), "csrftoken": token(client)}
    done = client.post("/dashboard/reservations/cancel", data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert held(world) == before + 1
    assert reservation not in client.get("/dashboard/reservations").text
    # Cancelling it again is refused in words, with the ledger's code.
    fields["key"] = forms.new_key()
    again = client.post("/dashboard/reservations/cancel?lang=ja", data=fields)
    assert again.status_code == 409
    assert RESULTS["ja"]["reservation_resolved"] in again.text
    assert held(world) == before + 1


def actions(world: World) -> dict[str, tuple[str, Callable[[TestClient], dict[str, str]]]]:
    """Each action's final POST and a valid form for it, as Acme's pages draw it."""

    def retire(client: TestClient) -> dict[str, str]:
        return retire_fields(world, client, quantity="1")

    def transfer(client: TestClient) -> dict[str, str]:
        return {
            **drawn(client, "/dashboard/transfer"),
            "holding": HOLDING,
            "quantity": "1",
            "to": "east-town/holding",
        }

    def cancel(client: TestClient) -> dict[str, str]:
        reservation = reserve(world, f"matrix-{forms.new_key()[4:]}")
        return {
            "reservation": reservation,
            "key": forms.new_key(),
            "csrftoken": token(client),
        }

    return {
        "retire": ("/dashboard/retire", retire),
        "transfer": ("/dashboard/transfer", transfer),
        "cancel": ("/dashboard/reservations/cancel", cancel),
    }


@pytest.mark.parametrize("action", ["retire", "transfer", "cancel"])
def test_access_matrix(world: World, action: str) -> None:
    path, form = actions(world)[action]
    owner = client_of(world, "acme-kk")
    fields = form(owner)
    before = history(world)

    def unchanged(answer: httpx.Response, status: int, why: str) -> None:
        assert answer.status_code == status, (action, why, answer.text[:300])
        assert history(world) == before, (action, why)

    # Another party's session, with a token of its own: Acme's credits are not its to use.
    rival = client_of(world, "rival-kk")
    theirs = {**fields, "csrftoken": token(rival)}
    unchanged(rival.post(path, data=theirs), 404 if action == "cancel" else 422, "other party")
    # No session at all (a valid CSRF pair, but no key): back to the sign-in page.
    nobody = TestClient(world.client.app)
    anonymous = {**fields, "csrftoken": form_token(nobody)}
    answer = nobody.post(path, data=anonymous, follow_redirects=False)
    unchanged(answer, 303, "no session")
    assert answer.headers["location"] == "/"
    # An expired session: the cookie holds a key revoked since its page was drawn.
    expired = TestClient(world.client.app)
    expired.cookies.set("offset_key", world.keys["revoked"])
    stale = {**fields, "csrftoken": form_token(expired)}
    answer = expired.post(path, data=stale, follow_redirects=False)
    unchanged(answer, 303, "expired session")
    # A forged token, and none: refused before the app reads the form.
    unchanged(owner.post(path, data={**fields, "csrftoken": "forged"}), 403, "forged token")
    without = {k: v for k, v in fields.items() if k != "csrftoken"}
    unchanged(owner.post(path, data=without), 403, "no token")
    # Another site's page posting in the owner's browser, with a token drawn in its own.
    foreign = form_token(TestClient(world.client.app))
    unchanged(owner.post(path, data={**fields, "csrftoken": foreign}), 403, "foreign token")
    # The owner's form, once, then replayed: recorded once.
    assert owner.post(path, data=fields, follow_redirects=False).status_code == 303
    after = history(world)
    replay = owner.post(path, data=fields, follow_redirects=False)
    assert replay.status_code == 303
    assert replay.headers["location"].endswith("?again=1")
    assert history(world) == after


def test_stored_markup_is_shown_as_text(world: World) -> None:
    client = client_of(world, "acme-kk")
    markup = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    fields = retire_fields(world, client, quantity="1", beneficiary=markup, reason=markup)
    for answer in (
        client.post("/dashboard/retire/confirm", data=fields),
        client.get(
            client.post("/dashboard/retire", data=fields, follow_redirects=False).headers[
                "location"
            ]
        ),
        client.get(f"/dashboard/certificates/acme-kk:{fields['key']}"),
        client.get("/dashboard/retirements"),
    ):
        assert answer.status_code == 200
        assert "<script>alert" not in answer.text
        assert "<img src=x" not in answer.text
        assert "&lt;script&gt;" in answer.text


def test_the_catalogue_has_every_word_in_both_languages() -> None:
    assert set(LABELS["en"]) == set(LABELS["ja"])
    for lang in ("en", "ja"):
        assert set(RESULTS[lang]) == set(CODES), lang
        assert all(words.strip() for words in RESULTS[lang].values())


def test_pages_offer_only_what_the_party_holds(world: World) -> None:
    rival = client_of(world, "rival-kk")
    page = rival.get("/dashboard/retire")
    assert page.status_code == 200
    assert "acme-kk" not in page.text
    assert "east-pv" not in page.text
    reservations = rival.get("/dashboard/reservations")
    assert reservations.status_code == 200
    assert "acme-kk" not in reservations.text


def ledger_year(world: World, who: str, agreement: str, fy: int) -> dict[str, int]:
    found = world.client.get("/api/v1/agreements", headers=world.auth(who)).json()
    (item,) = [a for a in found if a["name"] == agreement]
    (year,) = [y for y in item["ledger"] if y["fy"] == fy]
    return dict(year)


def test_a_retirement_against_an_agreement_shows_on_it(world: World) -> None:
    """The agreement's page reads the ledger: the partner's own retirement against it counts as
    retired; a party outside the agreement cannot name it, and if the operator records one
    naming it anyway, it counts for nothing."""
    before = ledger_year(world, "acme-kk", "east-acme", 2023)
    assert before["delivered"] == 5  # the scenario's transfer of FY2023, from the ledger
    client = client_of(world, "acme-kk")
    fields = retire_fields(
        world, client, holding="acme-kk/holding east-pv 2023", quantity="4", agreement="east-acme"
    )
    assert "east-acme" in client.post("/dashboard/retire/confirm", data=fields).text
    assert client.post("/dashboard/retire", data=fields, follow_redirects=False).status_code == 303
    after = ledger_year(world, "acme-kk", "east-acme", 2023)
    assert after == {**before, "retired": before["retired"] + 4}
    assert ledger_year(world, "east-town", "east-acme", 2023) == after  # the provider sees it
    page = client.get("/dashboard/agreements").text
    assert f'data-fy="2023" data-retired="{after["retired"]}"' in page
    # Rival may not count a retirement against Acme's agreement: not in its form, not by API.
    rival = client_of(world, "rival-kk")
    assert "east-acme" not in rival.get("/dashboard/retire").text
    body = {"from": "rival-kk/holding", "project": "west-pv", "vintage": 2023, "quantity": 1,
            "reason": "x", "agreement": "east-acme"}  # fmt: skip
    headers = {**world.auth("rival-kk"), "Idempotency-Key": "name-their-agreement"}
    refused = world.client.post("/api/v1/retirements", json=body, headers=headers)
    assert (refused.status_code, refused.json()["status"]) == (404, "not_found")
    # Recorded by the operator all the same (it is the ledger's to allow): it counts for nothing.
    stock = {"op": "issue", "id": "rival-stock", "to": "rival-kk/holding", "instrument": "J-Credit",
             "project": "rival-stock", "vintage": 2023, "quantity": 5}  # fmt: skip
    outsider = {"op": "retire", "id": "rival-names-east-acme", "from": "rival-kk/holding",
                "project": "rival-stock", "vintage": 2023, "quantity": 5, "beneficiary": "Rival",
                "reason": "x", "agreement": "east-acme"}  # fmt: skip
    assert [r.status for r in world.book.apply([stock, outsider])] == ["ok", "ok"]
    assert ledger_year(world, "acme-kk", "east-acme", 2023) == after


def test_where_credits_come_from(world: World) -> None:
    """Each holding's origin: the issuing town's name, methodology, serials held, the input
    data's hash as the issuance recorded it, and a serial history page; nothing of others'
    balances, and nothing of it for another party."""
    found = world.client.get("/api/v1/origins", headers=world.auth("acme-kk")).json()
    east = [o for o in found if (o["project"], o["vintage"]) == ("east-pv", 2022)]
    (origin,) = east
    assert origin["account"] == "acme-kk/holding"
    assert origin["quantity"] == held(world, "acme-kk/holding", 2022, "east-pv")
    assert sum(s["stop"] - s["start"] for s in origin["serials"]) == origin["quantity"]
    (issuance,) = origin["issuances"]
    assert issuance["issuer"] == "East Town"
    assert issuance["method"] == "solar"
    with world.book.engine.connect() as conn:
        source = conn.execute(
            text("SELECT source FROM transactions WHERE id = :id"), {"id": issuance["id"]}
        ).scalar_one()
    assert issuance["data_sha256"] == json.loads(source)["input"]["sha256"]
    client = client_of(world, "acme-kk")
    page = client.get("/dashboard/origins?lang=en")
    assert "East Town" in page.text
    assert issuance["data_sha256"][:16] in page.text
    first = origin["serials"][0]["start"]
    history = client.get(f"/dashboard/serials/east-pv/2022/{first}")
    assert history.status_code == 200
    # The issuance, to East Town's account, as a registry shows another party's account.
    assert "East Town (holding)" in history.text
    # Another party sees none of it.
    rival = client_of(world, "rival-kk")
    assert "east-pv" not in rival.get("/dashboard/origins").text
    assert rival.get(f"/dashboard/serials/east-pv/2022/{first}").status_code == 404
    # out of range: 400 in words (a page, not the API's JSON)
    assert client.get("/dashboard/serials/east-pv/2022/99999999999999999999").status_code == 400
    csv = client.get("/dashboard/origins?format=csv")
    assert csv.status_code == 200
    assert "East Town" in csv.content.decode("utf-8-sig")


def test_use_rules_are_refused_in_japanese_and_change_nothing(world: World) -> None:
    """The ledger's use rules (`ledger/uses.py`) through the form: RE100 takes renewable
    electricity only (the stock states no methodology, so its type is not known), the 温対法
    window (a FY2023 claim, for the FY2023 vintage, was past its 30 June in 2024), and the
    place of the offset (East Town, JIS 209901, is where East PV's credits were created)."""
    client = client_of(world, "acme-kk")
    before = history(world)
    years = forms.claim_years(dt.date.today())
    for changes, code in (
        ({"purpose": "re100"}, "purpose_not_allowed"),
        ({"purpose": "ghg_act", "claim_fy": "2023"}, "claim_outside_window"),
        ({"purpose": "ghg_act", "claim_fy": str(years[-1])}, "vintage_after_claim"),
        (
            {"offset_place": "209901", "holding": "acme-kk/holding east-pv 2023", "quantity": "1"},
            "same_place",
        ),
    ):
        answer = client.post(
            "/dashboard/retire?lang=ja", data=retire_fields(world, client, **changes)
        )
        assert answer.status_code == 409, (changes, answer.text[-800:])
        assert str(escape(JAPANESE[code])) in answer.text, changes
    assert history(world) == before


def test_retire_by_serial_ranges(world: World) -> None:
    client = client_of(world, "acme-kk")
    origins = world.client.get("/api/v1/origins", headers=world.auth("acme-kk")).json()
    [origin] = [o for o in origins if (o["project"], o["vintage"]) == (PROJECT, 2023)]
    start = origin["serials"][0]["start"]
    picked = f"{start + 1}-{start + 2}"  # two, not the lowest
    fields = retire_fields(world, client, quantity="", serials=picked)
    answer = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    tx_id = unquote(answer.headers["location"].removeprefix("/dashboard/done/"))
    retirement = world.book.retirement(tx_id)
    assert [(b.start, b.stop) for b in retirement.serials] == [(start + 1, start + 3)]
    assert retirement.purpose == "carbon_offset"


def test_a_statement_names_each_retirements_purpose(world: World) -> None:
    """An account's statement shows what each retirement was for (J-Credit's 用途): the page
    and its download by the purpose's name in the reader's language, the API by its code."""
    client = client_of(world, "acme-kk")
    fields = retire_fields(world, client, purpose="carbon_offset")
    done = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    tx_id = unquote(done.headers["location"].removeprefix("/dashboard/done/"))
    path = "/dashboard/statement/acme-kk/holding"
    page = client.get(f"{path}?lang=ja")
    assert page.status_code == 200, page.text[-500:]
    row = next(r for r in page.text.split("<tr>") if "無効化" in r and "-3" in r)
    assert "<td>カーボン・オフセット</td>" in row
    assert "<th>用途</th>" in page.text
    download = client.get(f"{path}?format=csv&lang=ja")
    assert "カーボン・オフセット" in download.text
    answer = world.client.get(
        "/api/v1/accounts/acme-kk/holding/statement", headers=world.auth("acme-kk")
    )
    retired = [line for line in answer.json() if line["id"] == tx_id]
    assert [line["purpose"] for line in retired] == ["carbon_offset"]
    assert all(line["purpose"] is None for line in answer.json() if line["kind"] != "retire")


def test_the_certificates_qr_url_opens_the_public_check_page(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate carries the URL of its entry's check page (the QR code holds it too),
    which anyone can read without signing in: the fields, the entry's hash and link, and the
    issuer's signature, which holds with the public key published beside it."""
    keygen(tmp_path / "issuer.key")
    monkeypatch.setenv("OFFSET_CERT_KEY", str(tmp_path / "issuer.key"))
    client = client_of(world, "acme-kk")
    fields = retire_fields(world, client, offset_target="社用車の燃料")
    done = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    tx_id = unquote(done.headers["location"].removeprefix("/dashboard/done/"))
    page = client.get(f"/dashboard/certificates/{tx_id}")
    found = re.search(r"id='check-url'>([^<]+)<", page.text)
    assert found is not None
    url = found.group(1)
    retirement = world.book.retirement(tx_id)
    assert url == f"http://testserver/check/{retirement.hash}"
    stranger = TestClient(world.client.app)  # never signed in
    # the QR code and the link hold the address with the certificate's own signature
    scanned = re.search(r"<a href='([^']+)' id='check-url'>", page.text)
    assert scanned is not None
    href = html.unescape(scanned.group(1))
    assert href.startswith(url + "?sig=")
    check = stranger.get(href.removeprefix("http://testserver") + "&lang=ja")
    assert check.status_code == 200
    assert "社用車の燃料" in check.text
    assert retirement.hash in check.text
    assert LABELS["ja"]["signature_holds"] in check.text
    assert "acme-kk/holding" not in check.text  # what the certificate shows, nothing more
    # the page checks the signature the certificate carries, not one it makes afresh: another
    # signature (a certificate altered, or another's) does not hold; none carried, the page
    # prints the one the ledger's fields take, to compare with the printed one
    printed = re.search(r"class='sig'>[^:]+: ([A-Za-z0-9+/=]+)<br>", page.text)
    assert printed is not None
    other = base64.b64encode(bytes(64)).decode()
    altered = stranger.get(f"{url.removeprefix('http://testserver')}?sig={quote(other)}&lang=ja")
    assert LABELS["ja"]["signature_differs"] in altered.text
    assert LABELS["ja"]["signature_holds"] not in altered.text
    typed = stranger.get(url.removeprefix("http://testserver") + "?lang=ja")
    assert LABELS["ja"]["signature_compare"] in typed.text
    assert printed.group(1) in typed.text
    assert stranger.get(f"{url.removeprefix('http://testserver')}?sig=%ED%A0%80").status_code == 200
    public = stranger.get("/check/issuer.pub")
    assert public.text.startswith("-----BEGIN PUBLIC KEY-----")
    assert stranger.get("/check/" + "0" * 64).status_code == 404
    english = client.get(f"/dashboard/certificates/{tx_id}?version=en")
    assert "Carbon Offset Certificate" in english.text


def test_the_api_refuses_a_use_rule_in_both_languages_and_the_registry_may_override(
    world: World,
) -> None:
    """RE100 takes renewable electricity only; the stock states no methodology, so its type is
    not known: refused with the code, its English and its Japanese words. The registry's key
    may record an override (its reason, on the entry); a party's may not."""
    body = {"from": "acme-kk/holding", "project": PROJECT, "vintage": 2023, "quantity": 1,
            "reason": "本社の電力", "purpose": "re100", "claim_fy": 2023,
            "serials": ["900"]}  # fmt: skip
    before = history(world)
    refused = world.client.post(
        "/api/v1/retirements",
        json=body,
        headers={**world.auth("acme-kk"), "Idempotency-Key": "api-re100"},
    )
    assert refused.status_code == 409
    assert refused.json()["status"] == "purpose_not_allowed"
    assert refused.json()["message_ja"] == JAPANESE["purpose_not_allowed"]
    overridden = world.client.post(
        "/api/v1/retirements",
        json={**body, "override": "地域の特例"},
        headers={**world.auth("acme-kk"), "Idempotency-Key": "api-re100-override"},
    )
    assert overridden.json()["status"] == "not_permitted"
    assert history(world) == before
    recorded = world.client.post(
        "/api/v1/retirements",
        json={**body, "override": "地域の特例", "beneficiary": "Acme KK"},
        headers={**world.auth("registry"), "Idempotency-Key": "api-re100-registry"},
    )
    assert recorded.status_code == 201, recorded.text
    retirement = world.book.retirement(recorded.json()["id"])
    assert (retirement.rule_override, retirement.purpose) == ("地域の特例", "re100")
    assert [(b.start, b.stop) for b in retirement.serials] == [(900, 901)]
    listed = world.client.get("/api/v1/retirements", headers=world.auth("acme-kk")).json()
    [mine] = [r for r in listed if r["id"] == retirement.id]
    assert mine["serials"][0]["range"] == "900-900"


def test_retire_and_transfer_by_total_take_the_oldest_vintage_first(world: World) -> None:
    """A project held in two vintages is offered as a whole ("all vintages, oldest first"):
    the retirement takes every FY2022 credit, then FY2023's, one entry per vintage, each with
    its certificate; serial numbers with it are refused (they belong to one vintage)."""
    body = {"to": "acme-kk/holding", "instrument": "J-Credit", "project": PROJECT,
            "vintage": 2022, "quantity": 4}  # fmt: skip
    headers = {**world.auth("registry"), "Idempotency-Key": "older-stock-for-totals"}
    assert world.client.post("/api/v1/issuances", json=body, headers=headers).status_code == 201
    client = client_of(world, "acme-kk")
    older, newer = held(world, vintage=2022), held(world)
    everything = f"acme-kk/holding {PROJECT} all"
    form = client.get("/dashboard/retire?lang=en").text
    assert f'<option value="{everything}"' in form
    assert "all vintages, oldest first FY2022〜FY2023" in form
    before = history(world)
    refused = client.post(
        "/dashboard/retire/confirm?lang=en",
        data=retire_fields(world, client, holding=everything, quantity="", serials="0-1"),
    )
    assert refused.status_code == 422
    assert LABELS["en"]["serials_one_vintage"] in refused.text
    fields = retire_fields(world, client, holding=everything, quantity=str(older + 2))
    confirm = client.post("/dashboard/retire/confirm?lang=en", data=fields)
    assert confirm.status_code == 200
    assert "all vintages, oldest first (FY2022〜FY2023)" in confirm.text
    assert history(world) == before  # the confirmation changes nothing
    done = client.post("/dashboard/retire", data=fields)
    assert done.status_code == 200
    parts = re.findall(r'data-vintage="(\d+)" data-quantity="(\d+)"', done.text)
    assert parts == [("2022", str(older)), ("2023", "2")]
    assert (held(world, vintage=2022), held(world)) == (0, newer - 2)
    tx_id = f"acme-kk:{fields['key']}"
    assert [r.vintage for r in world.book.retirements() if r.id.startswith(tx_id)] == [2022, 2023]
    again = client.post("/dashboard/retire", data=fields, follow_redirects=False)
    assert again.headers["location"].endswith("?again=1")  # sent once
    assert (held(world, vintage=2022), held(world)) == (0, newer - 2)

    # A transfer by total: one FY2021 credit first, then one of FY2023.
    body = {**body, "vintage": 2021, "quantity": 1}
    headers = {**world.auth("registry"), "Idempotency-Key": "oldest-stock-for-totals"}
    assert world.client.post("/api/v1/issuances", json=body, headers=headers).status_code == 201
    theirs = held(world, "east-town/holding")
    sent = {**drawn(client, "/dashboard/transfer"), "holding": everything, "quantity": "2",
            "to": "east-town/holding", "memo": ""}  # fmt: skip
    moved = client.post("/dashboard/transfer", data=sent)
    assert re.findall(r'data-vintage="(\d+)" data-quantity="(\d+)"', moved.text) == [
        ("2021", "1"), ("2023", "1")]  # fmt: skip
    assert (held(world, vintage=2021), held(world)) == (0, newer - 3)
    assert held(world, "east-town/holding") == theirs + 1  # and one of FY2021


def test_transfer_by_serial_ranges_validated_as_the_retire_forms(world: World) -> None:
    """The transfer form takes serial ranges as the retire form does (full-width digits, 〜,
    、 between ranges), and refuses what it refuses, with the same words, changing nothing."""
    client = client_of(world, "acme-kk")
    form = client.get("/dashboard/transfer?lang=en").text
    assert 'name="serials"' in form
    assert LABELS["en"]["serials_help"] in form
    origins = world.client.get("/api/v1/origins", headers=world.auth("acme-kk")).json()
    [origin] = [o for o in origins if (o["project"], o["vintage"]) == (PROJECT, 2023)]
    start = origin["serials"][0]["start"]
    fields = {**drawn(client, "/dashboard/transfer"), "holding": HOLDING, "quantity": "",
              "to": "east-town/holding", "memo": ""}  # fmt: skip
    before = history(world)
    for changes, field, words in (
        ({"serials": "0-x"}, "serials", LABELS["en"]["bad_serials"]),
        ({"serials": "5-1"}, "serials", LABELS["en"]["bad_serials"]),  # backwards
        ({"serials": "0-9", "quantity": "3"}, "quantity", "the serial ranges hold 10 credits"),
        ({"serials": "0-999999"}, "quantity", "more than the"),
        ({"serials": "", "quantity": "1,0"}, "quantity", LABELS["en"]["whole_number"]),
    ):
        for path in ("/dashboard/transfer/confirm", "/dashboard/transfer"):
            answer = client.post(path + "?lang=en", data={**fields, **changes})
            assert answer.status_code == 422, (changes, path)
            assert f'id="{field}-error"' in answer.text, changes
            assert words in answer.text, changes
    assert history(world) == before
    # Not held: the ledger refuses (serials_not_held), nothing moves.
    far = f"{start + 10**9}-{start + 10**9 + 1}"
    refused = client.post("/dashboard/transfer?lang=en", data={**fields, "serials": far})
    assert refused.status_code == 409
    assert history(world) == before
    # Two of them, not the lowest, typed as a Japanese keyboard types them.
    typed = f"{start + 1}〜{start + 2}".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    confirm = client.post("/dashboard/transfer/confirm", data={**fields, "serials": typed})
    assert confirm.status_code == 200
    assert f"{start + 1}-{start + 2}" in confirm.text
    moved = client.post("/dashboard/transfer", data={**fields, "serials": typed},
                        follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303, moved.text[:500]
    tx_id = unquote(moved.headers["location"].removeprefix("/dashboard/done/"))
    with world.book.engine.connect() as conn:
        blocks = conn.execute(
            text(
                "SELECT e.start, e.stop FROM block_events e JOIN transactions t"
                " ON t.seq = e.tx_seq WHERE t.id = :i"
            ),
            {"i": tx_id},
        ).all()
    assert [(int(a), int(b)) for a, b in blocks] == [(start + 1, start + 3)]
