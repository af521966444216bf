"""A date decades ahead is a typo, refused with the cell and why: 令和70年 (2088) typed for
令和7年 in a commissioning date was read without a word, and the row counted 0 for ever. A date
after the FY's end but within a few years is a plan (not yet in service), and is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from offset.intake.dates import FUTURE_FYS, latest_plausible, wareki
from offset.intake.inputs import load
from offset.methods import METHODS
from tests.refusals import refused_calc
from tests.test_era_range import PV


def test_a_date_decades_ahead_is_refused_with_its_cell(tmp_path: Path) -> None:
    data = tmp_path / "pv.csv"
    data.write_text(PV.format(day="R70.5.1"), encoding="utf-8")
    latest = latest_plausible(2024)  # moves with today's FY
    western = f"{latest.year}年{latest.month}月{latest.day}日"
    for lang, said in (
        (
            "ja",
            f"'R70.5.1' は{FUTURE_FYS}年度以上先の日付です ({wareki(latest)} ({western}) より後)",
        ),
        ("en", f"'R70.5.1' is more than {FUTURE_FYS} fiscal years ahead (after {latest})"),
    ):
        told = refused_calc("solar", data, lang, "--fy", "2024", "--prefecture", "nagano")
        assert said in told
        assert "設置年月日" in told  # the column


def test_a_planned_date_after_the_fy_is_read(tmp_path: Path) -> None:
    data = tmp_path / "pv.csv"
    data.write_text(PV.format(day="R8.4.1"), encoding="utf-8")  # FY2026, after FY2024
    out = tmp_path / "out.csv"
    args = ["calc", "solar", str(data), "--out", str(out), "--fy", "2024"]
    done = CliRunner().invoke(app, [*args, "--prefecture", "nagano"])
    assert done.exit_code == 0, done.output


def test_the_bound_follows_the_later_of_the_run_fy_and_today() -> None:
    today = dt.date(2026, 12, 8)  # FY2026
    assert latest_plausible(2016, today) == dt.date(2026 + FUTURE_FYS + 1, 3, 31)
    assert latest_plausible(2040, today) == dt.date(2040 + FUTURE_FYS + 1, 3, 31)
    assert latest_plausible(None, today) == dt.date(2026 + FUTURE_FYS + 1, 3, 31)


def test_a_scenario_reaching_years_ahead_reads_its_planned_dates(tmp_path: Path) -> None:
    """A projection to FY2050 may list a plant planned for 2045; one FY's run may not."""
    data = tmp_path / "pv.csv"
    data.write_text(PV.format(day="2045-04-01"), encoding="utf-8")
    contract = METHODS["solar"].contract
    keys = [getattr(p.message, "key", "") for p in load(data, contract, fy=2024)[1]]
    assert "value.date_future" in keys
    keys = [getattr(p.message, "key", "") for p in load(data, contract, horizon_fy=2050)[1]]
    assert "value.date_future" not in keys
