"""`offset party key ...` as an administrator runs it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.api.keys import authenticate
from offset.cli.app import app
from offset.ledger import Ledger

runner = CliRunner()


def test_create_list_revoke(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    book = Ledger.open(url)
    book.apply([{"op": "open_party", "party": "acme-kk", "kind": "company", "name": "Acme KK"}])
    created = runner.invoke(
        app, ["party", "key", "create", "acme-kk", "--label", "ERP", "--db", url]
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("ofk_")
    caller = authenticate(book.engine, key)
    assert caller is not None
    assert caller.party == "acme-kk"
    key_id = key.split("_")[1]
    listed = runner.invoke(app, ["party", "key", "list", "--db", url])
    assert f"{key_id}  acme-kk  live  ERP" in listed.output
    assert key not in listed.output  # never the key itself

    assert runner.invoke(app, ["party", "key", "revoke", key_id, "--db", url]).exit_code == 0
    assert authenticate(book.engine, key) is None
    assert runner.invoke(app, ["party", "key", "revoke", key, "--db", url]).exit_code == 1
    assert "revoked" in runner.invoke(app, ["party", "key", "list", "--db", url]).output

    unknown = runner.invoke(app, ["party", "key", "create", "nobody", "--db", url])
    assert unknown.exit_code == 1
    assert "unknown_party" in unknown.output
    book.engine.dispose()


def test_serve_a_writer_per_process_needs_postgresql(tmp_path: Path) -> None:
    """On SQLite one process writes: `--workers 2 --writer-per-process` is refused in words,
    before anything starts (the ledger file is not even made); `--workers 2` alone is served,
    one process writing for both (`test_serve_load`)."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    refused = runner.invoke(app, ["serve", "--db", url, "--workers", "2", "--writer-per-process"])
    assert refused.exit_code == 2
    assert "--writer-per-process needs PostgreSQL" in refused.output
    assert not (tmp_path / "ledger.db").exists()
