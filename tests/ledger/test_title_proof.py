"""The titles a document prints (a project's title and creating place, an agreement's title)
are chained (`describe` entries): one edited by hand in the database is named by `verify`, and
the certificate and the statement that would print it are refused, as a forged entry's are.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from typer.testing import CliRunner

from offset.api import keys
from offset.api.app import create_app
from offset.cli.app import app
from offset.cli.ledger import EXIT_UNVERIFIED
from offset.ledger import Ledger, titles
from offset.ledger.side_tables import AgreementRecord
from offset.scenario import run_records
from tests.ledger.conftest import ISSUE_LINES, behind_the_triggers
from tests.ledger.forgeries import MORE
from tests.scenario.test_run_records import REGISTRY

runner = CliRunner()
FORGED = "ニセの森"  # the title the forger wants printed

EDITS = {
    "project title": (
        f"UPDATE titles SET title = '{FORGED}' WHERE name = 'ina-forest'",
        f"title project ina-forest: the table holds ('{FORGED}', '202096', '伊那市'),"
        " the history ('伊那市の森', '202096', '伊那市')",
    ),
    "project place": (
        f"UPDATE titles SET place_name = '{FORGED}' WHERE name = 'ina-forest'",
        f"title project ina-forest: the table holds ('伊那市の森', '202096', '{FORGED}'),"
        " the history ('伊那市の森', '202096', '伊那市')",
    ),
    "agreement title": (
        f"UPDATE titles SET title = '{FORGED}' WHERE name = 'minato-ina'",
        f"title agreement minato-ina: the table holds ('{FORGED}', '', ''),"
        " the history ('港区と伊那市の協定', '', '')",
    ),
}


def _book(db_url: str) -> Ledger:
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply([*ISSUE_LINES, *MORE])} == {"ok"}
    return book


def test_a_title_edited_by_hand_is_named_and_nothing_prints_it(db_url: str) -> None:
    book = _book(db_url)
    base = ["ledger", "--db", db_url]
    printed = runner.invoke(app, [*base, "certificate", "t5"])
    assert printed.exit_code == 0, printed.output
    assert "伊那市の森" in printed.output
    assert "港区と伊那市の協定" in printed.output
    key = keys.create(book.engine, "minato")[1]
    for name, (edit, named) in EDITS.items():
        with book.engine.begin() as conn:
            conn.execute(text(edit))
        assert book.verify() == [named], name
        refused = runner.invoke(app, [*base, "certificate", "t5"])
        assert refused.exit_code == EXIT_UNVERIFIED, (name, refused.output)
        assert named in refused.output
        api = TestClient(create_app(book)).get(
            "/api/v1/retirements/t5/certificate", headers={"Authorization": f"Bearer {key}"}
        )
        assert (api.status_code, api.json()["status"]) == (409, "unverified"), name
        statement = runner.invoke(app, [*base, "statement", "ina/holding"])
        if name.startswith("project"):  # a statement prints its projects' titles
            assert statement.exit_code == EXIT_UNVERIFIED, (name, statement.output)
            assert named in statement.output  # named, not printed as a title
        else:
            assert statement.exit_code == 0, statement.output
        with book.engine.begin() as conn:  # put back: the next edit alone
            conn.execute(text("DELETE FROM titles"))
            conn.execute(
                text(
                    "INSERT INTO titles VALUES ('project', 'ina-forest', '伊那市の森', '202096', '伊那市')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO titles VALUES ('agreement', 'minato-ina', '港区と伊那市の協定', '', '')"
                )
            )
        assert book.verify() == []
    book.engine.dispose()


def test_a_title_described_again_is_the_one_printed(db_url: str) -> None:
    """A run that renames a project chains the new title; sent again unchanged, nothing."""
    book = _book(db_url)
    renamed = titles.describing("project", [{"name": "ina-forest", "title": "伊那の森"}])
    assert [r.status for r in book.apply(renamed)] == ["ok"]
    assert [r.status for r in book.apply(renamed)] == ["exists"]
    # what a certificate prints is the operator's to say, not a party's
    forged = titles.describing("project", [{"name": "ina-forest", "title": "乗っ取り"}])
    assert [r.status for r in book.apply(forged, party="minato")] == ["not_permitted"]
    assert titles.titles_on(book.engine)["ina-forest"].title == "伊那の森"
    assert book.verify() == []
    book.engine.dispose()


def test_titles_stored_before_they_were_chained_are_chained_by_the_migration(
    db_url: str,
) -> None:
    """A ledger whose run records hold titles no entry describes (made before revision 0009):
    the migration's `initialise` chains them, as they are then, and `verify` holds them to it."""
    book = Ledger.open(db_url)
    assert {r.status for r in book.apply(ISSUE_LINES)} == {"ok"}
    with book.engine.begin() as conn:
        titles.replace(conn, "s", [{"name": "ina-forest", "title": "伊那市の森",
                                    "place_code": "202096", "place_name": "伊那市"}])  # fmt: skip
    assert titles.titles_on(book.engine) == {}  # not chained: not printed
    book.initialise()
    assert titles.titles_on(book.engine)["ina-forest"].place_name == "伊那市"
    book.initialise()  # once: nothing to chain again
    assert book.verify() == []
    book.engine.dispose()


def test_the_agreements_shown_carry_the_chained_title(db_url: str) -> None:
    """The API and dashboard show an agreement by the title the chain records, not by the run
    record's copy of it (which no check covers)."""
    book = _book(db_url)
    copy = {"name": "minato-ina", "scenario": "s", "title": FORGED, "provider": "ina",
            "beneficiary": "minato", "first_fy": 2024, "last_fy": 2024, "volume": "all",
            "delivery": "transfer"}  # fmt: skip
    with book.engine.begin() as conn:
        conn.execute(insert(AgreementRecord.__table__), [copy])  # type: ignore[attr-defined]
    (seen,) = run_records.agreements(book.engine, REGISTRY)
    assert seen.record.title == "港区と伊那市の協定"
    book.engine.dispose()


@pytest.mark.parametrize("party", ["minato", "ina", "registry"])
def test_a_party_renamed_by_hand_is_never_printed_on_a_certificate(db_url: str, party: str) -> None:
    """A certificate names who retired (minato), who created the credits (ina: the class's
    first issuance) and who issues it (registry): a name edited in the parties table behind
    the guards is refused with verify's words, never printed."""
    book = _book(db_url)
    base = ["ledger", "--db", db_url]
    assert runner.invoke(app, [*base, "certificate", "t5"]).exit_code == 0
    behind_the_triggers(book, f"UPDATE parties SET name = '{FORGED}' WHERE id = '{party}'")
    [named] = book.verify()
    assert named.startswith(f"party {party}: the table holds"), named
    refused = runner.invoke(app, [*base, "certificate", "t5"])
    assert refused.exit_code == EXIT_UNVERIFIED, refused.output
    assert FORGED not in refused.output.replace(named, "")  # only in verify's words
    assert f"party {party}" in refused.output
    key = keys.create(book.engine, "minato")[1]
    api = TestClient(create_app(book)).get(
        "/api/v1/retirements/t5/certificate", headers={"Authorization": f"Bearer {key}"}
    )
    assert (api.status_code, api.json()["status"]) == (409, "unverified")
    book.engine.dispose()
