"""The dashboard's balances (the page a company checks its credits per vintage on, and its CSV
and Excel) are proved before they show: a stored balance edited by hand (Minato's 6 made 60,
the postings untouched) was shown as 60 where verify, a statement and a certificate refuse
the ledger. Each balance shown is compared with what its account's last entry in that class
left, and those entries are checked up to the head; 409 in words otherwise."""

from __future__ import annotations

from fastapi.testclient import TestClient

from offset.api import keys
from offset.api.app import create_app
from offset.ledger import Ledger
from tests.ledger.conftest import behind_the_triggers, seq_of
from tests.ledger.forgeries import book, postgresql_template, sqlite_template

# the fixtures: the forgeries' ledger, a copy per test and database
__all__ = ["book", "postgresql_template", "sqlite_template"]


def test_a_balance_edited_by_hand_is_not_shown(book: Ledger) -> None:
    _, key = keys.create(book.engine, "minato", "manager")
    with TestClient(create_app(book), raise_server_exceptions=False) as client:
        client.cookies.set("offset_key", key)
        assert client.get("/dashboard").status_code == 200
        assert "ina-forest,2024,6\n" in client.get("/dashboard?format=csv").text  # 10 in, 4 out
        behind_the_triggers(
            book, "UPDATE balances SET quantity = 60 WHERE account_id = 'minato/holding'"
        )
        page = client.get("/dashboard?lang=en")
        assert page.status_code == 409, page.text[-300:]
        assert "minato/holding" in page.text
        assert ">60<" not in page.text
        for fmt in ("csv", "xlsx"):
            assert client.get(f"/dashboard?format={fmt}").status_code == 409, fmt


def test_an_entry_behind_a_balance_edited_by_hand_is_refused(book: Ledger) -> None:
    _, key = keys.create(book.engine, "minato", "manager")
    seq = seq_of(book, "t5")
    behind_the_triggers(book, f"UPDATE transactions SET memo = 'edited' WHERE seq = {seq}")
    with TestClient(create_app(book), raise_server_exceptions=False) as client:
        client.cookies.set("offset_key", key)
        page = client.get("/dashboard?lang=en")
        assert page.status_code == 409
        assert f"seq {seq}" in page.text
