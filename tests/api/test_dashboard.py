"""The dashboard through the test client: sign in with a key, each page, the language switch."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from fastapi.testclient import TestClient

from offset.api.dashboard import browser_language, party_is_japanese
from offset.api.keys import Caller
from tests.api.conftest import World, form_token, sign_in
from tests.reports import column_keys


def signed_in(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    response = sign_in(client, world.keys[who])
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    return client


def test_sign_in_page_and_bad_keys(world: World) -> None:
    client = TestClient(world.client.app)
    home = client.get("/")
    assert home.status_code == 200
    assert 'name="key"' in home.text
    for key in ("nonsense", world.keys["revoked"]):
        refused = sign_in(client, key)
        assert refused.status_code == 401
        assert "Unknown or revoked key." in refused.text
    # Pages need a live key: without one they send you to the sign-in page.
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/"


def test_balances_page_shows_the_ledgers_figure(world: World) -> None:
    client = signed_in(world, "acme-kk")
    page = client.get("/dashboard")
    held = sum(b.quantity for b in world.book.balances() if b.account == "acme-kk/holding")
    assert f'data-quantity="{held}"' in page.text
    assert "rival" not in page.text
    # a vintage in the page's language: FY2022 in English, 2022年度 in Japanese
    vintage = next(b.vintage for b in world.book.balances() if b.account == "acme-kk/holding")
    assert f">FY{vintage}<" in page.text
    japanese = client.get("/dashboard?lang=ja").text
    assert f">{vintage}年度<" in japanese
    assert f"FY{vintage}" not in japanese


def test_projects_are_shown_by_title_with_the_key_on_a_detail_line(world: World) -> None:
    """The world's scenario gives east-pv a title (its run stores it); west-pv has none and
    is shown by its key."""
    acme = signed_in(world, "acme-kk")
    for path in ("/dashboard", "/dashboard/retirements", "/dashboard/statement/acme-kk/holding"):
        page = acme.get(path).text
        assert '東町 住宅用太陽光発電<br><span class="key">east-pv</span>' in page, path
    frame = pd.read_csv(io.BytesIO(acme.get("/dashboard?format=csv").content), encoding="utf-8-sig")
    frame = frame.rename(columns=column_keys())
    assert list(frame.columns[:4]) == ["account", "instrument", "project_title", "creating_place"]
    assert set(frame["project_title"]) == {"東町 住宅用太陽光発電"}
    assert set(frame["creating_place"]) == {"East Town"}  # the owner's jis_code, its party's name
    assert set(frame["project"]) == {"east-pv"}
    rival = signed_in(world, "rival-kk").get("/dashboard/retirements").text
    assert "<td>west-pv</td>" in rival  # no title: the key


def test_every_page_renders_for_a_company_and_a_town(world: World) -> None:
    for who, expected in (("acme-kk", "east-acme"), ("east-town", "east-acme")):
        client = signed_in(world, who)
        for path in ("/dashboard/retirements", "/dashboard/agreements", "/dashboard/reductions"):
            page = client.get(path)
            assert page.status_code == 200, (who, path)
        assert expected in client.get("/dashboard/agreements").text
        assert "<svg" in client.get("/dashboard/agreements").text
    town = signed_in(world, "east-town")
    reductions = town.get("/dashboard/reductions").text
    assert "太陽光発電" in reductions  # a town reads Japanese: methods by name
    assert "<svg" in reductions
    assert "2022年度" in reductions


def test_statement_and_certificate_only_for_the_owner(world: World) -> None:
    acme, rival = signed_in(world, "acme-kk"), signed_in(world, "rival-kk")
    assert acme.get("/dashboard/statement/acme-kk/holding").status_code == 200
    assert rival.get("/dashboard/statement/acme-kk/holding").status_code == 404
    certificate = "acme-kk:acme-retire-1"
    page = acme.get(f"/dashboard/certificates/{certificate}")
    assert page.status_code == 200
    assert "FY2022 offset" in page.text
    assert rival.get(f"/dashboard/certificates/{certificate}").status_code == 404
    assert "Acme" not in rival.get(f"/dashboard/certificates/{certificate}").text


def test_a_beneficiary_opens_the_certificate_of_a_retirement_made_for_it(world: World) -> None:
    """West Town retires its credits for Rival KK under west-rival: Rival's offset, so Rival may
    open its certificate (page, PDF and API); Acme, a party to neither, may not."""
    made_for_rival = [r.id for r in world.book.retirements() if r.agreement == "west-rival"]
    assert made_for_rival
    tx = made_for_rival[0]
    rival, acme = signed_in(world, "rival-kk"), signed_in(world, "acme-kk")
    assert rival.get(f"/dashboard/certificates/{tx}").status_code == 200
    assert rival.get(f"/dashboard/certificates/{tx}?format=pdf").status_code == 200
    api = world.client.get(f"/api/v1/retirements/{tx}/certificate", headers=world.auth("rival-kk"))
    assert api.status_code == 200
    assert acme.get(f"/dashboard/certificates/{tx}").status_code == 404
    other = world.client.get(f"/api/v1/retirements/{tx}/certificate", headers=world.auth("acme-kk"))
    assert other.status_code == 404
    assert rival.get("/dashboard/certificates/no-such-tx").status_code == 404


def test_a_town_downloads_in_japanese_with_figures_formatted(world: World) -> None:
    town = signed_in(world, "east-town")  # a municipality reads Japanese
    csv = town.get("/dashboard/statement/east-town/holding?format=csv")
    header = csv.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert {"日付", "種別", "数量 (t-CO2)", "取引後残高 (t-CO2)"} <= set(header)
    assert "発行" in csv.content.decode("utf-8-sig")  # the kind in words
    xlsx = town.get("/dashboard/statement/east-town/holding?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    labels = [c.value for c in sheet[1]]
    amount = sheet.cell(row=2, column=labels.index("数量 (t-CO2)") + 1)
    assert isinstance(amount.value, int)
    assert amount.number_format == "#,##0"


def test_language_switch_sticks(world: World) -> None:
    client = signed_in(world, "acme-kk")
    japanese = client.get("/dashboard?lang=ja")
    assert "残高" in japanese.text
    assert '<html lang="ja">' in japanese.text
    assert "残高" in client.get("/dashboard").text  # remembered in a cookie
    assert "Balances" in client.get("/dashboard?lang=en").text


def test_sign_out(world: World) -> None:
    client = signed_in(world, "acme-kk")
    # A link or a form from another site cannot sign the party out.
    assert client.get("/signout", follow_redirects=False).status_code == 405
    assert client.post("/signout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    token = form_token(client, "/dashboard")
    out = client.post("/signout", data={"csrftoken": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/"


def test_table_pages_download_as_csv_and_excel(world: World) -> None:
    acme = signed_in(world, "acme-kk")
    assert 'href="?format=csv"' in acme.get("/dashboard").text
    held = {
        (b.project, b.vintage): b.quantity
        for b in world.book.balances()
        if b.account == "acme-kk/holding"
    }
    csv = acme.get("/dashboard?format=csv")
    assert csv.status_code == 200
    assert csv.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: opens right in Excel
    assert "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert "Account" in frame.columns  # headed in words, the page's language (English here)
    frame = frame.rename(columns=column_keys())
    mine = frame[frame["account"] == "acme-kk/holding"]
    shown = {
        (p, int(v)): int(q)
        for p, v, q in mine[["project", "vintage", "quantity"]].itertuples(index=False)
    }
    assert shown == held
    assert "rival" not in csv.text  # only the caller's rows, as on the page

    xlsx = acme.get("/dashboard/statement/acme-kk/holding?format=xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [column_keys().get(str(c.value)) for c in sheet[1]]
    amounts = [row[header.index("amount")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert amounts
    assert all(isinstance(a, int) for a in amounts)

    for path in ("/dashboard/retirements?format=csv", "/dashboard/reductions?format=xlsx"):
        assert acme.get(path).status_code == 200, path
    assert acme.get("/dashboard?format=pdf").status_code == 400
    rival = signed_in(world, "rival-kk")
    assert rival.get("/dashboard/statement/acme-kk/holding?format=csv").status_code == 404


def test_japanese_by_default_for_japanese_parties_with_a_switch(world: World) -> None:
    town = signed_in(world, "east-town")  # a municipality: Japanese by default
    assert "残高" in town.get("/dashboard").text
    assert "Balances" in town.get("/dashboard?lang=en").text
    assert "Balances" in town.get("/dashboard").text  # the switch is remembered
    acme = signed_in(world, "acme-kk")  # a company named in Latin script: the browser's choice
    assert "Balances" in acme.get("/dashboard").text
    assert "残高" in acme.get("/dashboard", headers={"Accept-Language": "ja,en;q=0.8"}).text
    english_first = {"Accept-Language": "en-US,en;q=0.9,ja;q=0.5"}
    assert "Balances" in acme.get("/dashboard", headers=english_first).text
    assert browser_language("fr, ja;q=0.1, en;q=0") == "ja"
    assert browser_language("ja;q=bogus, en") == "en"
    assert browser_language("") == "en"
    assert party_is_japanese(Caller("x", "company", "信濃精機株式会社", "k"))


def test_reductions_are_grouped_by_code_and_named(world: World) -> None:
    """The world's rows name their town by its party key: they carry the party's 団体コード
    (209901, a fictional one) and the download prints the party's name beside it; the town sees
    its own rows by that code."""
    town = signed_in(world, "east-town")
    rows = world.client.get("/api/v1/reductions", headers=world.auth("east-town")).json()
    assert {r["municipality"] for r in rows} == {"209901"}
    csv = town.get("/dashboard/reductions?format=csv&lang=en")
    assert csv.status_code == 200
    lines = csv.text.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    assert "Municipality (code)" in header
    assert "Municipality" in header
    named = {line.split(",")[header.index("Municipality")] for line in lines[1:]}
    assert named == {"East Town"}


def test_the_dashboard_speaks_in_words(world: World) -> None:
    """Names instead of keys: an agreement as a sentence of its parties' names (East Town
    provides Acme KK 5 t a year, transferred), accounts by kind and state, one 無効化 entry in
    the menu, and a sign-in page that names who issues keys and shows no command."""
    client = TestClient(world.client.app)
    signin = client.get("/?lang=ja")
    assert "登録簿" in signin.text
    assert "offset party key" not in signin.text
    assert sign_in(client, world.keys["acme-kk"]).status_code == 303
    agreements = client.get("/dashboard/agreements?lang=ja").text
    assert "East Town → Acme KK: 2022年度〜2023年度の各年度、5 t-CO2 を移転します。" in agreements
    balances = client.get("/dashboard?lang=ja").text
    assert "保有</a> (開設中)" in balances
    menu = balances.split("<nav>")[1].split("</nav>")[0]
    assert menu.count("無効化") == 1
    english = client.get("/dashboard/agreements?lang=en").text
    assert "East Town → Acme KK: each FY from FY2022 to FY2023, 5 t-CO2, transferred." in english


def test_japanese_downloads_name_purposes_and_memos_as_the_pages_do(world: World) -> None:
    """A retirement's columns are headed in Japanese and its purpose is named as the page names
    it (カーボン・オフセット, not `carbon_offset`); a statement's memo written by offset reads
    as the page reads it, not as the JSON the ledger keeps."""
    from offset.common import memos
    from offset.ledger import uses

    retired = world.client.post(
        "/api/v1/retirements",
        json={"from": "acme-kk/holding", "project": "east-pv", "vintage": 2022, "quantity": 1,
              "purpose": "carbon_offset", "reason": "社用車", "offset_target": "社用車の燃料"},
        headers={**world.auth("acme-kk"), "Idempotency-Key": "acme-retire-purpose"},
    )  # fmt: skip
    assert retired.status_code in (200, 201), retired.text
    acme = signed_in(world, "acme-kk")
    csv = acme.get("/dashboard/retirements?format=csv&lang=ja").content.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    assert set(frame.columns) <= set(column_keys()), set(frame.columns) - set(column_keys())
    frame = frame.rename(columns=column_keys())
    mine = frame[frame["id"] == "acme-kk:acme-retire-purpose"]
    assert list(mine["purpose"]) == [uses.purposes()["carbon_offset"].name("ja")]
    assert list(mine["offset_target"]) == ["社用車の燃料"]
    stored = [line.memo for line in world.book.statement("acme-kk/holding") if line.memo]
    assert any(memos.parsed(m) is not None for m in stored)  # offset's own memos are there
    statement = acme.get("/dashboard/statement/acme-kk/holding?format=csv&lang=ja")
    shown = pd.read_csv(io.BytesIO(statement.content), encoding="utf-8-sig", dtype=str,
                        keep_default_na=False).rename(columns=column_keys())  # fmt: skip
    assert not any(m.startswith("{") for m in shown["memo"]), list(shown["memo"])
    assert {memos.text(m, "ja") for m in stored} <= set(shown["memo"])
