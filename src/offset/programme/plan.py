"""The operator's 実行計画 figures for the programme: its members' reductions, less what it sold or
transferred (移転分).

J-Credit's rule on a creator's claim: credits the creator transfers away are the buyer's to claim,
so the operator's own reduction figures leave them out. The credit figures here are read from the
ledger (issued, by vintage; moved out of the operator's holding account to another party); the
reduction is the programme's computed figure, a plan figure, and labelled as one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from offset.ledger.codes import Rejected
from offset.ledger.ledger import Ledger
from offset.programme.model import Programme
from offset.programme.monitoring import Monitoring
from offset.scenario.issuance import GRAMS_PER_CREDIT

#: Statement kinds that take credits out of the holding account to someone else (a void brings a
#: reservation back).
OUT_KINDS = ("transfer", "reserve", "void")


@dataclass(frozen=True)
class PlanYear:
    fy: int
    reduction_g: int  # computed reductions of the counting members (a plan figure)
    issued: int  # credits issued to the operator, vintage `fy` (the ledger)
    transferred: int  # of them moved to other parties (移転分; the ledger)

    @property
    def claimable_g(self) -> int:
        """What the operator may count as its own reduction in its 実行計画."""
        return max(self.reduction_g - self.transferred * GRAMS_PER_CREDIT, 0)


def plan_years(
    ledger: Ledger, programme: Programme, monitorings: list[Monitoring]
) -> list[PlanYear]:
    """Per FY: reductions computed, credits issued and transferred as the ledger holds them."""
    reduced: dict[int, int] = defaultdict(int)
    for monitoring in monitorings:
        sums = monitoring.lines.groupby("fy")["reduction_g"].sum()
        for fy, grams in zip(sums.index.to_numpy(), sums.to_numpy(), strict=True):
            reduced[int(fy)] += int(grams)
    issued: dict[int, int] = defaultdict(int)
    for event in ledger.issuance_history(f"{programme.name}:"):
        sign = 1 if event.kind == "issue" else -1
        issued[event.vintage] += sign * event.quantity
    moved: dict[int, int] = defaultdict(int)
    try:
        lines = ledger.statement(programme.holding())
    except Rejected:  # nothing issued yet: no account
        lines = []
    for line in lines:
        if line.project == programme.name and line.kind in OUT_KINDS:
            moved[line.vintage] -= line.amount
    years = sorted(set(reduced) | set(issued) | set(moved))
    return [PlanYear(fy, reduced[fy], issued[fy], moved[fy]) for fy in years]
