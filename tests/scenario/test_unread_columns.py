"""A run names the columns of a project's file that it does not read (issue 34): among the
warnings of its report and manifest, with the project, file and column letter."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.scenario.conftest import PV_ROWS, WriteScenario


def test_a_run_warns_of_unread_columns(write_scenario: WriteScenario, tmp_path: Path) -> None:
    lines = PV_ROWS.splitlines()
    rows = [f"{lines[0]},担当者", *(f"{line},山田" for line in lines[1:])]
    path = write_scenario(files={"pv.csv": "\n".join(rows) + "\n"})
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "--no-pdf"])
    assert done.exit_code == 0, done.output
    warnings = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert "pv: pv.csv: columns not read (no input column of the method has these headers):" in (
        "\n".join(warnings)
    )
