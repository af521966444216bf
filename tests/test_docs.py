"""The documentation is exercised: README commands run, every command is documented."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from offset.cli.app import app
from offset.cli.columns import document
from tests.conftest import EXAMPLES, REPOSITORY

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")
COMMANDS = [line.removeprefix("$ ") for line in README.splitlines() if line.startswith("$ offset ")]


def _command_names(group: typer.Typer) -> list[str]:
    command = get_command(group)
    names: list[str] = []
    for name, sub in getattr(command, "commands", {}).items():
        children = getattr(sub, "commands", None)
        names += [f"{name} {child}" for child in children] if children else [name]
    return names


def test_readme_has_commands() -> None:
    assert len(COMMANDS) >= 8


def test_readme_commands_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a reader would type them, one after the other, in a fresh directory."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    shutil.copytree(REPOSITORY / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    for line in COMMANDS:
        result = CliRunner().invoke(app, shlex.split(line, comments=True)[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"


def test_every_cli_command_is_in_the_readme() -> None:
    names = _command_names(app)
    assert {"calc", "columns", "factors list", "factors show", "factors check"} <= set(names)
    for name in names:
        assert f"offset {name}" in README, f"`offset {name}` is not documented in README.md"


def test_input_columns_doc_is_generated_from_the_code() -> None:
    written = (REPOSITORY / "docs" / "input-columns.md").read_text(encoding="utf-8")
    assert written == document(), "regenerate: offset columns > docs/input-columns.md"


def test_examples_readme_names_every_example() -> None:
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}" in text, path.name
