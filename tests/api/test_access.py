"""The access matrix: for every endpoint, the owner, another party, no key and a revoked key.

A party never sees or moves another party's accounts, statements, retirements, agreements or
credits: what is not yours answers 404 (as what does not exist), and nothing of the owner's
appears in any body another party receives.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World

OWNER, OTHER = "acme-kk", "rival-kk"
#: Strings that belong to Acme's side of the world; none may reach Rival.
ACME_MARKERS = ("acme-kk", "Acme KK", "east-acme", "east-pv", "east-town", "acme-home-pv", "会員A")


def acme_retirement(world: World) -> str:
    rows = world.client.get("/api/v1/retirements", headers=world.auth(OWNER)).json()
    return str(next(r["id"] for r in rows if r["id"].startswith("acme-kk:")))


# (method, path, json body or None, expected for owner, expected for the other party)
def endpoints(world: World) -> list[tuple[str, str, dict[str, Any] | None, int, int]]:
    retirement = acme_retirement(world)
    transfer = {
        "from": "acme-kk/holding",
        "to": "east-town/holding",
        "project": "east-pv",
        "vintage": 2023,
        "quantity": 1,
    }
    retire = {
        "from": "acme-kk/holding",
        "project": "east-pv",
        "vintage": 2023,
        "quantity": 1,
        "reason": "test",
    }
    return [
        ("GET", "/api/v1/accounts/acme-kk/holding/statement", None, 200, 404),
        ("GET", "/api/v1/accounts/acme-kk/retirement/statement", None, 200, 404),
        ("GET", "/api/v1/accounts/acme-kk/holding/balances?from=2020-04-01", None, 200, 404),
        ("GET", f"/api/v1/retirements/{retirement}/certificate", None, 200, 404),
        ("GET", "/api/v1/serials/east-pv/2022/0", None, 200, 404),
        ("GET", "/api/v1/programmes/acme-home-pv/members", None, 200, 404),
        ("GET", "/api/v1/programmes/acme-home-pv/periods", None, 200, 404),
        ("GET", "/api/v1/programmes/acme-home-pv/periods/fy2023/report", None, 200, 404),
        ("GET", "/api/v1/programmes/acme-home-pv/periods/fy2023/report.xlsx", None, 200, 404),
        ("POST", "/api/v1/transfers", transfer, 201, 404),
        ("POST", "/api/v1/retirements", retire, 201, 404),
        ("POST", "/api/v1/reservations", {**transfer, "quantity": 1}, 201, 404),
    ]  # fmt: skip


def call(
    world: World, method: str, path: str, body: dict[str, Any] | None, who: str | None, key: str
) -> Any:
    headers = {**world.auth(who), "Idempotency-Key": key}
    return world.client.request(method, path, json=body, headers=headers)


def test_owned_resources(world: World) -> None:
    for n, (method, path, body, owner_status, other_status) in enumerate(endpoints(world)):
        key = f"matrix-{n}"
        denied = call(world, method, path, body, OTHER, key)
        assert denied.status_code == other_status, (path, denied.text)
        assert not any(m in denied.text for m in ACME_MARKERS), (path, denied.text)
        for anonymous in (None, "revoked"):
            refused = call(world, method, path, body, anonymous, key)
            assert refused.status_code == 401, (path, anonymous)
            assert refused.headers["www-authenticate"] == "Bearer"
            assert refused.json()["status"] == "unauthorized"
        allowed = call(world, method, path, body, OWNER, key)
        assert allowed.status_code == owner_status, (path, allowed.text)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/me", "/api/v1/accounts", "/api/v1/balances", "/api/v1/retirements",
     "/api/v1/agreements", "/api/v1/reductions", "/api/v1/balances?as_of=2024-01-01",
     "/api/v1/programmes"],
)  # fmt: skip
def test_lists_hold_only_the_callers_own(world: World, path: str) -> None:
    for who in (None, "revoked"):
        assert world.client.get(path, headers=world.auth(who)).status_code == 401
    mine = world.client.get(path, headers=world.auth(OWNER))
    theirs = world.client.get(path, headers=world.auth(OTHER))
    assert mine.status_code == theirs.status_code == 200
    assert not any(m in theirs.text for m in ACME_MARKERS), theirs.text


def test_what_each_party_sees(world: World) -> None:
    def get(path: str, who: str) -> Any:
        return world.client.get(path, headers=world.auth(who)).json()

    assert get("/api/v1/me", OWNER)["name"] == "Acme KK"
    assert {a["account"] for a in get("/api/v1/accounts", OWNER)} >= {
        "acme-kk/holding",
        "acme-kk/retirement",
    }
    # Rival never held anything: West Town retired every credit on its behalf...
    assert get("/api/v1/balances", OTHER) == []
    # ...and those retirements are Rival's to see, with West Town's account hidden.
    on_behalf = get("/api/v1/retirements", OTHER)
    assert {r["agreement"] for r in on_behalf} == {"west-rival"}
    assert {r["from_account"] for r in on_behalf} == {"(another party)"}
    assert sum(r["quantity"] for r in on_behalf) == 16
    # Agreements: each company sees its own, with fulfilment per FY.
    (acme_deal,) = get("/api/v1/agreements", OWNER)
    assert acme_deal["name"] == "east-acme"
    assert [(f["fy"], f["delivered"]) for f in acme_deal["fulfilment"]] == [(2022, 5), (2023, 5)]
    # Reductions: the town sees its own per FY and method; a company has none.
    east = get("/api/v1/reductions", "east-town")
    assert {(r["fy"], r["method"], r["creditable_tco2e"]) for r in east} == {
        (2022, "solar", 8.0),
        (2023, "solar", 8.0),
    }
    assert get("/api/v1/reductions", OWNER) == []
    # A programme: its operator sees its members and periods, and the figures by hand
    # (tests/programme/test_monitoring.py); the registry sees it too.
    assert [p["name"] for p in get("/api/v1/programmes", OWNER)] == ["acme-home-pv"]
    assert get("/api/v1/programmes", OTHER) == []
    members = get("/api/v1/programmes/acme-home-pv/members", OWNER)
    assert [(m["member_id"], m["counts"]) for m in members] == [("M1", True), ("M2", True),
                                                                 ("M3", True)]  # fmt: skip
    (period,) = get("/api/v1/programmes/acme-home-pv/periods", "registry")
    assert (period["monitored_tco2e"], period["credits"], period["issued"]) == (
        "1.816052", 1, None)  # fmt: skip
    report = get("/api/v1/programmes/acme-home-pv/periods/fy2023/report", OWNER)
    assert [(r["member_id"], r["days"]) for r in report["lines"]] == [("M1", 366), ("M2", 275),
                                                                       ("M3", 244)]  # fmt: skip
    workbook = world.client.get(
        "/api/v1/programmes/acme-home-pv/periods/fy2023/report.xlsx", headers=world.auth(OWNER)
    )
    assert workbook.content.startswith(b"PK")  # a zip: the xlsx
    assert "monitoring-report.xlsx" in workbook.headers["content-disposition"]
    unknown = "/api/v1/programmes/acme-home-pv/periods/fy2099/report.xlsx"
    assert world.client.get(unknown, headers=world.auth(OWNER)).status_code == 404
    # The registry sees everything.
    everyone = {a["party"] for a in get("/api/v1/accounts", "registry")}
    assert {"acme-kk", "rival-kk", "east-town", "west-town"} <= everyone


def test_serial_history_hides_other_parties(world: World) -> None:
    """Of other parties, a serial history shows what a public registry would: the party and
    the account's kind, never the account's name, nor an event's details."""
    response = world.client.get("/api/v1/serials/east-pv/2022/0", headers=world.auth(OWNER))
    history = response.json()
    issue, transfer = history["events"][:2]
    assert issue["from_account"] is None  # minted
    assert issue["to_account"] == "East Town (holding)"
    assert issue["id"] is None
    assert transfer["from_account"] == "East Town (holding)"
    assert transfer["to_account"] == "acme-kk/holding"
    assert "east-town/" not in response.text
    full = world.client.get("/api/v1/serials/east-pv/2022/0", headers=world.auth("registry")).json()
    assert full["events"][0]["source"]["input"]["file"] == "east.csv"
    # of the issuance, what a public registry (and the origins page) shows: method, scenario and
    # the input data's hash; never the file, its rows or the rest of the record
    sha256 = full["events"][0]["source"]["input"]["sha256"]
    assert issue["source"] == {"method": "solar", "scenario": "world", "input": {"sha256": sha256}}
    assert "east.csv" not in response.text


