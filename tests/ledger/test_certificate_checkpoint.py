"""A certificate names the checkpoint it can be checked against (issue 27): the latest signed
checkpoint (kept in `OFFSET_CHECKPOINTS`) that covers its ledger entry, by sequence number,
hash and signer, on the HTML, the PDF and the dashboard's public check page. A checkpoint
signed before the retirement, one of another ledger, and a file whose signature fails cover
nothing; with none, the certificate says so. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offset.api.app import create_app
from offset.cli.app import app
from offset.documents.certificate import certificate_page, certificate_pdf, signed
from offset.ledger import Ledger, covering
from offset.ledger.checkpoint import keygen
from offset.ledger.database import reading
from tests.ledger.test_certificate import SETUP
from tests.pdfs import read_pdf

LATER = [
    {"op": "retire", "id": "r2", "from": "shinano/holding", "project": "matsumoto-pv",
     "vintage": 2024, "quantity": 5, "beneficiary": "信濃精機株式会社", "reason": "出張",
     "purpose": "carbon_offset", "claim_fy": 2024, "effective_date": "2025-07-01"},
]  # fmt: skip


def keep(book: Ledger, key: Path, directory: Path, name: str) -> dict[str, object]:
    """Sign a checkpoint of the ledger's head and keep it where certificates look."""
    document = book.checkpoint(key)
    (directory / name).write_text(json.dumps(document), encoding="utf-8")
    statement = document["statement"]
    assert isinstance(statement, dict)
    return statement


def test_a_certificate_names_the_latest_checkpoint_covering_its_entry(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "checkpoints"
    kept.mkdir()
    monkeypatch.setenv(covering.VARIABLE, str(kept))
    key = tmp_path / "ledger.key"
    keygen(key)
    assert {r.status for r in ledger.apply(SETUP[:-1])} == {"ok"}
    keep(ledger, key, kept, "before.json")  # signed before the retirement: covers nothing
    assert {r.status for r in ledger.apply(SETUP[-1:])} == {"ok"}
    assert signed(ledger, "r1").checkpoint is None
    assert "なし (この台帳エントリを含む署名済みのチェックポイントはまだありません)" in (
        certificate_page(ledger, "r1")
    )

    first = keep(ledger, key, kept, "first.json")
    assert {r.status for r in ledger.apply(LATER)} == {"ok"}
    latest = keep(ledger, key, kept, "latest.json")
    (kept / "forged.json").write_text(  # a later seq, but its signature does not hold
        (kept / "latest.json").read_text().replace(f'"seq": {latest["seq"]}', '"seq": 999'),
        encoding="utf-8",
    )
    (kept / "notes.txt").write_text("not a checkpoint", encoding="utf-8")

    made = signed(ledger, "r1")
    assert made.checkpoint is not None
    assert (made.checkpoint.seq, made.checkpoint.hash) == (latest["seq"], latest["hash"])
    assert made.checkpoint.seq > int(str(first["seq"])) >= made.fields.seq
    assert made.checkpoint.key == latest["key"]
    html = certificate_page(ledger, "r1")
    pdf = read_pdf(certificate_pdf(ledger, "r1")).text
    for printed in (html, pdf):  # the PDF's text wraps the hashes: compared without spaces
        bare = "".join(printed.split())
        assert "照合できるチェックポイント" in bare
        assert f"seq{latest['seq']}·sha256{latest['hash']}" in bare
        assert f"署名者の公開鍵{latest['key']}" in bare
    english = certificate_page(ledger, "r1", "en")
    assert f"seq {latest['seq']} · sha256 {latest['hash']} · signer&#x27;s public key" in english

    # The public check page (what the QR code opens) names it too.
    page = TestClient(create_app(ledger)).get(f"/check/{made.fields.hash}?lang=ja").text
    assert f"seq {latest['seq']} · sha256 {latest['hash']}" in page
    assert latest["key"] in page

    # One whose hash is not the ledger's at its seq (another history), or another ledger's,
    # covers nothing.
    with reading(ledger.engine) as conn:
        for other in (
            dataclasses.replace(made.checkpoint, hash="0" * 64),
            dataclasses.replace(made.checkpoint, ledger="another-ledger"),
        ):
            assert covering.covering(conn, made.fields.seq, [other]) is None
        assert covering.covering(conn, made.fields.seq, [made.checkpoint]) == made.checkpoint

    # The CLI names it from the directory given (`--checkpoints`), as from the variable.
    monkeypatch.delenv(covering.VARIABLE)
    url = ledger.engine.url.render_as_string(hide_password=False)
    base = ["ledger", "--db", url, "certificate", "r1"]
    assert "なし (この台帳エントリを含む" in CliRunner().invoke(app, base).output
    named = CliRunner().invoke(app, [*base, "--checkpoints", str(kept)])
    assert named.exit_code == 0, named.output
    assert f"seq {latest['seq']} · sha256 {latest['hash']}" in named.output
