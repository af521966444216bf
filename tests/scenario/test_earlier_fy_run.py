"""An office that types last April's command again (`offset run --fy 2023` once FY2024 is
posted): the report it writes over this year's shows FY2024 with its credits, read from the
ledger, beside reductions of 0.0, since that run computed no FY after 2023, and nothing said
why. Now the terminal and the report's notes say which later FYs the ledger holds and that
this run did not compute them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli import console
from offset.cli.app import app
from tests.scenario.test_restated_lines import PV, ROWS, SCENARIO

runner = CliRunner()


def test_a_run_up_to_an_earlier_fy_says_the_later_ones_were_not_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console.out, "_width", 300)
    (tmp_path / "town.toml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "pv.csv").write_text(
        PV.format(rows=ROWS[0].format(kw=400) + ROWS[1]), encoding="utf-8"
    )
    args = ["run", str(tmp_path / "town.toml"), "--out", str(tmp_path / "out"), "--no-pdf"]
    this_year = runner.invoke(app, [*args, "--lang", "ja"])
    assert this_year.exit_code == 0, this_year.output
    assert "この実行は" not in this_year.output  # a run up to the last FY says nothing
    for lang, said in (
        ("ja", "台帳には2024年度の発行もありますが、この実行は2023年度までを算定しました"),
        ("en", "the ledger holds FY2024 as well, but this run computed up to FY2023"),
    ):
        again = runner.invoke(app, [*args, "--fy", "2023", "--lang", lang])
        assert again.exit_code == 0, again.output
        assert said in " ".join(again.output.split()), again.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "the ledger holds FY2024 as well" in " ".join(page.split())
