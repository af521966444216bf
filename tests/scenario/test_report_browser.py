"""The Japanese report as an office opens it (issue 15): Chromium, at desktop and phone widths,
with no route out (the report is self-contained); screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from offset.cli.app import app
from offset.documents.terms import term
from tests.chromium import ARTIFACTS, browser, fits
from tests.scenario.conftest import SCENARIOS

runner = CliRunner()


def test_the_japanese_report_in_chromium_at_desktop_and_phone_widths(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = str(SCENARIOS / "settlement-area.toml")
    done = runner.invoke(app, ["run", scenario, "--out", str(out), "--no-pdf"])
    assert done.exit_code == 0, done.output
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = browser()
    try:
        driver.get((out / "report.html").as_uri())
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        assert headings[:2] == [term("table.summary", "ja"), term("table.plan", "ja")]
        charts = driver.find_elements(By.CSS_SELECTOR, "figure svg")
        assert len(charts) == 7
        assert all(c.size["width"] > 200 for c in charts)  # drawn, not collapsed
        assert driver.save_screenshot(str(ARTIFACTS / "report-ja.png"))
        plan = driver.find_element(By.XPATH, "//h2[2]")
        driver.execute_script("arguments[0].scrollIntoView()", plan)
        assert driver.save_screenshot(str(ARTIFACTS / "report-ja-plan.png"))
        driver.set_window_size(390, 844)
        driver.get((out / "report.html").as_uri())
        assert fits(driver), "the page scrolls sideways on a phone"
        assert driver.save_screenshot(str(ARTIFACTS / "report-ja-phone.png"))
    finally:
        driver.quit()
