"""A retirement made on behalf of another party is shown under that party (issue 15 item): in
the flagship, Kamiyama retires its forest credits for Midorikawa's watershed offset, and the
balances table says Midorikawa's, retired by Kamiyama, adding up to the ledger's own balances."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from tests.conftest import REPOSITORY
from tests.reports import read_table

runner = CliRunner()


def test_on_behalf_retirement_shows_under_its_beneficiary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        [
            "run",
            str(REPOSITORY / "scenarios" / "settlement-area.toml"),
            "--out",
            str(out),
            "--no-pdf",
        ],
    )
    assert done.exit_code == 0, done.output
    table = read_table(out, "balances")  # in Japanese: parties by name, kinds in words
    retired = table[table["kind"] == "無効化"]
    for_midorikawa = retired[
        (retired["party"] == "midorikawa") & (retired["retired_by"].str.startswith("上山村"))
    ]
    assert for_midorikawa["quantity"].sum() > 0
    assert for_midorikawa["name"].str.startswith("緑川市").all()
    assert not (retired["party"] == "kamiyama").any()  # Kamiyama retired them, held none of it

    ledger = Ledger.open(f"sqlite:///{out / 'ledger.db'}")
    try:
        kinds = {a.id: a.kind for a in ledger.accounts()}
        in_ledger = sum(b.quantity for b in ledger.balances() if kinds[b.account] == "retirement")
    finally:
        ledger.engine.dispose()
    assert retired["quantity"].sum() == in_ledger  # nothing counted twice or lost
    assert "緑川市" in (out / "report.html").read_text(encoding="utf-8")
