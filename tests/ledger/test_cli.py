"""`offset ledger` and `offset db` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.ledger.conftest import ISSUE_LINES

runner = CliRunner()


def test_apply_balances_verify_and_friends(db_url: str, tmp_path: Path) -> None:
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES) + "\n# a comment\n")
    base = ["ledger", "--db", db_url]
    assert runner.invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 0

    result = runner.invoke(app, [*base, "apply", str(ops)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["status"] for line in result.output.splitlines()] == ["ok"] * 6

    again = runner.invoke(
        app,
        [*base, "apply", "-"],
        input=json.dumps({**ISSUE_LINES[3], "quantity": 1}) + "\nnot json\n",
    )
    assert again.exit_code == 1
    assert [json.loads(line)["status"] for line in again.output.splitlines()] == [
        "id_reused",
        "invalid_operation",
    ]

    listed = json.loads(
        runner.invoke(app, [*base, "balances", "--json", "--account", "shinjuku/holding"]).output
    )
    assert listed == [
        {"account": "shinjuku/holding", "project": "ina-forest", "vintage": 2024, "quantity": 20}
    ]
    assert (
        runner.invoke(app, [*base, "balances", "--as-of", "2000-01-01", "--json"]).output.strip()
        == "[]"
    )
    assert "ok:" in runner.invoke(app, [*base, "verify"]).output
    assert "ok:" in runner.invoke(app, [*base, "verify", "--workers", "2"]).output
    assert runner.invoke(app, [*base, "verify", "--workers", "0"]).exit_code == 2  # at least 1
    history = json.loads(runner.invoke(app, [*base, "serial", "ina-forest", "2024", "3"]).output)
    assert history["holder"] == "shinjuku/retirement"
    statement = json.loads(
        runner.invoke(app, [*base, "statement", "shinjuku/holding", "--json"]).output
    )
    assert [row["balance_after"] for row in statement] == [50, 30, 20]
    page = tmp_path / "t3.html"
    assert runner.invoke(app, [*base, "certificate", "t3", "--out", str(page)]).exit_code == 0
    assert "Shinjuku City" in page.read_text()
    assert runner.invoke(app, [*base, "certificate", "t2"]).exit_code == 1  # not a retirement
    assert (
        "Equity:Issuance:Ina-forest"
        in runner.invoke(app, [*base, "export", "--format", "beancount"]).output
    )
    assert runner.invoke(app, [*base, "export", "--format", "offsets-db"]).output.startswith(
        "project_id,"
    )


def test_atomic_apply_from_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    ops = tmp_path / "ops.jsonl"
    bad = {**ISSUE_LINES[3], "quantity": 10_000}
    ops.write_text("\n".join(json.dumps(line) for line in [*ISSUE_LINES[:3], bad]))
    result = runner.invoke(app, ["ledger", "--db", url, "apply", "--atomic", str(ops)])
    assert result.exit_code == 1
    assert [json.loads(line)["status"] for line in result.output.splitlines()] == [
        "linked_failed",
        "linked_failed",
        "linked_failed",
        "insufficient_balance",
    ]
    assert (
        json.loads(runner.invoke(app, ["ledger", "--db", url, "balances", "--json"]).output) == []
    )
