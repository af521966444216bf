"""Keep a run's agreements, fulfilment and reductions in its database, for the HTTP API.

They replace what an earlier run of the same scenario stored, in one transaction.
"""

from __future__ import annotations

import json
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, Table, delete, insert, select
from sqlmodel import SQLModel

from offset.ledger.side_tables import AgreementRecord, FulfilmentRecord, ReductionRecord
from offset.scenario.model import Agreement, Scenario


def volume_text(agreement: Agreement) -> str:
    volume = agreement.volume
    if volume.rule == "fixed":
        return f"fixed {volume.tonnes} t"
    if volume.rule == "share":
        return f"share {volume.share}"
    return "all"


def store(engine: Engine, scenario: Scenario, tables: dict[str, pd.DataFrame]) -> None:
    agreements = _table(AgreementRecord)
    fulfilment = _table(FulfilmentRecord)
    reductions = _table(ReductionRecord)
    rows = [_agreement_row(scenario, name, a) for name, a in scenario.agreements.items()]
    owners = {name: p.owner for name, p in scenario.projects.items()}
    reduction_rows = [
        {**row, "scenario": scenario.name, "owner": owners[row["project"]]}
        for row in tables["reductions"].to_dict("records")
    ]
    with engine.begin() as conn:
        old = select(agreements.c.name).where(agreements.c.scenario == scenario.name)
        names = set(conn.execute(old).scalars()) | set(scenario.agreements)
        conn.execute(delete(fulfilment).where(fulfilment.c.agreement.in_(names)))
        conn.execute(delete(agreements).where(agreements.c.name.in_(names)))
        conn.execute(delete(reductions).where(reductions.c.scenario == scenario.name))
        for table, values in (
            (agreements, rows),
            (fulfilment, _plain(tables["fulfilment"], fulfilment)),
            (reductions, _plain(pd.DataFrame(reduction_rows), reductions)),
        ):
            if values:
                conn.execute(insert(table), values)


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _plain(frame: pd.DataFrame, table: Table) -> list[dict[str, Any]]:
    """The table's columns of each row, as plain Python values (no numpy scalars)."""
    columns = [c.name for c in table.columns if c.name in frame]
    return json.loads(frame[columns].to_json(orient="records"))  # type: ignore[no-any-return]


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
