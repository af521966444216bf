"""A run's agreements, fulfilment and reductions, kept in its database for the HTTP API, and
read back as a party may see them.

`store` replaces what an earlier run of the same scenario stored, in one transaction. The reads
take a `Viewer` (`offset.ledger.visibility`): a party sees the agreements it is a party to
(provider, beneficiary or other party) and the reductions of its municipality (rows carrying its
団体コード) or of the projects it owns; the registry sees everything.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, Table, delete, insert, select
from sqlmodel import SQLModel

from offset.common.messages import Msg
from offset.intake.municipalities import shipped
from offset.intake.places import municipality_code
from offset.ledger import proof, queries, titles
from offset.ledger.database import reading
from offset.ledger.side_tables import AgreementRecord, FulfilmentRecord, ReductionRecord
from offset.ledger.visibility import Viewer
from offset.scenario import ledger_figures
from offset.scenario.model import Agreement, Scenario
from offset.scenario.settlement import Fulfilment


def volume_text(agreement: Agreement) -> str:
    volume = agreement.volume
    if volume.rule == "fixed":
        return f"fixed {volume.tonnes} t"
    if volume.rule == "share":
        return f"share {volume.share}"
    return "all"


def store(
    engine: Engine, scenario: Scenario, fulfilment: Iterable[Fulfilment], reductions: pd.DataFrame
) -> None:
    """Keep the run's agreements, their fulfilment per FY, its projects (which scenario names
    them), and its reductions table; their titles are chained (`describing`)."""
    agreements = _table(AgreementRecord)
    fulfilled = _table(FulfilmentRecord)
    reduced = _table(ReductionRecord)
    rows = [_agreement_row(scenario, name, a) for name, a in scenario.agreements.items()]
    owners = {name: p.owner for name, p in scenario.projects.items()}
    reduction_rows = [
        {**row, "scenario": scenario.name, "owner": owners[row["project"]]}
        for row in reductions.to_dict("records")
    ]
    with engine.begin() as conn:
        old = select(agreements.c.name).where(agreements.c.scenario == scenario.name)
        names = set(conn.execute(old).scalars()) | set(scenario.agreements)
        conn.execute(delete(fulfilled).where(fulfilled.c.agreement.in_(names)))
        conn.execute(delete(agreements).where(agreements.c.name.in_(names)))
        conn.execute(delete(reduced).where(reduced.c.scenario == scenario.name))
        titles.replace(conn, scenario.name, project_rows(scenario))
        for table, values in (
            (agreements, rows),
            (fulfilled, [dataclasses.asdict(item) for item in fulfilment]),
            (reduced, _plain(pd.DataFrame(reduction_rows), reduced)),
        ):
            if values:
                conn.execute(insert(table), values)


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _plain(frame: pd.DataFrame, table: Table) -> list[dict[str, Any]]:
    """The table's columns of each row, as plain Python values (no numpy scalars)."""
    columns = [c.name for c in table.columns if c.name in frame]
    return json.loads(frame[columns].to_json(orient="records"))  # type: ignore[no-any-return]


def project_rows(scenario: Scenario) -> list[dict[str, str]]:
    """Each project's title and the municipality its credits are created in: its
    `municipality` (a code or a name), else its owner's jis_code; the name is the list of local
    governments' (a scenario's own party first, as the intake reads places)."""
    places = shipped().with_parties(
        (key, p.name, p.jis_code) for key, p in scenario.parties.items() if p.jis_code
    )
    rows: list[dict[str, str]] = []
    for name, project in scenario.projects.items():
        given = project.municipality or scenario.parties[project.owner].jis_code
        place = places.resolve(given).place if given else None
        rows.append(
            {
                "name": name,
                "title": project.title,
                "place_code": place.code if place is not None else "",
                "place_name": place.name if place is not None else "",
            }
        )
    return rows


def describing(scenario: Scenario) -> list[dict[str, Any]]:
    """The `describe` operations that chain the titles of the scenario's projects (with their
    places) and agreements: what outputs print for them."""
    agreements = [{"name": n, "title": a.title} for n, a in scenario.agreements.items()]
    return titles.describing("project", project_rows(scenario)) + titles.describing(
        "agreement", agreements
    )


def _agreement_row(scenario: Scenario, name: str, a: Agreement) -> dict[str, Any]:
    return {
        "name": name,
        "scenario": scenario.name,
        "title": a.title,
        "provider": a.provider,
        "beneficiary": a.beneficiary,
        "others": json.dumps(list(a.others)),
        "projects": json.dumps(list(a.projects)),
        "first_fy": a.period[0],
        "last_fy": a.period[1],
        "volume": volume_text(a),
        "delivery": a.delivery + ("+retire" if a.beneficiary_retires else ""),
        "price_jpy_per_t": a.price_jpy_per_t,
    }


# --- reads, as a party may see them ------------------------------------------------------------


@dataclass(frozen=True)
class LedgerYear:
    """What the ledger's transactions naming an agreement did in one vintage FY."""

    fy: int
    committed: int  # what the agreement's plan commits for the FY
    delivered: int  # the provider's transfers and on-behalf retirements
    retired: int  # retirements naming the agreement, by any of its parties