def test_issuance_is_the_registrys(world: World) -> None:
    body = {
        "to": "east-town/holding",
        "instrument": "J-Credit",
        "project": "east-extra",
        "vintage": 2024,
        "quantity": 3,
    }
    denied = world.client.post(
        "/api/v1/issuances", json=body, headers={**world.auth(OWNER), "Idempotency-Key": "i1"}
    )
    assert denied.status_code == 403
    done = world.client.post(
        "/api/v1/issuances", json=body, headers={**world.auth("registry"), "Idempotency-Key": "i1"}
    )
    assert done.status_code == 201, done.text
    assert done.json()["id"] == "registry:i1"


def test_administration_is_the_registrys(world: World) -> None:
    party = {
        "party": "north-village",
        "kind": "municipality",
        "name": "North Village",
        "jis_code": "209903",
        "prefecture": "nagano",
    }
    account = {"account": "north-village/holding", "party": "north-village", "kind": "holding"}
    for path, body in (("/api/v1/parties", party), ("/api/v1/accounts", account)):
        assert world.client.post(path, json=body, headers=world.auth(OWNER)).status_code == 403
        assert world.client.post(path, json=body).status_code == 401
        done = world.client.post(path, json=body, headers=world.auth("registry"))
        assert done.status_code == 201, done.text
        again = world.client.post(path, json=body, headers=world.auth("registry"))
        assert (again.status_code, again.json()["status"]) == (200, "exists")
    for kind, status in (("holding", 201), ("holding", 200), ("buffer", 409)):
        reserve = {"account": "registry/reserve", "party": "registry", "kind": kind}
        done = world.client.post("/api/v1/accounts", json=reserve, headers=world.auth("registry"))
        assert done.status_code == status, done.text
    assert done.json()["status"] == "account_exists"
    for name, owner in (("acme-kk/retirement", "acme-kk"), ("acme-kk/x", "north-village")):
        taken = {"account": name, "party": owner, "kind": "holding"}
        refused = world.client.post("/api/v1/accounts", json=taken, headers=world.auth("registry"))
        assert (refused.status_code, refused.json()["status"]) == (409, "reserved_name")
    pending = world.client.post(
        "/api/v1/accounts", json={**account, "kind": "pending"}, headers=world.auth("registry")
    )
    assert pending.status_code == 422  # only the ledger opens pending accounts


