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


def test_the_agreements_page_states_its_terms_in_words_only(tmp_path: Path) -> None:
    """The page's sentence states the volume and the delivery in the reader's words; the line
    under it repeated them as the scenario's codes (数量の決め方: fixed 5 t · 引渡し: transfer)
    on a Japanese page. It keeps the agreement's key only."""
    world = build_world(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    client = TestClient(world.client.app)
    client.cookies.set("offset_key", world.keys["east-town"])
    page = client.get("/dashboard/agreements?lang=ja").text
    assert "5 t-CO2 を移転します" in page or "5 t-CO2を移転します" in page, page[-2000:]
    assert "fixed 5 t" not in page
    assert "引渡し: transfer" not in page
    assert "キー: east-acme" in page
    world.book.engine.dispose()