@dataclass(frozen=True)
class SeenAgreement:
    """An agreement as stored by its run, with the plan's fulfilment per FY and what the
    ledger did under it."""

    record: AgreementRecord  # `others` and `projects` as stored (JSON lists)
    fulfilment: tuple[Fulfilment, ...] = ()
    ledger: tuple[LedgerYear, ...] = ()

    @property
    def others(self) -> list[str]:
        found: list[str] = json.loads(self.record.others)
        return found

    @property
    def projects(self) -> list[str]:
        found: list[str] = json.loads(self.record.projects)
        return found

    @property
    def parties(self) -> set[str]:
        return {self.record.provider, self.record.beneficiary, *self.others}

    @property
    def differences(self) -> dict[int, list[str]]:
        """Per FY where the plan's figures are not the ledger's, why (`delivered`: the FY was
        settled by an earlier run and is never settled again, or not posted; `retired`: the
        ledger counts every retirement naming the agreement by its parties, the plan only what
        the agreement itself retires)."""
        done = {year.fy: year for year in self.ledger}
        out: dict[int, list[str]] = {}
        for planned in self.fulfilment:
            year = done.get(planned.fy, LedgerYear(planned.fy, planned.committed, 0, 0))
            why = [
                figure
                for figure in ("delivered", "retired")
                if getattr(planned, figure) != getattr(year, figure)
            ]
            if why:
                out[planned.fy] = why
        return out


def _visible_agreements(engine: Engine, viewer: Viewer) -> list[SeenAgreement]:
    """The stored agreements the viewer is a party to (as provider, beneficiary or other)."""
    with reading(engine) as conn:
        rows = conn.execute(select(_table(AgreementRecord)).order_by("name")).mappings()
        # the title as the chain records it (`ledger.titles`), not the run record's copy
        found = [
            SeenAgreement(
                AgreementRecord(**{**row, "title": titles.agreement_title(conn, row["name"])})
            )
            for row in rows
        ]
    return [a for a in found if viewer.is_registry or viewer.party in a.parties]


def agreement_names(engine: Engine, viewer: Viewer) -> list[str]:
    """The agreements a party may name on its own transactions: those it is a party to."""
    return [a.record.name for a in _visible_agreements(engine, viewer)]


def agreements(engine: Engine, viewer: Viewer) -> list[SeenAgreement]:
    """The viewer's agreements, with the plan's fulfilment and what the ledger did under them,
    once the entries those figures are read from verify (`proof.Unverified` if not)."""
    seen = _visible_agreements(engine, viewer)
    table = _table(FulfilmentRecord)
    with reading(engine) as conn:
        stored = conn.execute(select(table).order_by(table.c.agreement, table.c.fy)).mappings()
        fulfilment = [Fulfilment(**row) for row in stored]
        moves = queries.agreement_moves(conn, [a.record.name for a in seen])
    if moves:  # a figure read from an entry edited by hand is never shown
        proof.require(engine, [], Msg("proof.agreements"), apart=[m.seq for m in moves])
    out = []
    for agreement in seen:
        planned = tuple(f for f in fulfilment if f.agreement == agreement.record.name)
        own = [m for m in moves if m.agreement == agreement.record.name]
        out.append(
            dataclasses.replace(
                agreement, fulfilment=planned, ledger=_from_ledger(agreement, planned, own)
            )
        )
    return out


def _from_ledger(
    agreement: SeenAgreement, planned: tuple[Fulfilment, ...], moves: list[queries.AgreementMove]
) -> tuple[LedgerYear, ...]:
    """What the ledger's transactions naming the agreement did, per vintage FY
    (`ledger_figures.agreement_years`: the same rule the report prints), beside the plan's
    commitment."""
    record = agreement.record
    deliverers = {record.provider, *agreement.others} - {record.beneficiary}
    done = ledger_figures.agreement_years(moves, deliverers, agreement.parties)
    committed = {f.fy: f.committed for f in planned}
    return tuple(
        LedgerYear(fy, committed.get(fy, 0), year.delivered, year.retired)
        for fy in sorted(committed.keys() | done.keys())
        for year in [done.get(fy, ledger_figures.AgreementYear())]
    )


def reductions(engine: Engine, viewer: Viewer, fy: int | None = None) -> list[ReductionRecord]:
    """Computed reductions of the viewer's municipality (by its 団体コード, which a run's rows
    carry, or its key, which runs before the codes carried) or of the projects it owns."""
    table = _table(ReductionRecord)
    query = select(table).order_by(table.c.fy, table.c.municipality, table.c.project)
    with reading(engine) as conn:
        if not viewer.is_registry:
            own = queries.parties(conn, [viewer.party]).get(viewer.party)
            code = _code(own.jis_code if own is not None else None) or viewer.party
            query = query.where(
                (table.c.municipality == viewer.party)
                | (table.c.municipality == code)
                | (table.c.owner == viewer.party)
            )
        if fy is not None:
            query = query.where(table.c.fy == fy)
        return [ReductionRecord(**row) for row in conn.execute(query).mappings()]


def _code(jis_code: object) -> str:
    """A party's jis_code as the rows carry it: 6 digits (a 5-digit code gets its check digit);
    a code that is not one (a fictional party's) as it is."""
    if not jis_code:
        return ""
    found = municipality_code(str(jis_code))
    return found.code if found is not None and found.code else str(jis_code)


def municipality_names(engine: Engine, codes: Iterable[str]) -> dict[str, str]:
    """The name each municipality code is printed with: the official name from the list of
    local governments, else the name of the party with that jis_code, else the code."""
    with reading(engine) as conn:
        parties = queries.parties(conn)
    by_code = {_code(p.jis_code): p.name for p in parties.values() if p.jis_code}
    table = shipped().places
    return {c: table[c].name if c in table else by_code.get(c, c) for c in dict.fromkeys(codes)}
