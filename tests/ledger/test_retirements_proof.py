"""A list of retirements is a document too: a company's file of what it retired (the
dashboard's CSV and Excel, and the API's list its own systems import) printed a retirement
edited by hand in the database (4 credits made 40, its postings and balances alike) as
40, where the certificate of the same retirement is refused. They now prove the entries they
print first, as a statement does: 409 `unverified` naming the entry, in both languages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from offset.api import keys
from offset.api.app import create_app
from offset.ledger import Ledger
from tests.ledger.conftest import behind_the_triggers, seq_of
from tests.ledger.forgeries import book, postgresql_template, sqlite_template

# the fixtures: the forgeries' ledger, a copy per test and database
__all__ = ["book", "postgresql_template", "sqlite_template"]


def test_a_retirement_edited_by_hand_is_not_listed_as_true(book: Ledger) -> None:
    _, key = keys.create(book.engine, "minato", "erp")
    with TestClient(create_app(book), raise_server_exceptions=False) as client:
        client.cookies.set("offset_key", key)
        api = {"Authorization": f"Bearer {key}"}
        listed = client.get("/api/v1/retirements", headers=api)
        assert listed.status_code == 200, listed.text
        assert [r["quantity"] for r in listed.json()] == [4]
        assert client.get("/dashboard/retirements?format=csv").status_code == 200
        seq = seq_of(book, "t5")
        behind_the_triggers(
            book,
            f"UPDATE transactions SET quantity = 40 WHERE seq = {seq}",
            f"UPDATE postings SET amount = amount * 10 WHERE tx_seq = {seq}",
        )
        refused = client.get("/api/v1/retirements", headers=api)
        assert refused.status_code == 409, refused.text
        assert refused.json()["status"] == "unverified"
        assert f"seq {seq}" in refused.json()["message"]
        assert "検証できません" in refused.json()["message_ja"]
        for fmt in ("csv", "xlsx"):
            download = client.get(f"/dashboard/retirements?format={fmt}")
            assert download.status_code == 409, (fmt, download.text[:200])
            assert ",40," not in download.text
        page = client.get("/dashboard/retirements")
        assert page.status_code == 409
        assert f"seq {seq}" in page.text


def test_a_class_edited_by_hand_is_not_listed(book: Ledger) -> None:
    """The list prints each retirement's methodology: a class given another one in its table
    (a forest credit shown as renewable electricity) is refused as a certificate is."""
    _, key = keys.create(book.engine, "minato", "erp")
    behind_the_triggers(book, "UPDATE credit_classes SET methodology = 'EN-R-002'")
    with TestClient(create_app(book), raise_server_exceptions=False) as client:
        refused = client.get("/api/v1/retirements", headers={"Authorization": f"Bearer {key}"})
        assert refused.status_code == 409, refused.text
        assert "credit class" in refused.json()["message"]
