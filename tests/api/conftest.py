"""A small world for the API: two municipalities, two companies, the registry, keys for all.

Built once per module and database (SQLite and the PostgreSQL server): a scenario run issues
PV credits to each town and delivers them to its company under an agreement; each company then
holds some and has retired some.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from offset.api import keys
from offset.api.app import create_app
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.scenario import Scenario
from tests.ledger.conftest import pg_schema
from tests.programme.conftest import SUBSIDY, write_programme

SCENARIO = """
[scenario]
name = "world"
fiscal_years = [2022, 2023]

[parties.east-town]
kind = "municipality"
name = "East Town"
jis_code = "209901"
prefecture = "nagano"

[parties.west-town]
kind = "municipality"
name = "West Town"
jis_code = "209902"
prefecture = "nagano"

[parties.acme-kk]
kind = "company"
name = "Acme KK"

[parties.rival-kk]
kind = "company"
name = "Rival KK"

[projects.east-pv]
method = "solar"
title = "東町 住宅用太陽光発電"
data = "east.csv"
owner = "east-town"
instrument = "J-Credit"

[projects.west-pv]
method = "solar"
data = "west.csv"
owner = "west-town"
instrument = "J-Credit"

[agreements.east-acme]
provider = "east-town"
beneficiary = "acme-kk"
projects = ["east-pv"]
period = [2022, 2023]
volume = { rule = "fixed", tonnes = 5 }
delivery = "transfer"

[agreements.west-rival]
provider = "west-town"
beneficiary = "rival-kk"
projects = ["west-pv"]
period = [2022, 2023]
volume = { rule = "all" }
delivery = "retire"
"""
PV = """system_id,municipality,prefecture,capacity_kw,commissioned,generation_kwh,self_consumed_kwh,auxiliary_kwh,grid_factor_t_co2_per_kwh
{town}-1,{town},nagano,10,2015-04-01,12000,9000,0,0.0005
{town}-2,{town},nagano,10,2015-04-01,12000,7000,0,0.0005
"""


@dataclass
class World:
    book: Ledger
    client: TestClient
    keys: dict[str, str]  # party (or "revoked") -> key

    def auth(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.keys[who]}"}


def build_world(url: str, root: Path) -> World:
    (root / "east.csv").write_text(PV.format(town="east-town"), encoding="utf-8")
    (root / "west.csv").write_text(PV.format(town="west-town"), encoding="utf-8")
    (root / "world.toml").write_text(SCENARIO, encoding="utf-8")
    run_scenario(Scenario.from_toml(root / "world.toml"), out=root / "out", database=url)
    book = Ledger.open(url)
    made = {
        p: keys.create(book.engine, p)[1]
        for p in ("east-town", "west-town", "acme-kk", "rival-kk", "registry")
    }
    made["revoked"] = keys.create(book.engine, "acme-kk", "old laptop")[1]
    keys.revoke(book.engine, made["revoked"])
    world = World(book, TestClient(create_app(book, [acme_programme(root / "programme")])), made)
    # Acme retires 2 of the 10 credits it received (FY2022 vintage).
    response = world.client.post(
        "/api/v1/retirements",
        json={
            "from": "acme-kk/holding",
            "project": "east-pv",
            "vintage": 2022,
            "quantity": 2,
            "reason": "FY2022 offset",
        },
        headers={**world.auth("acme-kk"), "Idempotency-Key": "acme-retire-1"},
    )
    assert response.status_code == 201, response.text
    return world


def acme_programme(directory: Path) -> Path:
    """A programme-type project Acme operates (a company: its list names each row's place)."""
    directory.mkdir()
    rows = SUBSIDY.strip().splitlines()
    subsidy = "\n".join([f"{rows[0]},市区町村,都道府県", *(f"{r},長野市,長野県" for r in rows[1:])])
    path = write_programme(directory, subsidy=subsidy + "\n")
    text = path.read_text(encoding="utf-8").replace('"test-home-pv"', '"acme-home-pv"')
    text = text.replace('operator = "test-city"', 'operator = "acme-kk"').replace(
        'kind = "municipality"\nname = "テスト市"\njis_code = "209901"\nprefecture = "nagano"',
        'kind = "company"\nname = "Acme KK"',
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root = tmp_path_factory.mktemp("world")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{root / 'ledger.db'}"])
    else:
        urls = pg_schema()
    url = next(urls)
    made = build_world(url, root)
    yield made
    made.book.engine.dispose()
    for _ in urls:  # finish the generator: drops the PostgreSQL schema
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(url: str, workers: int = 1) -> Iterator[str]:
    """`offset serve` on `url` (with `--workers`), as a user starts it: its base URL once it
    answers."""
    with server(url, workers) as (base, _):
        yield base


@contextmanager
def server(url: str, workers: int = 1, *options: str) -> Iterator[tuple[str, int]]:
    """`offset serve` on `url` (with `options`): its base URL and process id once every
    worker answers."""
    port = free_port()
    more = [*(["--workers", str(workers)] if workers > 1 else []), *options]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "offset", "serve", "--db", url, "--port", str(port), *more],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            # up to 120 s for every worker to answer: each imports the app, slow on a busy machine
            for _ in range(600):
                log.seek(0)
                if log.read().count(b"Application startup complete") >= workers:
                    try:
                        if httpx.get(f"{base}/api/v1/me").status_code == 401:
                            break
                    except httpx.TransportError:
                        pass
                time.sleep(0.2)
            else:
                pytest.fail("offset serve did not start")
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(timeout=10)


CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')


def form_token(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page puts in its forms (its cookie is now in the client's jar). Every
    page has a form: the sign-in page, or the sign-out button of a signed-in party's."""
    found = CSRF_FIELD.search(client.get(path).text)
    assert found is not None, f"{path} has no form"
    return found.group(1)


def sign_in(client: TestClient, key: str) -> httpx.Response:
    """Post the sign-in form as a browser does: with the token the sign-in page gave it."""
    data = {"key": key, "csrftoken": form_token(client, "/")}
    response: httpx.Response = client.post("/signin", data=data, follow_redirects=False)
    return response


def retired_by_api(world: World, who: str, body: dict[str, Any], key: str) -> str:
    """A retirement through `POST /api/v1/retirements` with `who`'s key: its transaction id."""
    done = world.client.post(
        "/api/v1/retirements", json=body, headers={**world.auth(who), "Idempotency-Key": key}
    )
    assert done.status_code in (200, 201), done.text
    found: str = done.json()["id"]
    return found
