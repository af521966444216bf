"""The lean path (`offset.api.lean`): the busiest JSON requests answered without the framework,
word for word as the framework answers them, refusing all it refuses; the dashboard's forms keep
their CSRF check."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from offset.api import lean
from offset.api.app import create_app
from offset.ledger.lines import MAX_DIGITS
from tests.api.conftest import World, form_token, sign_in

OWNER = "acme-kk"
TRANSFER = {"from": "acme-kk/holding", "to": "rival-kk/holding", "project": "east-pv",
            "vintage": 2023, "quantity": 1}  # fmt: skip
RETIRE = {"from": "acme-kk/holding", "project": "east-pv", "vintage": 2023, "quantity": 1,
          "reason": "社用車"}  # fmt: skip
RESERVE = {**TRANSFER, "quantity": 1}
PATHS = {"/api/v1/transfers": TRANSFER, "/api/v1/retirements": RETIRE,
         "/api/v1/reservations": RESERVE}  # fmt: skip


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the lean path answered itself (the rest went on to the framework)."""
    answered: list[str] = []
    serve = lean._serve

    def counting(book: Any, call: lean.Call) -> Any:
        answered.append(type(call.body).__name__ if call.body else "read")
        return serve(book, call)

    monkeypatch.setattr(lean, "_serve", counting)
    return answered


def framework(world: World) -> TestClient:
    """The same ledger served with every request through FastAPI and its middleware."""
    return TestClient(create_app(world.book, lean_path=False))


