"""The dashboard in a real browser: the suite starts `offset serve`, signs in with a key in
headless Chromium (Debian's `chromium` and `chromium-driver`, which `make test` installs), checks
that the balance shown equals the ledger's, and saves a screenshot as a test artifact."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from offset.api.labels import KINDS
from offset.ledger import Ledger
from tests.api.conftest import build_world, serving
from tests.chromium import ARTIFACTS, browser, fits
from tests.reports import column_keys


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Ledger]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    world = build_world(url, tmp_path)
    try:
        with serving(url) as base:
            yield base, world.keys, world.book
    finally:
        world.book.engine.dispose()


def test_dashboard_in_chromium(server: tuple[str, dict[str, str], Ledger]) -> None:
    base, keys, book = server
    driver = browser()
    try:
        driver.get(base + "/")
        driver.find_element(By.ID, "key").send_keys(keys["acme-kk"])
        driver.find_element(By.ID, "sign-in").click()
        total = WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.ID, "total-balance"))
        )
        held = sum(b.quantity for b in book.balances() if b.account == "acme-kk/holding")
        assert int(total.get_attribute("data-quantity") or -1) == held
        assert total.text == f"{held:,}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "dashboard.png"))
        driver.get(base + "/dashboard/agreements?lang=ja")
        assert "協定" in driver.page_source
        assert driver.save_screenshot(str(ARTIFACTS / "dashboard-agreements-ja.png"))
        # A phone: the page fits its width (tables scroll inside their own box).
        driver.set_window_size(390, 844)
        for page in ("/dashboard", "/dashboard/agreements", "/dashboard/retirements"):
            driver.get(base + page)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (page, overflow)
        assert driver.save_screenshot(str(ARTIFACTS / "dashboard-phone.png"))
    finally:
        driver.quit()


def test_api_docs_render_with_no_route_out(server: tuple[str, dict[str, str], Ledger]) -> None:
    """Swagger UI and ReDoc come from the package (fastapi-offline), not a CDN."""
    base, _, _ = server
    driver = browser()
    try:
        driver.get(base + "/docs")
        title = WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .title"))
        )
        assert title.text.startswith("offset")
        assert driver.find_elements(By.CSS_SELECTOR, ".opblock")  # the operations are listed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "docs-offline.png"))
        driver.get(base + "/redoc")
        WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".api-content"))
        )
        assert "offset" in driver.find_element(By.CSS_SELECTOR, ".api-content").text
    finally:
        driver.quit()


STOCK = {
    "op": "issue",
    "id": "stock-for-the-browser",
    "to": "acme-kk/holding",
    "instrument": "J-Credit",
    "project": "acme-stock",
    "vintage": 2023,
    "quantity": 100,
}
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
  let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); done(btoa(s));
});
"""


def fetched(driver: webdriver.Chrome, path: str) -> bytes:
    """A download as the signed-in browser gets it (its own cookies, its own session)."""
    return base64.b64decode(driver.execute_async_script(FETCH, path))


def wait_for(driver: webdriver.Chrome, element_id: str) -> Any:
    return WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.ID, element_id))
    )


def total(driver: webdriver.Chrome, base: str) -> int:
    driver.get(base + "/dashboard")
    return int(wait_for(driver, "total-balance").get_attribute("data-quantity") or -1)


