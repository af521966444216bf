"""Each shipped scenario end to end, on SQLite and PostgreSQL: its totals reconcile with the
results files and with the ledger, a re-run posts nothing, a credit leads back to its input."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from offset.documents import notes, tables
from offset.documents.present import sheet_name
from offset.documents.terms import fy_label, term
from offset.intake.inputs import sha256_of
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.ledger.database import redacted
from offset.scenario import Scenario
from offset.scenario.issuance import GRAMS_PER_CREDIT, to_grams
from offset.scenario.year_plan import results_path
from tests.scenario.conftest import SCENARIOS, SHIPPED


def expected_issuance(scenario: Scenario, out: Path) -> dict[tuple[str, int], int]:
    """Whole credits per project and FY, recomputed from the results files by a plain loop."""
    expected = {}
    for project in scenario.projects:
        carried = 0
        for fy in scenario.fiscal_years:
            path = out / results_path(scenario, project, fy)
            if not path.exists():
                continue
            rows = pd.read_csv(path)
            if scenario.shares_data(project):  # a shared data file's results: its rows
                rows = rows[rows["project"] == project]
            available = to_grams(rows["creditable_tco2e"].sum()) + carried
            expected[(project, fy)] = max(available, 0) // GRAMS_PER_CREDIT
            carried = available - expected[(project, fy)] * GRAMS_PER_CREDIT
    return expected


def issued_in_ledger(book: Ledger) -> dict[tuple[str, int], int]:
    """Credits issued per class: the negated balance of the project's issuance account."""
    return {
        (b.project, b.vintage): -b.quantity
        for b in book.balances()
        if b.account.startswith("issuance:")
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_scenario_end_to_end(name: str, db_url: str, tmp_path: Path) -> None:
    scenario = Scenario.from_toml(SCENARIOS / name)
    out = tmp_path / "out"
    outcome = run_scenario(scenario, out=out, database=db_url)
    assert outcome.posted > 0
    assert outcome.already_there == 0
    if name == "shinjuku-ina.toml":  # reported: about 2,681 t-CO2 offset (reference section 6)
        retired = int(outcome.tables["fulfilment"]["retired"].sum())
        assert 2_000 <= retired <= 3_400  # the same order; synthetic stands, not the real ones

    # issued = sum over projects of floored reductions with carried remainders
    expected = expected_issuance(scenario, out)
    issuance = outcome.tables["issuance"]
    table = {(r.project, r.fy): r.issued for r in issuance.itertuples()}
    assert table == expected
    book = Ledger.open(db_url)
    try:
        assert issued_in_ledger(book) == {k: v for k, v in expected.items() if v > 0}
        assert (issuance["carried_out_tco2e"] < 1).all()

        # delivered <= what each project issued to its owner, per project and FY
        delivered = outcome.tables["deliveries"].groupby(["project", "fy"])["quantity"].sum()
        to_owner = issuance.set_index(["project", "fy"])["to_owner"]
        assert (delivered <= to_owner.reindex(delivered.index)).all()

        # the ledger's own record of each agreement equals the fulfilment table
        fulfilment = outcome.tables["fulfilment"]
        for agreement_name, agreement in scenario.agreements.items():
            moved = [
                t.quantity
                for t in book.agreement_transactions(agreement_name)
                if t.kind == agreement.delivery
            ]
            rows = fulfilment[fulfilment["agreement"] == agreement_name]
            assert sum(moved) == rows["delivered"].sum()
            assert (rows["delivered"] <= rows["committed"]).all()
        assert book.verify() == []
        balances = book.balances()

        # a re-run posts nothing twice, and says so
        again = run_scenario(scenario, out=out, database=db_url)
        assert again.posted == 0
        assert again.already_there == outcome.posted
        assert book.balances() == balances

        # a credit's history leads back to its input file, rows, method and factor tables
        project, fy = next(k for k, v in expected.items() if v > 0)
        history = book.serial(project, fy, 0)
        source = history.events[0].source
        assert source is not None
        spec = scenario.projects[project]
        assert source["input"]["sha256"] == sha256_of(scenario.data_path(project))
        assert source["input"]["file"] == spec.data
        assert source["method"] == spec.method
        # "2-41,45", or per sheet "R4!4-6;R5!4-7" when a workbook's sheets are one input
        first_range = source["input"]["rows"].split(";")[0].split("!")[-1]
        first_row = first_range.split(",")[0].split("-")[0]
        assert int(first_row) >= 2  # sheet rows: the header (or a title above it) comes first
        assert set(source["factor_tables"]) >= {"method_parameters", "gwp"}
        assert (out / source["results_file"]).is_file()
    finally:
        book.engine.dispose()

    # the report: self-contained HTML with inline SVG charts, CSV tables, workbook, manifest
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 7
    assert "<script" not in html
    assert 'src="http' not in html
    assert 'href="http' not in html
    # the 注意事項 (the re-run wrote the report last): the newest FY's first, a note repeated
    # in several FYs one line naming them, none lost
    lang = scenario.language()
    lines = notes.grouped(again.warnings, lang, tables.titles(scenario))
    section = html.split(f"<h2>{term('report.warnings', lang)}</h2>")[1].split("<h2>")[0]
    items = re.findall(r"<li>(.*?)</li>", section)
    assert items == [str(escape(line.text)) for line in lines]
    counted = term("report.notes_count", lang, count=len(again.warnings), lines=len(lines))
    assert str(escape(counted)) in section
    assert sum(line.count for line in lines) == len(again.warnings)
    dated = [year for w in again.warnings if (year := notes.fy_of(w)) is not None]
    if dated:
        first = next(position for position, line in enumerate(lines) if line.fys)
        assert lines[first].fys[0] == max(dated)
        assert fy_label(max(dated), lang) in items[first]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["sha256"] == scenario.sha256
    assert {t["table"] for t in manifest["factor_tables"]} >= {"gwp", "method_parameters"}
    assert manifest["database"] == redacted(db_url)
    sheets = pd.read_excel(out / "report.xlsx", sheet_name=None)
    # every table as a sheet and a CSV; the workbook also carries its provenance sheet
    assert set(sheets) == {sheet_name(name, lang) for name in [*outcome.tables, "provenance"]}
    assert set(outcome.tables) == {p.stem for p in (out / "tables").glob("*.csv")}


def test_settlement_area_is_the_flagship(tmp_path: Path) -> None:
    """The figures the issue asks of the flagship: four municipalities, thousands of PV systems,
    hundreds of stands, a watershed and a company agreement, five FYs."""
    scenario = Scenario.from_toml(SCENARIOS / "settlement-area.toml")
    municipalities = [p for p in scenario.parties.values() if p.kind == "municipality"]
    assert len(municipalities) == 4
    assert len(scenario.fiscal_years) == 5
    rows = {name: len(pd.read_csv(scenario.data_path(name))) for name in scenario.projects}
    assert rows["area-residential-pv"] >= 2000
    assert rows["kamiyama-forest"] >= 200
    deliveries = defaultdict(set)
    for agreement in scenario.agreements.values():
        deliveries[scenario.parties[agreement.beneficiary].kind].add(agreement.delivery)
    assert deliveries["municipality"] == {"retire"}
    assert deliveries["company"]


def test_shinjuku_ina_is_on_the_order_of_the_reported_total() -> None:
    """Reported: 234 ha thinned FY2009-FY2017, about 2,681 t-CO2 offset (reference section 6);
    the credits it retires are compared with that in its end-to-end run (above), which runs it."""
    scenario = Scenario.from_toml(SCENARIOS / "shinjuku-ina.toml")
    stands = pd.read_csv(scenario.data_path("ina-city-forest"))
    assert stands["area_ha"].sum() == pytest.approx(234, abs=0.5)
