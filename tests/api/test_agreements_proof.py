"""What an agreement delivered, as the dashboard and the API show it, is read from the ledger's
entries naming it, and is proved before it is shown: a delivery under it edited by hand (its
quantity 10 times, postings alike) was counted as delivered (the API answered 50 where the
run had transferred 5). Now 409 `unverified`, naming the entry, in both languages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.api.conftest import build_world
from tests.ledger.conftest import behind_the_triggers


def test_an_agreements_figures_from_an_edited_entry_are_refused(tmp_path: Path) -> None:
    world = build_world(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    book = world.book
    with book.engine.connect() as conn:
        seq, quantity = conn.execute(
            text("SELECT seq, quantity FROM transactions WHERE kind = 'transfer'"
                 " AND agreement = 'east-acme' ORDER BY seq LIMIT 1")
        ).one()  # fmt: skip
    client = TestClient(world.client.app, raise_server_exceptions=False)
    api = world.auth("acme-kk")
    before = client.get("/api/v1/agreements", headers=api)
    assert before.status_code == 200, before.text
    delivered = [y["delivered"] for a in before.json() for y in a["ledger"]]
    behind_the_triggers(
        book,
        f"UPDATE transactions SET quantity = {quantity * 10} WHERE seq = {seq}",
        f"UPDATE postings SET amount = amount * 10 WHERE tx_seq = {seq}",
    )
    refused = client.get("/api/v1/agreements", headers=api)
    assert refused.status_code == 409, (delivered, refused.text)
    assert refused.json()["status"] == "unverified"
    assert f"seq {seq}" in refused.json()["message"]
    assert "検証できません" in refused.json()["message_ja"]
    client.cookies.set("offset_key", world.keys["acme-kk"])
    page = client.get("/dashboard/agreements")
    assert page.status_code == 409
    assert f"seq {seq}" in page.text
    book.engine.dispose()
