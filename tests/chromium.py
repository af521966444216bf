"""Headless Chromium for the end-to-end tests, with no route out of this machine (as on LGWAN,
the closed network municipalities work on): screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.conftest import REPOSITORY

ARTIFACTS = Path(os.environ.get("OFFSET_TEST_ARTIFACTS", REPOSITORY / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


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


def fits(driver: webdriver.Chrome) -> bool:
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    return int(overflow) <= 0
