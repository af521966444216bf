"""`offset calc` refusing a file, as a user meets it: exit 2, nothing written, and what it said
with its line breaks folded (a long problem wraps in a narrow terminal)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app

runner = CliRunner()


def refused_calc(method: str, data: Path, lang: str, *extra: str) -> str:
    """What `offset calc METHOD DATA --lang LANG EXTRA...` said refusing `data`."""
    out = data.with_name("out.csv")
    refused = runner.invoke(
        app, ["calc", method, str(data), "--out", str(out), "--lang", lang, *extra]
    )
    assert refused.exit_code == 2, refused.output
    assert not out.exists()
    return " ".join(refused.output.split())
