"""The dashboard through the test client: sign in with a key, each page, the language switch."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def signed_in(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    response = client.post("/signin", data={"key": world.keys[who]}, follow_redirects=False)
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
        refused = client.post("/signin", data={"key": key}, follow_redirects=False)
        assert refused.status_code == 401
        assert "Unknown or revoked key." in refused.text
    # Pages need a live key: without one they send you to the sign-in page.
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/"


def test_balances_page_shows_the_ledgers_figure(world: World) -> None:
    client = signed_in(world, "acme-kk")
    page = client.get("/dashboard")
    held = sum(b.quantity for b in world.book.balances() if b.account == "acme-kk/holding")
    assert f'data-quantity="{held}"' in page.text
    assert "east-pv" in page.text
    assert "rival" not in page.text


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
    assert "solar" in reductions
    assert "<svg" in reductions
    assert "FY2022" in reductions


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


def test_language_switch_sticks(world: World) -> None:
    client = signed_in(world, "acme-kk")
    japanese = client.get("/dashboard?lang=ja")
    assert "残高" in japanese.text
    assert '<html lang="ja">' in japanese.text
    assert "残高" in client.get("/dashboard").text  # remembered in a cookie
    assert "Balances" in client.get("/dashboard?lang=en").text


def test_sign_out(world: World) -> None:
    client = signed_in(world, "acme-kk")
    assert client.get("/signout", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/"
