"""Every `offset ledger` command chooses its language as the other commands do (`--lang`, then
OFFSET_LANG, then the locale: `options.choose_language`), once per command: a command run after
another in one process (CliRunner, a test, a notebook) does not inherit the earlier one's
language. In `ja`, what they print is Japanese: the certificate's key-file error, `purposes`,
and `offset programme check`'s lines and columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from tests.japanese import untranslated
from tests.ledger.conftest import ISSUE_LINES

runner = CliRunner()
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "programme" / "programme.toml"


@pytest.fixture
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("OFFSET_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES) + "\n")
    assert runner.invoke(app, ["ledger", "--db", url, "apply", str(ops)]).exit_code == 0
    return url


def japanese_lines(output: str, *users_words: str) -> list[tuple[str, str]]:
    """The English `tests/japanese.py` finds in each line, the user's own words taken out."""
    lines = []
    for line in output.splitlines():
        for words in users_words:
            line = line.replace(words, " ")
        lines.append(("output", line))
    return untranslated(lines)


def test_a_ledger_command_does_not_inherit_the_last_commands_language(
    english_locale: None, ledger_url: str
) -> None:
    verify = ["ledger", "--db", ledger_url, "verify"]
    in_japanese = runner.invoke(app, [*verify, "--lang", "ja"])
    assert in_japanese.exit_code == 0, in_japanese.output
    assert "検証に成功しました" in in_japanese.output
    after = runner.invoke(app, verify)  # the locale's language: English
    assert after.exit_code == 0, after.output
    assert after.output.startswith("ok: ")
    assert "検証" not in after.output
    before = runner.invoke(app, ["ledger", "--db", ledger_url, "--lang", "ja", "verify"])
    assert "検証に成功しました" in before.output  # --lang before the command, as --db may be
    for command in (["balances"], ["statement", "shinjuku/holding"], ["purposes"]):
        said = runner.invoke(app, ["ledger", "--db", ledger_url, *command, "--lang", "ja"])
        assert said.exit_code == 0, said.output
        again = runner.invoke(app, ["ledger", "--db", ledger_url, *command])
        assert again.exit_code == 0, again.output
        assert said.output != again.output, command  # each in its own command's language


def test_the_certificates_key_file_error_is_in_the_users_language(
    english_locale: None, ledger_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "not-a-key.pem"
    key.write_text("これは鍵ではありません\n", encoding="utf-8")
    command = ["ledger", "--db", ledger_url, "certificate", "t3", "--key", str(key)]
    refused = runner.invoke(app, [*command, "--lang", "ja"])
    assert refused.exit_code == 2, refused.output
    assert refused.output.strip() == f"{key}: 暗号化されていない PEM 形式の秘密鍵ではありません"
    missing = runner.invoke(app, [*command[:-1], str(tmp_path / "none.pem"), "--lang", "ja"])
    assert missing.exit_code == 2, missing.output
    assert (
        missing.output.strip() == f"{tmp_path / 'none.pem'}: ファイルまたはディレクトリがありません"
    )
    in_english = runner.invoke(app, command)
    assert in_english.output.strip() == f"{key}: not an unencrypted PEM private key"


def test_purposes_and_balances_in_japanese(english_locale: None, ledger_url: str) -> None:
    """Their titles and columns (a source's own words, in the shipped table, stay as read)."""
    said = runner.invoke(app, ["ledger", "--db", ledger_url, "purposes", "--lang", "ja"])
    assert said.exit_code == 0, said.output
    assert said.output.startswith("無効化の用途\n")
    for words in ("用途", "名称", "出典", "温対法"):
        assert words in said.output
    for words in ("Retirement", "credit types", "30 June"):
        assert words not in said.output
    said = runner.invoke(app, ["ledger", "--db", ledger_url, "balances", "--lang", "ja"])
    assert said.exit_code == 0, said.output
    assert said.output.startswith("残高\n")
    assert japanese_lines(said.output) == []
    for words in ("口座", "ヴィンテージ", "クレジット"):
        assert words in said.output
    dated = ["ledger", "--db", ledger_url, "balances", "--as-of", "2025-03-31"]
    assert runner.invoke(app, [*dated, "--lang", "ja"]).output.startswith(
        "2025-03-31終了時点の残高"
    )


def test_programme_check_in_japanese(english_locale: None) -> None:
    said = runner.invoke(app, ["programme", "check", str(SHIPPED), "--lang", "ja"])
    assert said.exit_code == 0, said.output
    assert "midorikawa-home-pv: 参加者300件、算定対象298件" in said.output
    assert "対象外: 9行目: 会員 M0008: " in said.output
    for column in ("期間", "参加者数", "検証", "審査結果"):
        assert column in said.output
    for column in ("period", "members", "monitored", "finding"):
        assert column not in said.output
    programme = "synthetic 県の家庭用太陽光プログラム"  # the office's own title
    assert japanese_lines(said.output, programme) == []
