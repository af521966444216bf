"""A re-run of `offset run` that would change nothing (`scenario.run_state`): answered without
computing, its credit figures read from the ledger again.

A finished run keeps its report's tables; a re-run with the same fingerprint, on a ledger whose
head has not moved and whose scenario entries verify up to it, would compute the same plan and
find the same ledger. The plan's columns are taken from the tables kept; every credit figure
(issued, delivered, retired, owed, balances, restatements, the transactions found) is read from
the ledger, in one committed state at the verified head, and put in them by the functions that
made them (`documents.credit_columns`, `documents.tables`). Where what the ledger holds is not
what the tables kept (the state was edited, or is not this ledger's), the state is not trusted
and the run is made in full, which writes the report again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from offset.common.messages import Lang
from offset.documents import tables
from offset.documents.credit_columns import (
    FULFILMENT_PLAN,
    PLANNED,
    fulfilment_credits,
    issuance_credits,
)
from offset.documents.credit_columns import plan_credits as with_plan_credits
from offset.ledger import proof, queries
from offset.ledger.database import at_head, reading, redacted
from offset.ledger.ledger import Ledger
from offset.ledger.rows import AccountRow, BalanceLine, Retirement
from offset.scenario import ledger_figures, run_state
from offset.scenario.ledger_figures import LedgerHeld
from offset.scenario.model import Scenario

Books = tuple[list[BalanceLine], list[AccountRow], list[Retirement]]


@dataclass(frozen=True)
class Unchanged:
    """What a re-run that changes nothing prints: the report's tables (credits the ledger's),
    the transactions it found in the ledger, and the warnings the run said."""

    tables: dict[str, pd.DataFrame]
    statuses: dict[str, str]
    warnings: list[str]
    written: str  # when the run that wrote the report (left as it is) wrote it: its manifest's


def answer(
    scenario: Scenario, out: Path, url: str, fingerprint: str, lang: Lang
) -> Unchanged | None:
    """The answer of a re-run that would change nothing: the same fingerprint, the report
    there, a ledger whose head is where the last run left it, whose entries of the scenario
    verify up to it and which holds what the kept tables say; None when the run has to be made
    in full."""
    state = run_state.read(out)
    if state is None or (state.fingerprint, state.database) != (fingerprint, redacted(url)):
        return None
    if not (out / "report.html").is_file() or (written := _written(out)) is None:
        return None
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    kept = run_state.tables(out, state)
    if kept is None:
        return None
    ledger = Ledger.open(url, migrate=False)
    try:
        if not at_head(ledger.engine):
            return None
        found = proof.entry_problems(ledger.engine, [state.first_seq])
        if not found.verified or (found.head_seq, found.head_hash) != state.head:
            return None
        with reading(ledger.engine) as conn:  # the verified head, or nothing is read from it
            if queries.head(conn)[:2] != state.head:
                return None
            held = ledger_figures.read_in(conn, scenario)
            books = (queries.balances(conn), queries.accounts(conn), queries.retirements(conn))
            there = queries.quantities(conn, state.transactions)
    finally:
        ledger.engine.dispose()
    if there.keys() != set(state.transactions):
        return None
    try:
        figures = rebuilt(kept, scenario, held, books, lang)
    except (KeyError, ValueError, TypeError):  # a table kept without a column the plan gives
        return None
    if not all(same(figures[name], kept[name]) for name in kept):
        return None
    statuses = dict.fromkeys(state.transactions, "exists")
    return Unchanged(figures, statuses, run_state.read_warnings(state.warnings), written)


def _written(out: Path) -> str | None:
    """When the report in `out` was written (its manifest's `created`); None: no manifest."""
    try:
        created = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["created"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return created if isinstance(created, str) else None


def rebuilt(
    kept: dict[str, pd.DataFrame], scenario: Scenario, held: LedgerHeld, books: Books, lang: Lang
) -> dict[str, pd.DataFrame]:
    """The report's tables: the plan's columns from `kept` (a finished run's), every credit
    figure from `held` and `books` (the ledger's), as the run makes them."""
    issuance = kept["issuance"]
    planned = issuance["planned_issued"].fillna(issuance["issued"]).astype("int64")
    issuance = issuance_credits(issuance.assign(**{PLANNED: planned}), held)
    fulfilment = kept["fulfilment"]
    planned = fulfilment["planned_delivered"].fillna(fulfilment["delivered"]).astype("int64")
    plan = fulfilment.assign(**{PLANNED: planned})[[*FULFILMENT_PLAN, PLANNED]]
    fulfilment = fulfilment_credits(plan, scenario, held)
    summary = tables.per_year(kept["reductions"], fulfilment, held)
    plan_table = with_plan_credits(kept["plan"].set_index("fy"), summary).reset_index()
    figures = kept | {
        "summary": summary,
        "plan": plan_table[list(kept["plan"].columns)],
        "issuance": issuance,
        "fulfilment": fulfilment,
        "balances": tables.balances(scenario, *books),
        "restatements": tables.restatements(scenario, held, [], lang),
    }
    return {name: tables.with_titles(frame, scenario) for name, frame in figures.items()}


def same(rebuilt_: pd.DataFrame, kept: pd.DataFrame) -> bool:
    """The same columns, rows and cells (a blank as a blank), whatever type the Parquet file
    read them back as."""
    if list(rebuilt_.columns) != list(kept.columns) or len(rebuilt_) != len(kept):
        return False
    return all(
        rebuilt_[c]
        .astype(object)
        .reset_index(drop=True)
        .equals(kept[c].astype(object).reset_index(drop=True))
        for c in kept.columns
    )