def test_answers_carry_the_projects_title_and_creating_place(world: World) -> None:
    """Every answer that carries a project has its title (east-pv's from the world's scenario;
    west-pv has none: its key) and creating place (the owner's jis_code, by its party's name)."""
    acme, rival = world.auth(OWNER), world.auth(OTHER)
    titled = {"project_title": "東町 住宅用太陽光発電", "creating_place": "East Town"}
    for path in ("/api/v1/balances", "/api/v1/retirements", "/api/v1/origins",
                 "/api/v1/accounts/acme-kk/holding/statement"):  # fmt: skip
        rows = world.client.get(path, headers=acme).json()
        assert rows, path
        for row in rows:
            assert row["project"] == "east-pv", path
            assert {k: row[k] for k in titled} == titled, path
    retired = world.client.get("/api/v1/retirements", headers=acme).json()[0]
    first = retired["serials"][0]["first"]
    found = world.client.get(f"/api/v1/serials/east-pv/2022/{first}", headers=acme).json()
    assert {k: found[k] for k in titled} == titled
    town = world.auth("east-town")
    reductions = world.client.get("/api/v1/reductions", headers=town).json()
    assert {r["project_title"] for r in reductions} == {titled["project_title"]}
    (agreement,) = world.client.get("/api/v1/agreements", headers=acme).json()
    assert agreement["project_titles"] == [titled["project_title"]]
    (theirs,) = world.client.get("/api/v1/agreements", headers=rival).json()
    assert theirs["project_titles"] == ["west-pv"]
    for row in world.client.get("/api/v1/retirements", headers=rival).json():
        assert (row["project_title"], row["creating_place"]) == ("west-pv", "West Town")
