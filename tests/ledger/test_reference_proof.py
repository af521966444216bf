"""What a document prints through the reference tables is proved as its titles and parties are.

A certificate prints a retirement's credit type, methodology, instrument and energy equivalent
from its credit class, who retired from the account's party, and who created the credits from
the party of the account the class was first issued to; a statement prints each line's project
and vintage from its class. Those rows (`credit_classes`, `accounts`) are chained (the `class`
and `account` reference entries) and `verify` compares them, but a certificate printed from
them unchecked would state what no entry recorded: a forest credit printed as renewable
electricity with its MWh, or another party as the one who retired. Each edit below, made by
hand behind the guards, is named by `verify` and refuses the certificate (CLI and API) and the
statement that would print it. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.cli.ledger import EXIT_UNVERIFIED
from offset.ledger import Ledger
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers
from tests.ledger.forgeries import MORE

runner = CliRunner()

# edit, and what verify names; minato/holding's statement prints through each (the class of
# its lines; ina/holding is the account its post's entry names as the reservation's source)
EDITS = {
    "class methodology": (
        "UPDATE credit_classes SET methodology = 'EN-R-002' WHERE project = 'ina-forest'",
        "credit class 1: the table holds",
    ),
    "class instrument": (
        "UPDATE credit_classes SET instrument = 'J-VER' WHERE project = 'ina-forest'",
        "credit class 1: the table holds",
    ),
    "class project": (
        "UPDATE credit_classes SET project = 'other-forest' WHERE project = 'ina-forest'",
        "credit class 1: the table holds",
    ),
    "retiring account's party": (
        "UPDATE accounts SET party_id = 'shinjuku' WHERE id = 'minato/holding'",
        "account minato/holding: the table holds",
    ),
    "creating account's party": (
        "UPDATE accounts SET party_id = 'minato' WHERE id = 'ina/holding'",
        "account ina/holding: the table holds",
    ),
}


def _book(db_url: str) -> Ledger:
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    return book


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_class_or_account_edited_by_hand_is_never_printed(db_url: str, edit: str) -> None:
    sql, named = EDITS[edit]
    book = _book(db_url)
    base = ["ledger", "--db", db_url]
    printed = runner.invoke(app, [*base, "certificate", "t5"])
    assert printed.exit_code == 0, printed.output
    assert "港区" in printed.output
    assert runner.invoke(app, [*base, "statement", "minato/holding"]).exit_code == 0

    behind_the_triggers(book, sql)
    [found] = book.verify()
    assert found.startswith(named), found
    refused = runner.invoke(app, [*base, "certificate", "t5"])
    assert refused.exit_code == EXIT_UNVERIFIED, refused.output
    assert named in refused.output
    assert "MWh" not in refused.output  # no energy equivalent of credits never so issued
    key = keys.create(book.engine, "registry")[1]  # minato's own key no longer sees it
    api = TestClient(create_app(book)).get(
        "/api/v1/retirements/t5/certificate", headers={"Authorization": f"Bearer {key}"}
    )
    assert (api.status_code, api.json()["status"]) == (409, "unverified"), api.text
    statement = runner.invoke(app, [*base, "statement", "minato/holding"])
    assert statement.exit_code == EXIT_UNVERIFIED, statement.output
    assert named in statement.output
    book.engine.dispose()


def test_a_class_entry_rewritten_with_its_table_row_is_never_printed(db_url: str) -> None:
    """The forger edits the class's entry too, so that the table is what the entry says: the
    entry's hash no longer recomputes, and the certificate and the statement that print
    through it are refused, though the entry is long before what they print."""
    book = _book(db_url)
    base = ["ledger", "--db", db_url]
    behind_the_triggers(
        book,
        "UPDATE credit_classes SET methodology = 'EN-R-002' WHERE project = 'ina-forest'",
        # `"methodology":null,"op"` (keys sorted), with no colon for SQLAlchemy to bind
        "UPDATE transactions SET operation = replace(operation, 'null,\"op\"',"
        " '\"EN-R-002\",\"op\"') WHERE kind = 'class'",
    )
    problems = book.verify()
    assert any("hash does not recompute" in p for p in problems), problems
    assert not any(p.startswith("credit class 1: the table holds") for p in problems), problems
    for command in (["certificate", "t5"], ["statement", "minato/holding"]):
        refused = runner.invoke(app, [*base, *command])
        assert refused.exit_code == EXIT_UNVERIFIED, refused.output
        assert "hash does not recompute" in refused.output
        assert "MWh" not in refused.output
    book.engine.dispose()
