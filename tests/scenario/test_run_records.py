"""A run's records: the fulfilment record declared once, and the reads of agreements,
fulfilment and reductions as each party may see them (what the API renders)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from offset.api.answers import AgreementOut, FulfilmentOut
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.ledger.side_tables import FulfilmentRecord
from offset.ledger.titles import ProjectTitle, titles_on
from offset.scenario import Scenario, run_records
from offset.scenario.settlement import Fulfilment
from tests.scenario.conftest import MINIMAL, WriteScenario


@dataclasses.dataclass(frozen=True)
class Party:
    party: str
    is_registry: bool = False


REGISTRY = Party("registry", is_registry=True)


def test_the_fulfilment_record_is_declared_once(write_scenario: WriteScenario) -> None:
    """The ledger's stored table has the record's columns (it is a schema: a migration makes
    it, so it is held to the record here); the report's table and the API's answer derive
    their columns from the record."""
    fields = [f.name for f in dataclasses.fields(Fulfilment)]
    assert [c.name for c in FulfilmentRecord.__table__.columns] == fields  # type: ignore[attr-defined]
    assert list(FulfilmentOut.model_fields) == fields[1:]  # all but the agreement it is under
    assert AgreementOut.model_fields["fulfilment"].annotation == list[FulfilmentOut]
    outcome = run_scenario(
        Scenario.from_toml(write_scenario()), out=write_scenario().parent / "out", dry_run=True
    )
    table = outcome.tables["fulfilment"]
    figures = [c for c in table.columns if c in fields]
    assert figures == fields  # in the record's order


def test_each_party_reads_its_own_agreements_and_reductions(
    write_scenario: WriteScenario, db_url: str
) -> None:
    """MINIMAL: the town's PV delivers 3 credits a FY to the firm under `deal`; `other` is a
    party to nothing."""
    path = write_scenario(MINIMAL + '\n[parties.other]\nkind = "company"\nname = "Other"\n')
    run_scenario(Scenario.from_toml(path), out=path.parent / "out", database=db_url)
    book = Ledger.open(db_url)
    try:
        engine = book.engine
        for who in (Party("town"), Party("firm"), REGISTRY):
            (deal,) = run_records.agreements(engine, who)
            assert deal.record.name == "deal"
            assert deal.parties == {"town", "firm"}
            assert [(f.fy, f.committed, f.delivered) for f in deal.fulfilment] == [
                (2022, 3, 3),
                (2023, 3, 3),
            ]
            # what the ledger's transfers naming the agreement delivered, per vintage
            assert [(y.fy, y.delivered, y.retired) for y in deal.ledger] == [
                (2022, 3, 0),
                (2023, 3, 0),
            ]
            assert run_records.agreement_names(engine, who) == ["deal"]
        assert run_records.agreements(engine, Party("other")) == []
        assert run_records.agreement_names(engine, Party("other")) == []
        town = run_records.reductions(engine, Party("town"))
        assert [(r.fy, r.project, r.owner) for r in town] == [
            (2022, "pv", "town"),
            (2023, "pv", "town"),
        ]
        assert [r.fy for r in run_records.reductions(engine, Party("town"), fy=2023)] == [2023]
        assert run_records.reductions(engine, Party("firm")) == []
        assert len(run_records.reductions(engine, REGISTRY)) == 2
    finally:
        book.engine.dispose()


def test_a_transaction_by_a_party_outside_the_agreement_counts_for_nothing(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    """The firm passes a credit on to `other`, naming the agreement: `other` is no party to
    it, so the ledger's view of the agreement does not change."""
    path = write_scenario(MINIMAL + '\n[parties.other]\nkind = "company"\nname = "Other"\n')
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run_scenario(Scenario.from_toml(path), out=tmp_path / "out", database=url)
    book = Ledger.open(url)
    try:
        before = run_records.agreements(book.engine, REGISTRY)[0].ledger
        ops = [
            {"op": "transfer", "id": "firm-on", "from": "firm/holding", "to": "other/holding",
             "project": "pv", "vintage": 2022, "quantity": 1},
            {"op": "retire", "id": "other-off", "from": "other/holding", "project": "pv",
             "vintage": 2022, "quantity": 1, "reason": "x", "beneficiary": "Other",
             "agreement": "deal"},
        ]  # fmt: skip
        assert [r.status for r in book.apply(ops)] == ["ok", "ok"]
        assert run_records.agreements(book.engine, REGISTRY)[0].ledger == before
    finally:
        book.engine.dispose()


def test_a_municipality_reads_the_reductions_of_rows_carrying_its_code(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    """The firm's own PV stands in the town: its rows name the town by its party key, so they
    carry the town's 団体コード (209999, a fictional one) and the town reads them though it owns
    nothing of them; `other`, a municipality with another code, does not. The download names
    the code by the party's name (no official name: the list lacks the code)."""
    extra = """
[parties.other]
kind = "municipality"
name = "Other Village"
jis_code = "209998"
prefecture = "nagano"

[projects.firm-pv]
method = "solar"
data = "pv.csv"
owner = "firm"
instrument = "J-Credit"
"""
    path = write_scenario(MINIMAL + extra)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run_scenario(Scenario.from_toml(path), out=tmp_path / "out", database=url)
    book = Ledger.open(url)
    try:
        engine = book.engine
        town = run_records.reductions(engine, Party("town"))
        assert sorted((r.project, r.fy, r.municipality) for r in town) == [
            ("firm-pv", 2022, "209999"),
            ("firm-pv", 2023, "209999"),
            ("pv", 2022, "209999"),
            ("pv", 2023, "209999"),
        ]
        firm = run_records.reductions(engine, Party("firm"))
        assert {r.project for r in firm} == {"firm-pv"}
        assert run_records.reductions(engine, Party("other")) == []
        assert run_records.municipality_names(engine, ["209999", "202029", "123"]) == {
            "209999": "Town",
            "202029": "松本市",
            "123": "123",
        }
    finally:
        book.engine.dispose()


def test_a_run_stores_each_projects_title_and_creating_place(
    write_scenario: WriteScenario, db_url: str
) -> None:
    """A project's title and the municipality its credits are created in: the owner's
    jis_code (a scenario's own party: its name), or the project's `municipality` (松本市,
    202029, from the list of local governments); a project with no title keeps none."""
    titled = MINIMAL.replace("[projects.pv]\n", '[projects.pv]\ntitle = "町の太陽光発電"\n')
    path = write_scenario(titled)
    scenario = Scenario.from_toml(path)
    run_scenario(scenario, out=path.parent / "out", database=db_url)
    book = Ledger.open(db_url)
    try:
        assert titles_on(book.engine) == {
            "pv": ProjectTitle("pv", "町の太陽光発電", "209999", "Town")
        }
    finally:
        book.engine.dispose()
    bound = MINIMAL.replace("[projects.pv]\n", '[projects.pv]\nmunicipality = "202029"\n')
    (row,) = run_records.project_rows(Scenario.from_toml(write_scenario(bound)))
    assert (row["title"], row["place_code"], row["place_name"]) == ("", "202029", "松本市")
