"""A key or checkpoint file that cannot be used is refused in the user's language: every
CheckpointError the CLI prints comes from the catalogue (`checkpoint.` keys)."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.messages import CATALOGUE, Msg
from offset.ledger.checkpoint import MAX_BYTES, CheckpointError, load
from tests.japanese import english
from tests.ledger.conftest import ISSUE_LINES

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # a line per message


def _refusals(tmp_path: Path) -> dict[str, list[str]]:
    """What each refusal's command line is, on a ledger with one signed checkpoint."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    key, other = tmp_path / "registry.key", tmp_path / "other.key"
    for made in (key, other):
        assert runner.invoke(app, ["ledger", "keygen", str(made)]).exit_code == 0
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES))
    assert runner.invoke(app, ["ledger", "apply", str(ops), "--db", url]).exit_code == 0
    signed = tmp_path / "cp.json"
    signing = ["ledger", "checkpoint", "--key", str(key), "--out", str(signed), "--db", url]
    assert runner.invoke(app, signing).exit_code == 0
    forged = json.loads(signed.read_text())
    forged["statement"]["seq"] = 13
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    (tmp_path / "huge.json").write_text(" " * (MAX_BYTES + 1))
    (tmp_path / "not.json").write_text("[1, 2]")
    (tmp_path / "public.pem").write_text("not a key")
    verify = ["ledger", "verify", "--db", url, "--checkpoint"]
    return {
        "checkpoint.key_exists": ["ledger", "keygen", str(key)],
        "checkpoint.other_key": [*verify, str(signed), "--trust", f"{other}.pub"],
        "checkpoint.bad_signature": [*verify, str(tmp_path / "forged.json")],
        "checkpoint.too_large": [*verify, str(tmp_path / "huge.json")],
        "checkpoint.not_checkpoint": [*verify, str(tmp_path / "not.json")],
        "checkpoint.unreadable": [*verify, str(tmp_path / "absent.json")],
        "checkpoint.not_public_pem": [
            *verify,
            str(signed),
            "--trust",
            str(tmp_path / "public.pem"),
        ],
        "checkpoint.not_private_pem": ["ledger", "checkpoint", "--key", f"{key}.pub", "--db", url],
    }


def test_each_refusal_is_said_in_japanese_and_in_english(tmp_path: Path) -> None:
    for key, command in _refusals(tmp_path).items():
        japanese = runner.invoke(app, command, env={**WIDE, "OFFSET_LANG": "ja"})
        assert japanese.exit_code == 2, (key, japanese.output)
        line = japanese.output.strip().splitlines()[-1]
        assert _words(CATALOGUE[key][1]) in line, (key, line)
        assert english(line) == [], (key, line)
        said = runner.invoke(app, command, env={**WIDE, "OFFSET_LANG": "en"})
        assert said.exit_code == 2
        assert _words(CATALOGUE[key][0]) in said.output, (key, said.output)


def test_a_missing_file_is_said_without_the_systems_english(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError) as refused:
        load(tmp_path / "absent.json")
    message = refused.value.message
    assert message.key == "checkpoint.unreadable"
    assert str(refused.value) == f"{tmp_path / 'absent.json'}: no such file or directory"
    assert message.render("ja").endswith("ファイルまたはディレクトリがありません")


def test_every_checkpoint_message_has_both_languages_and_the_same_fields() -> None:
    keys = [k for k in CATALOGUE if k.startswith(("checkpoint.", "os."))]
    assert len(keys) >= 19
    for key in keys:
        en, ja = CATALOGUE[key]
        assert Msg(key, path="p", reason="r", limit=1, error="E", format="F", count=1, first="x")
        assert sorted(_fields(en)) == sorted(_fields(ja)), key
        assert en != ja or key == "checkpoint.unreadable"  # a file and why: no words of its own


def _words(template: str) -> str:
    """The longest stretch of a template's own words (no field in it)."""
    return max(
        (literal.strip(" :()") for literal, *_ in string.Formatter().parse(template)), key=len
    )


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]
