"""`--db` of `offset ledger` before or after the command's name (users type it after, as with
`offset run ... --db URL`); two different ones are refused."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from offset.cli import ledger
from offset.cli.app import app
from tests.ledger.conftest import ISSUE_LINES

runner = CliRunner()


def _issued(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES) + "\n")
    applied = runner.invoke(app, ["ledger", "apply", str(ops), "--db", url])  # after
    assert applied.exit_code == 0, applied.output
    return url


def test_db_after_the_command_reads_the_same_ledger_as_before(tmp_path: Path) -> None:
    url = _issued(tmp_path)
    after = runner.invoke(app, ["ledger", "balances", "--json", "--db", url])
    before = runner.invoke(app, ["ledger", "--db", url, "balances", "--json"])
    assert after.exit_code == before.exit_code == 0, after.output + before.output
    assert after.output == before.output
    assert {"account": "shinjuku/holding", "project": "ina-forest", "vintage": 2024,
            "quantity": 20} in json.loads(after.output)  # fmt: skip
    verified = runner.invoke(app, ["ledger", "verify", "--db", url])
    assert verified.exit_code == 0, verified.output
    assert "head seq 14" in verified.output  # the ledger at URL, not the default offset.db


def test_db_after_the_command_wins_over_offset_db(tmp_path: Path) -> None:
    url = _issued(tmp_path)
    elsewhere = f"sqlite:///{tmp_path / 'absent.db'}"
    shown = runner.invoke(
        app, ["ledger", "balances", "--json", "--db", url], env={"OFFSET_DB": elsewhere}
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)
    assert not (tmp_path / "absent.db").exists()


def test_the_same_db_twice_is_taken_two_different_are_refused(tmp_path: Path) -> None:
    url = _issued(tmp_path)
    same = runner.invoke(app, ["ledger", "--db", url, "verify", "--db", url])
    assert same.exit_code == 0, same.output
    other = f"sqlite:///{tmp_path / 'other.db'}"
    wide = {"COLUMNS": "400"}  # the paths unbroken
    refused = runner.invoke(app, ["ledger", "--db", url, "verify", "--db", other], env=wide)
    assert refused.exit_code == 2
    words = " ".join(refused.output.split())
    assert "two ledgers" in words
    assert "other.db" in words
    assert "ledger.db" in words
    assert not (tmp_path / "other.db").exists()  # nothing opened
    japanese = runner.invoke(
        app, ["ledger", "--db", url, "verify", "--db", other], env={**wide, "OFFSET_LANG": "ja"}
    )
    assert japanese.exit_code == 2
    assert "台帳" in japanese.output


def test_every_ledger_command_takes_db_after_its_name() -> None:
    group = typer.main.get_command(ledger.app)
    commands = group.commands  # type: ignore[attr-defined]
    assert len(commands) >= 12
    without = [
        name for name, command in commands.items()
        if not any("--db" in p.opts for p in command.params)
    ]  # fmt: skip
    assert without == []