def send(client: TestClient, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
    sent = {name: value.encode("latin-1") for name, value in headers.items()}  # as on the wire
    if body is None:
        return client.get(path, headers=sent)
    return client.post(path, content=body, headers=sent)


def answer(response: httpx.Response) -> tuple[int, str, Any]:
    kind = response.headers.get("content-type", "")
    shown = response.json() if kind == "application/json" else response.text
    return response.status_code, kind, shown


def test_the_lean_path_answers_the_busy_requests_itself(world: World, served: list[str]) -> None:
    auth = {**world.auth(OWNER), "Content-Type": "application/json"}
    done = world.client.post(
        "/api/v1/transfers", json=TRANSFER, headers={**auth, "Idempotency-Key": "lean-1"}
    )
    assert done.status_code == 201, done.text
    assert done.json() == {"id": "acme-kk:lean-1", "status": "ok", "seq": done.json()["seq"]}
    again = world.client.post(
        "/api/v1/transfers", json=TRANSFER, headers={**auth, "Idempotency-Key": "lean-1"}
    )
    assert (again.status_code, again.json()["status"], again.json()["seq"]) == (
        200,
        "exists",
        done.json()["seq"],
    )
    read = world.client.get("/api/v1/balances", headers=world.auth(OWNER))
    assert read.status_code == 200
    assert read.json() == framework(world).get("/api/v1/balances", headers=world.auth(OWNER)).json()
    assert served == ["TransferIn", "TransferIn", "read"]
    # What it is not sure of goes on to the framework: no Idempotency-Key, a query string.
    missing = world.client.post("/api/v1/transfers", json=TRANSFER, headers=world.auth(OWNER))
    assert (missing.status_code, missing.json()["status"]) == (422, "invalid_request")
    assert "Idempotency-Key" in missing.json()["message"]
    dated = world.client.get("/api/v1/balances?as_of=2000-01-01", headers=world.auth(OWNER))
    assert (dated.status_code, dated.json()) == (200, [])
    assert served == ["TransferIn", "TransferIn", "read"]


def test_refusals_on_the_lean_path_are_the_frameworks(world: World, served: list[str]) -> None:
    """A huge number, a lone surrogate, a huge body, a revoked key: the same answers."""
    old = framework(world)
    headers = {**world.auth(OWNER), "Content-Type": "application/json", "Idempotency-Key": "r1"}
    digits = "9" * (MAX_DIGITS * 200)
    huge_number = json.dumps(TRANSFER)[:-1].replace('"quantity": 1', f'"quantity": {digits}') + "}"
    surrogate = json.dumps({**RETIRE, "reason": "\ud800"}, ensure_ascii=True)
    cases = [
        ("/api/v1/transfers", huge_number.encode(), headers),
        ("/api/v1/retirements", surrogate.encode(), headers),
        ("/api/v1/transfers", b'{"memo": "' + b"x" * 70_000 + b'"}', headers),
        ("/api/v1/transfers", json.dumps(TRANSFER).encode(), {**headers, **world.auth("revoked")}),
        ("/api/v1/transfers", b"[1, NaN]", headers),
        ("/api/v1/transfers", b"[" * 60_000, headers),
    ]
    for path, body, sent in cases:
        mine, theirs = (
            world.client.post(path, content=body, headers=sent),
            old.post(path, content=body, headers=sent),
        )
        assert answer(mine) == answer(theirs), (path, body[:60])
    statuses = [answer(world.client.post(p, content=b, headers=h))[0] for p, b, h in cases]
    assert statuses == [409, 422, 413, 401, 422, 422]
    assert world.client.post(cases[0][0], content=cases[0][1], headers=headers).json()[
        "status"
    ] == ("quantity_too_large")
    # The number and the revoked key were the lean path's own answers; the rest the framework's.
    assert set(served) == {"TransferIn"}


TEXTS = st.sampled_from(["", "x", "\ud800", "a\u2028b", "\x00", "東", "m" * 1_001, "r" * 201])
NUMBERS = st.one_of(
    st.sampled_from([0, -1, 1, 2, 10**30, 10**40, 1990, 2023, 2101]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
VALUES = st.one_of(TEXTS, NUMBERS, st.lists(st.integers(), max_size=2), st.just(["0"]))


FLAWS = ["auth", "key", "type", "body", "field", "field"]


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, bytes | None, dict[str, str]]:
    """A request to one of the lean path's routes: well formed, or with a flaw or two."""
    path = draw(st.sampled_from([*PATHS, "/api/v1/balances"]))
    flaws = draw(st.lists(st.sampled_from(FLAWS), max_size=2))
    key = draw(st.one_of(st.sampled_from(["k1", "a.b-c_d"]), st.integers(0, 10**9).map(str)))
    headers = {
        "Authorization": f"Bearer {draw(st.sampled_from([OWNER, 'rival-kk']))}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    if "auth" in flaws:  # no key, a revoked or unknown one, another scheme, none after it
        headers["Authorization"] = draw(st.sampled_from(
            ["", "Bearer revoked", "Bearer ofk_00000000_" + "0" * 64, "Basic abc", "bearer  ",
             "bearer revoked", "Bearer"]))  # fmt: skip
    if "key" in flaws:
        headers["Idempotency-Key"] = draw(st.sampled_from(["", "a:b", "k" * 101, "k\u00e9", " k"]))
    if "type" in flaws:
        headers["Content-Type"] = draw(st.sampled_from(
            ["", "text/plain", "application/x-www-form-urlencoded", "application/problem+json",
             "APPLICATION/JSON", "application/json; charset=latin-1"]))  # fmt: skip
    headers = {name: value for name, value in headers.items() if value}
    if path == "/api/v1/balances":
        query = draw(st.sampled_from(["", "?as_of=2024-01-01", "?as_of=x"]))
        return path + query, None, headers
    fields: dict[str, Any] = dict(PATHS[path])
    for _ in range(flaws.count("field")):
        name = draw(st.sampled_from([*fields, "memo", "serials", "agreement", "purpose", "\ud800"]))
        if draw(st.booleans()):
            fields[name] = draw(VALUES)
        else:
            fields.pop(name, None)
    body = json.dumps(fields, ensure_ascii=True).encode()
    if "body" in flaws:
        body = draw(st.sampled_from([body[:-1], b"", b"[]", b"1", b'{"quantity": NaN}']))
    return path, body, headers


def test_the_lean_path_answers_as_the_framework(world: World) -> None:
    """Any request to a lean route, sent to the lean path and to the framework on the same
    ledger: the same status, Content-Type and body. A write the first sent records answers
    `exists` (200) to the second, as a retry does; then the lean path answers the same again."""
    old = framework(world)

    @given(request=requests())
    @example(  # a retirement by total (no vintage): its parts answer `exists` on a retry too
        request=(
            "/api/v1/retirements",
            b'{"from": "acme-kk/holding", "project": "east-pv", "quantity": 1, "reason": "x"}',
            {
                "Authorization": "Bearer acme-kk",
                "Content-Type": "application/json",
                "Idempotency-Key": "by-total-1",
            },
        )
    )
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    def check(request: tuple[str, bytes | None, dict[str, str]]) -> None:
        path, body, headers = request
        named = headers.get("Authorization", "").partition(" ")[2]
        if named in world.keys:  # the party's key, put in here
            headers = {**headers, **world.auth(named)}
        first = answer(send(world.client, path, body, headers))
        theirs = answer(send(old, path, body, headers))
        again = answer(send(world.client, path, body, headers))
        shown = first[2].get("status", "") if isinstance(first[2], dict) else ""
        event(f"{path.partition('?')[0]} {first[0]} {shown}")
        assert again == theirs, (path, body, headers)
        if first != theirs:  # recorded by the first: a retry
            assert (first[0], theirs[0], theirs[2]["status"]) == (201, 200, "exists")
            assert retried(first[2]) == theirs[2]

    check()


def retried(answer: dict[str, Any]) -> dict[str, Any]:
    """What a retry of a recorded write answers: `exists`, and so does each of its parts (a
    request by total is recorded as one part per vintage)."""
    parts = [{**part, "status": "exists"} for part in answer.get("parts") or []]
    return {**answer, "status": "exists", **({"parts": parts} if "parts" in answer else {})}


def test_the_dashboards_forms_keep_their_csrf_check(world: World, served: list[str]) -> None:
    """The lean path is only the API's JSON: a form posted without its token is refused 403,
    a Bearer key does not skip the check, and the session cookie opens no JSON write."""
    browser = TestClient(world.client.app)
    assert sign_in(browser, world.keys[OWNER]).status_code == 303
    before = world.book.balances(account="acme-kk/holding")
    form = {"holding": "acme-kk/holding", "to": "rival-kk/holding", "quantity": "1", "key": "c1"}
    assert browser.post("/dashboard/transfer", data=form).status_code == 403
    with_key = browser.post("/dashboard/transfer", data=form, headers=world.auth(OWNER))
    assert with_key.status_code == 403
    as_json = browser.post(
        "/dashboard/transfer", json=form, headers={"X-Csrftoken": form_token(browser, "/")}
    )
    assert as_json.status_code == 400
    by_cookie = browser.post(
        "/api/v1/transfers", json=TRANSFER, headers={"Idempotency-Key": "cookie-only"}
    )
    assert (by_cookie.status_code, by_cookie.json()["status"]) == (401, "unauthorized")
    assert world.book.balances(account="acme-kk/holding") == before
    assert served == []