def test_a_company_retires_and_transfers_in_chromium(
    server: tuple[str, dict[str, str], Ledger],
) -> None:
    """Sign in as a company, retire 10 credits picked by serial range (5-14) for carbon
    offsetting, claimed for FY2024 (the confirmation's button pressed twice posts once), see the balance fall by 10, open the certificate, download the statement
    as CSV and Excel; then transfer 1 credit picked by its serial number (20) to a town, its
    name shown before confirming."""
    base, keys, book = server
    (stocked,) = book.apply([STOCK])
    assert stocked.status == "ok"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = browser()
    try:
        driver.get(base + "/?lang=ja")
        driver.find_element(By.ID, "key").send_keys(keys["acme-kk"])
        driver.find_element(By.ID, "sign-in").click()
        before = total(driver, base)
        driver.find_element(By.ID, "retire-link").click()
        Select(wait_for(driver, "holding")).select_by_value("acme-kk/holding acme-stock 2023")
        driver.find_element(By.ID, "serials").send_keys(
            "５-１４"
        )  # full-width, as typed in Japanese
        Select(driver.find_element(By.ID, "purpose")).select_by_value("carbon_offset")
        driver.find_element(By.ID, "reason").send_keys("2024年度 社用車の排出")
        driver.find_element(By.ID, "offset_target").send_keys("社用車の燃料(2024年度)")
        Select(driver.find_element(By.ID, "claim_fy")).select_by_value("2024")
        assert driver.save_screenshot(str(ARTIFACTS / "retire-form.png"))
        driver.find_element(By.ID, "next").click()
        assert wait_for(driver, "confirm-quantity").get_attribute("data-quantity") == "10"
        assert driver.find_element(By.ID, "confirm-serials").text == "5-14"
        assert driver.find_element(By.ID, "confirm-purpose").text == "カーボン・オフセット"
        assert driver.find_element(By.ID, "confirm-claim-period").text == "2024年度 (FY2024)"
        assert driver.save_screenshot(str(ARTIFACTS / "retire-confirm.png"))
        driver.set_window_size(390, 844)
        assert fits(driver)
        assert driver.save_screenshot(str(ARTIFACTS / "retire-confirm-phone.png"))
        driver.set_window_size(1200, 900)
        # A double submit: the form sent twice before the first answer arrives.
        driver.execute_script(
            "const f = document.getElementById('confirm-form'); f.requestSubmit(); f.requestSubmit();"
        )
        link = wait_for(driver, "certificate-link")
        assert driver.save_screenshot(str(ARTIFACTS / "retire-done.png"))
        link.click()
        assert "2024年度 (FY2024)" in driver.page_source
        assert "<strong>10</strong> t-CO2" in driver.page_source
        assert driver.save_screenshot(str(ARTIFACTS / "retire-certificate.png"))
        # The certificate's check URL (its QR code holds the same) opens the public page.
        check = driver.find_element(By.ID, "check-url").get_attribute("href")
        assert check is not None
        assert check.startswith(base + "/check/")
        driver.get(check)
        assert wait_for(driver, "check-serials").text == "5-14"
        assert driver.save_screenshot(str(ARTIFACTS / "certificate-check.png"))
        driver.back()
        assert total(driver, base) == before - 10
        mine = [r for r in book.retirements(["acme-kk"]) if r.project == "acme-stock"]
        assert [(r.quantity, r.claim_period) for r in mine] == [(10, "2024年度 (FY2024)")]
        assert [(b.start, b.stop) for b in mine[0].serials] == [(5, 15)]
        assert (mine[0].purpose, mine[0].claim_fy) == ("carbon_offset", 2024)
        # The statement, downloaded: the retirement's line in both files.
        csv = fetched(driver, "/dashboard/statement/acme-kk/holding?format=csv")
        assert csv.startswith(b"\xef\xbb\xbf")
        # headed in the page's language, kinds in words: mapped back to offset's keys
        lines = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig").rename(columns=column_keys())
        retire = {KINDS["en"]["retire"], KINDS["ja"]["retire"]}
        retired = lines[lines["kind"].isin(retire) & (lines["project"] == "acme-stock")]
        assert retired["amount"].tolist() == [-10]
        assert retired["balance_after"].tolist() == [90]
        sheet = openpyxl.load_workbook(
            io.BytesIO(fetched(driver, "/dashboard/statement/acme-kk/holding?format=xlsx"))
        ).active
        assert sheet is not None
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        header = [column_keys().get(str(h), h) for h in values[0]]
        rows = [dict(zip(header, v, strict=True)) for v in values[1:]]
        assert [
            r["amount"] for r in rows if r["kind"] in retire and r["project"] == "acme-stock"
        ] == [-10]
        # A transfer to the town: the receiver's name before confirming.
        before = total(driver, base)
        driver.find_element(By.ID, "transfer-link").click()
        Select(wait_for(driver, "holding")).select_by_value("acme-kk/holding acme-stock 2023")
        driver.find_element(By.ID, "serials").send_keys("２０")  # one credit, by its serial
        Select(driver.find_element(By.ID, "to")).select_by_visible_text("East Town")
        driver.find_element(By.ID, "next").click()
        assert wait_for(driver, "confirm-receiver").text == "East Town (east-town/holding)"
        assert driver.find_element(By.ID, "confirm-serials").text == "20"
        assert driver.find_element(By.ID, "confirm-quantity").get_attribute("data-quantity") == "1"
        driver.find_element(By.ID, "confirm").click()
        assert wait_for(driver, "outcome").get_attribute("data-status") == "ok"
        assert total(driver, base) == before - 1
        town = book.serial("acme-stock", 2023, 20)
        assert town.holder == "east-town/holding"
        assert driver.save_screenshot(str(ARTIFACTS / "dashboard-after-actions.png"))
        # Where the credits come from: the issuing town, then one serial's history.
        driver.find_element(By.ID, "origins-link").click()
        issuers = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "td.issuer")}
        assert "East Town" in issuers
        driver.find_element(By.CSS_SELECTOR, 'table.origin[data-project="east-pv"] a').click()
        assert "East Town (holding)" in wait_for(driver, "serial-events").text
        driver.set_window_size(390, 844)
        for path in ("/dashboard/retire", "/dashboard/transfer", "/dashboard/reservations"):
            driver.get(base + path)
            assert fits(driver), path
        driver.get(base + "/dashboard/retire")
        assert driver.save_screenshot(str(ARTIFACTS / "retire-form-phone.png"))
    finally:
        driver.quit()
