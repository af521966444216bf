"""A statement of a hand-edited ledger is refused in words, never a crash: an auditor who runs
`offset ledger statement` (or a company that opens its statement in the dashboard or the API)
on a copy whose retirement was doubled in its postings got an AssertionError's traceback
(the CLI) or a 500 (the API), because the period's balances no longer added up before the
proof that refuses them ran. The sum opening + in - out = closing is now one of the proof's
checks, beside those of the entries the figures are read from. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.cli.ledger import EXIT_UNVERIFIED
from offset.common.messages import text
from offset.ledger import Ledger, proof
from tests.ledger.conftest import behind_the_triggers, seq_of
from tests.ledger.forgeries import book, postgresql_template, rechain, sqlite_template

# the fixtures: the forgeries' ledger, a copy per test and database
__all__ = ["book", "postgresql_template", "sqlite_template"]

runner = CliRunner()


def _doubled(book: Ledger) -> int:
    """Minato's retirement t5 (4 credits) doubled in both postings, their sum still zero and
    each balance_after left as it was; its seq."""
    seq = seq_of(book, "t5")
    behind_the_triggers(book, f"UPDATE postings SET amount = amount * 2 WHERE tx_seq = {seq}")
    return seq


def test_the_cli_statement_refuses_a_doubled_retirement(book: Ledger) -> None:
    seq = _doubled(book)
    url = book.engine.url.render_as_string(hide_password=False)
    printed = runner.invoke(app, ["ledger", "--db", url, "statement", "minato/holding"])
    assert printed.exit_code == EXIT_UNVERIFIED, printed.output
    assert f"seq {seq}" in printed.output
    assert "Traceback" not in printed.output


def test_the_api_and_dashboard_refuse_it_with_409(book: Ledger) -> None:
    _doubled(book)
    _, key = keys.create(book.engine, "minato", "auditor")
    with TestClient(create_app(book), raise_server_exceptions=False) as client:
        for path in ("statement", "balances"):
            found = client.get(
                f"/api/v1/accounts/minato/holding/{path}",
                headers={"Authorization": f"Bearer {key}"},
            )
            assert found.status_code == 409, (path, found.text)
            assert found.json()["status"] == "unverified"
        client.cookies.set("offset_key", key)
        page = client.get("/dashboard/statement/minato/holding")
        assert page.status_code == 409, page.text


def test_a_rechained_rewrite_is_refused_too(book: Ledger) -> None:
    """The forger re-chains every hash from the edited entry on: the balance left after each
    posting no longer follows from the amounts, which the proof reads."""
    seq = _doubled(book)
    rechain(book, seq)
    url = book.engine.url.render_as_string(hide_password=False)
    printed = runner.invoke(app, ["ledger", "--db", url, "statement", "minato/holding"])
    assert printed.exit_code == EXIT_UNVERIFIED, printed.output
    assert "Traceback" not in printed.output


def test_balances_that_do_not_add_up_are_never_printed(book: Ledger) -> None:
    """The sum itself, whatever the entries: a class whose opening + in - out is not its
    closing balance is refused, in words naming the class and its four figures."""
    held = book.period_balances("minato/holding")
    assert held
    assert proof.require_statement(book.engine, "minato/holding", [], held).verified
    wrong = [dataclasses.replace(held[0], closing=held[0].closing + 1)]
    with pytest.raises(proof.Unverified) as refused:
        proof.require_statement(book.engine, "minato/holding", [], wrong)
    b = wrong[0]
    assert f"opening {b.opening} + in {b.credited} - out {b.debited}" in str(refused.value)
    assert "期末残高" in text(refused.value.message, "ja")
