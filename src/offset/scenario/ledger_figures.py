"""The credit figures documents print, read from the ledger: one function per figure.

A run plans what it would settle now (`year_plan`), but an FY settled in an earlier run is
never settled again (`batches`): what stands is what the ledger's transactions did. Every
report, workbook, CSV and dashboard figure of credits (issued, delivered, retired, owed, and
money derived from them) comes from here; the plan is printed only beside it, named as the plan.

`read` takes what the ledger holds of a scenario once; the functions below are pure.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from offset.ledger import queries
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.queries import AgreementMove
from offset.ledger.rows import IssuanceEvent, Retirement
from offset.scenario.model import Scenario
from offset.scenario.restate import Standing, standing


@dataclass(frozen=True)
class LedgerHeld:
    """What the ledger holds of one scenario: its issuance history (issuances, reversals,
    restatements' cancellations), the transactions naming its agreements, and the retirements
    of its projects' credits."""

    issuances: tuple[IssuanceEvent, ...] = ()
    moves: tuple[AgreementMove, ...] = ()
    retirements: tuple[Retirement, ...] = ()
    first_seq: int | None = None  # the scenario's first transaction: what a report proves from

    @property
    def standing(self) -> dict[tuple[str, int], Standing]:
        return standing(self.issuances)


def read(ledger: Ledger, scenario: Scenario) -> LedgerHeld:
    """One read (one committed state) of everything the scenario's documents print about
    credits."""
    with reading(ledger.engine) as conn:
        return read_in(conn, scenario)


def read_in(conn: Connection, scenario: Scenario) -> LedgerHeld:
    """`read` in the committed state `conn` reads (a caller's, that reads more in it)."""
    issuances = queries.issuance_history(conn, f"{scenario.name}:")
    moves = queries.agreement_moves(conn, scenario.agreements)
    retired = [r for r in queries.retirements(conn) if r.project in scenario.projects]
    first = queries.first_seq(conn, f"{scenario.name}:")
    return LedgerHeld(tuple(issuances), tuple(moves), tuple(retired), first)


@dataclass(frozen=True)
class AgreementYear:
    """What the ledger's transactions naming an agreement did with one vintage (credits)."""

    delivered: int = 0  # transfers and on-behalf retirements by those who deliver
    retired: int = 0  # retirements naming it, by any of its parties


def agreement_years(
    moves: Iterable[AgreementMove], deliverers: Collection[str], parties: Collection[str]
) -> dict[int, AgreementYear]:
    """Per vintage FY, what one agreement's transactions did: delivered (transfers and
    on-behalf retirements by its provider or another party that delivers) and retired (every
    retirement by one of its parties: the provider's on the partner's behalf, the partner's own
    against it). A transaction by a party outside the agreement counts for nothing, whatever
    it names."""
    delivered: dict[int, int] = {}
    retired: dict[int, int] = {}
    for move in moves:
        if move.party not in parties:
            continue
        if move.party in deliverers and move.kind in ("transfer", "retire"):
            delivered[move.vintage] = delivered.get(move.vintage, 0) + move.quantity
        if move.kind == "retire":
            retired[move.vintage] = retired.get(move.vintage, 0) + move.quantity
    years = sorted(delivered.keys() | retired.keys())
    return {fy: AgreementYear(delivered.get(fy, 0), retired.get(fy, 0)) for fy in years}


def by_agreement(held: LedgerHeld, scenario: Scenario) -> dict[tuple[str, int], AgreementYear]:
    """`agreement_years` of each of the scenario's agreements, by (agreement, vintage FY)."""
    out: dict[tuple[str, int], AgreementYear] = {}
    moves: dict[str, list[AgreementMove]] = {}  # by agreement, in the ledger's order: one pass
    for move in held.moves:  # (a national run: 1,741 agreements, each filtering every move)
        moves.setdefault(move.agreement, []).append(move)
    for name, agreement in scenario.agreements.items():
        deliverers = {agreement.provider, *agreement.others} - {agreement.beneficiary}
        parties = {agreement.provider, agreement.beneficiary, *agreement.others}
        own = moves.get(name, [])
        for fy, year in agreement_years(own, deliverers, parties).items():
            out[(name, fy)] = year
    return out


def issued(held: LedgerHeld) -> dict[tuple[str, int], tuple[int, int]]:
    """Per (project, vintage FY): the credits issued and not taken back, and of them the
    buffer's (restatements and reversals of the issuance netted)."""
    return {key: (s.quantity, s.buffer) for key, s in held.standing.items()}


def retired_by_vintage(held: LedgerHeld) -> dict[int, int]:
    """Credits of the scenario's projects retired, per vintage FY, by whoever retired them
    (the beneficiary, the provider on its behalf, anyone who held them), under an agreement
    or not."""
    out: dict[int, int] = {}
    for r in held.retirements:
        out[r.vintage] = out.get(r.vintage, 0) + r.quantity
    return out
