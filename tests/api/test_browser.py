"""The dashboard in a real browser: the suite starts `offset serve`, signs in with a key in
headless Chromium (Debian's `chromium` and `chromium-driver`, which `make test` installs), checks
that the balance shown equals the ledger's, and saves a screenshot as a test artifact."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from offset.ledger import Ledger
from tests.api.conftest import build_world, serving
from tests.conftest import REPOSITORY

ARTIFACTS = Path(os.environ.get("OFFSET_TEST_ARTIFACTS", REPOSITORY / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Ledger]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    world = build_world(url, tmp_path)
    try:
        with serving(url) as base:
            yield base, world.keys, world.book
    finally:
        world.book.engine.dispose()


# No route out: every host but this machine resolves to nothing (a closed network, e.g. LGWAN).
NO_ROUTE_OUT = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def browser() -> webdriver.Chrome:
    assert Path(CHROMIUM).exists(), "chromium is missing: `make test` installs it (apt)"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for switch in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,900",
        NO_ROUTE_OUT,
    ):
        options.add_argument(switch)
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


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
