"""Printed documents prove themselves (issue 27): a certificate is printed only when its ledger
entry, and every entry from it to the chain head, verify. The issue's forgery: a retirement's
beneficiary and quantity changed in the database by hand, the guards dropped and restored.
`offset ledger certificate` (HTML and PDF), the dashboard and the API then refuse, naming the
entry, in the reader's language; an untouched ledger prints as before. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.cli.ledger import EXIT_UNVERIFIED
from offset.ledger import Ledger, proof
from tests.api.conftest import sign_in
from tests.japanese import untranslated
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers, seq_of
from tests.ledger.forgeries import MORE

runner = CliRunner()
FORGED = "株式会社ニセモノ"  # the company the forger wants the offset to be for


def forge(book: Ledger) -> None:
    """The issue's forgery: t5 (4 t retired for 港区) made 300 t for another company."""
    behind_the_triggers(
        book, f"UPDATE transactions SET beneficiary = '{FORGED}', quantity = 300 WHERE id = 't5'"
    )


def test_a_certificate_is_refused_once_its_retirement_was_edited_by_hand(
    db_url: str, tmp_path: Path
) -> None:
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    base = ["ledger", "--db", db_url, "certificate"]
    printed = runner.invoke(app, [*base, "t5"])
    assert printed.exit_code == 0, printed.output
    assert "港区" in printed.output
    assert proof.entry_problems(book.engine, [seq_of(book, "t5")]).verified

    forge(book)
    assert book.retirement("t5").quantity == 300  # what a certificate would print unchecked
    seq = seq_of(book, "t5")
    for args in (["t5"], ["t5", "--pdf", "--out", str(tmp_path / "t5.pdf")]):
        refused = runner.invoke(app, [*base, *args])
        assert refused.exit_code == EXIT_UNVERIFIED, refused.output
        assert f"ledger entry seq {seq} (t5) does not verify" in refused.output
        assert "hash does not recompute" in refused.output
        assert FORGED not in refused.output
        assert "300" not in refused.output
    assert not (tmp_path / "t5.pdf").exists()
    # An earlier retirement's link to the head runs through the forged entry: refused too.
    earlier = runner.invoke(app, [*base, "t3"])
    assert earlier.exit_code == EXIT_UNVERIFIED
    assert f"ledger entry seq {seq_of(book, 't3')} (t3)" in earlier.output
    # A statement that prints the forged entry is refused; one that does not, printed.
    statement = runner.invoke(app, ["ledger", "--db", db_url, "statement", "minato/holding"])
    assert statement.exit_code == EXIT_UNVERIFIED
    assert "the statement of minato/holding does not verify" in statement.output
    untouched = ["ledger", "--db", db_url, "statement", "ina/holding", "--to", "1990-01-01"]
    assert runner.invoke(app, untouched).exit_code == 0  # no entry printed: nothing to prove
    # In Japanese mode the refusal is Japanese.
    japanese = runner.invoke(app, [*base, "t5"], env={"OFFSET_LANG": "ja"})
    assert japanese.exit_code == EXIT_UNVERIFIED
    assert f"台帳の記録 seq {seq} (t5) を検証できません" in japanese.output
    assert "発行していません" in japanese.output

    # The dashboard and the API refuse it too (the retirer's own certificate).
    key = keys.create(book.engine, "minato")[1]
    dashboard = TestClient(create_app(book))
    assert sign_in(dashboard, key).status_code == 303
    for path in ("/dashboard/certificates/t5?lang=ja", "/dashboard/certificates/t5?format=pdf"):
        page = dashboard.get(path)
        assert page.status_code == 409, page.text
        assert f"seq {seq} (t5)" in page.text
        assert FORGED not in page.text
    assert "検証できません" in dashboard.get("/dashboard/certificates/t5?lang=ja").text
    api = TestClient(create_app(book)).get(
        "/api/v1/retirements/t5/certificate", headers={"Authorization": f"Bearer {key}"}
    )
    assert api.status_code == 409
    assert api.json()["status"] == "unverified"
    assert f"seq {seq} (t5)" in api.json()["message"]
    assert f"台帳の記録 seq {seq} (t5) を検証できません" in api.json()["message_ja"]
    # The API's statement of an account whose entries include the forged one is refused as the
    # CLI's and the dashboard's are: the forged quantity is never answered.
    client = TestClient(create_app(book))
    statement = client.get(
        "/api/v1/accounts/minato/holding/statement", headers={"Authorization": f"Bearer {key}"}
    )
    assert (statement.status_code, statement.json()["status"]) == (409, "unverified")
    assert "the statement of minato/holding does not verify" in statement.json()["message"]
    assert "minato/holding の取引明細を検証できません" in statement.json()["message_ja"]
    assert "300" not in statement.text
    book.engine.dispose()


def test_verify_names_the_forgery_in_japanese(db_url: str) -> None:
    """`offset ledger verify` in `ja`: every discrepancy in Japanese (issue 27), naming the
    entry; its ids, columns and figures as they are."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    forge(book)
    behind_the_triggers(  # and a balance, for the books' checks
        book, "UPDATE balances SET quantity = quantity + 5 WHERE account_id = 'shinjuku/holding'"
    )
    seq = seq_of(book, "t5")
    found = runner.invoke(app, ["ledger", "--db", db_url, "verify"], env={"OFFSET_LANG": "ja"})
    assert found.exit_code == 1, found.output
    lines = [line.strip() for line in found.output.splitlines() if line.strip()]
    assert f"取引 t5 (seq {seq}): ハッシュを計算し直すと一致しません" in found.output
    assert f"取引 t5 (seq {seq}): 列 `beneficiary, quantity` が記録した操作の内容と異なります" in (
        found.output
    )
    assert "shinjuku/holding のクラス" in found.output  # a stored balance, named in Japanese
    assert untranslated((line, line) for line in lines) == []
    as_json = json.loads(runner.invoke(app, ["ledger", "--db", db_url, "verify", "--json"]).stdout)
    link = next(d for d in as_json["discrepancies"] if d["check"] == "link")
    assert (
        link["message"] == f"transaction t5 (seq {seq}): hash does not recompute (altered"
        " header, postings or block events)"
    )
    assert link["message_ja"].startswith(f"取引 t5 (seq {seq}): ハッシュを計算し直すと")
    book.engine.dispose()


def test_an_export_is_refused_once_an_entry_was_edited_by_hand(db_url: str) -> None:
    """An export prints every entry: it is printed only when the whole ledger verifies, and
    otherwise refused in verify's words (exit 4, nothing on standard output), in either
    language; an untouched ledger exports as before."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    base = ["ledger", "--db", db_url, "export", "--format"]
    for fmt in ("beancount", "offsets-db"):
        printed = runner.invoke(app, [*base, fmt])
        assert printed.exit_code == 0, printed.output
        assert "港区" in printed.stdout
    forge(book)
    seq = seq_of(book, "t5")
    for fmt in ("beancount", "offsets-db"):
        refused = runner.invoke(app, [*base, fmt])
        assert refused.exit_code == EXIT_UNVERIFIED, refused.output
        assert refused.stdout == ""
        assert "the ledger's export does not verify" in refused.output
        assert f"transaction t5 (seq {seq}): hash does not recompute" in refused.output
        assert FORGED not in refused.output
    japanese = runner.invoke(app, [*base, "beancount"], env={"OFFSET_LANG": "ja"})
    assert japanese.exit_code == EXIT_UNVERIFIED
    assert "台帳のエクスポートを検証できません" in japanese.output
    assert f"取引 t5 (seq {seq}): ハッシュを計算し直すと一致しません" in japanese.output
    book.engine.dispose()


def test_the_public_check_page_of_an_entry_edited_by_hand_says_so(db_url: str) -> None:
    """The page a certificate's QR code opens (no sign-in) on a ledger whose entry was edited
    by hand: 409 in the reader's words that the entry does not verify, none of the forged
    fields, and nothing of verify's report (it may name other parties' entries); never a
    server error."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    stranger = TestClient(create_app(book), raise_server_exceptions=False)
    address = f"/check/{book.retirement('t5').hash}"
    assert stranger.get(address).status_code == 200
    forge(book)
    for lang, words in (("ja", "検証できません"), ("en", "does not verify")):
        page = stranger.get(f"{address}?lang={lang}")
        assert page.status_code == 409, page.text
        assert words in page.text
        assert FORGED not in page.text
        assert "300" not in page.text
        assert "hash does not recompute" not in page.text  # verify's words stay with the issuer
        assert "ハッシュを計算し直すと" not in page.text
        if lang == "ja":
            body = re.sub(r"<(style|script)\b.*?</\1>", "", page.text, flags=re.S)
            shown = [p.strip() for p in re.split(r"<[^>]+>", body) if p.strip()]
            assert untranslated((p, p) for p in shown) == []
    book.engine.dispose()
