"""A programme read, checked and computed in one pass (`load`); `posting` issues its verified
periods.

`load` reads the subsidy list, the consent list and the list of activities registered elsewhere,
reports every problem of all three at once (nothing is computed or posted), makes the registry's
checks, and computes each monitoring period.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import InputError, Problem, raise_if_any
from offset.factors import FactorLibrary
from offset.intake.inputs import sha256_of
from offset.programme import activities as activity_list
from offset.programme import members as member_list
from offset.programme.activities import Activities
from offset.programme.checks import Refusals, elsewhere_list, refuse
from offset.programme.members import Members
from offset.programme.model import Programme
from offset.programme.monitoring import Monitoring, fiscal_years_of, monitor
from offset.programme.verification import Verified, settle


@dataclass(frozen=True)
class Run:
    programme: Programme
    members: Members
    activities: Activities
    refusals: Refusals
    monitorings: tuple[Monitoring, ...]
    verified: tuple[Verified, ...]
    lists_sha256: dict[str, str]  # the subsidy and consent lists' SHA-256, by their role

    def monitoring(self, period: str) -> Monitoring:
        self.programme.period(period)  # an unknown period: InputError naming the known ones
        return next(m for m in self.monitorings if m.period.name == period)

    def verified_of(self, period: str) -> Verified:
        return next(v for v in self.verified if v.period == period)


def load(programme: Programme, factors: FactorLibrary | None = None) -> Run:
    """Read, check and compute the programme; InputError lists every problem of its lists."""
    factors = factors or FactorLibrary()
    problems: list[Problem] = []
    subsidy = programme.list_path("activities")
    consents = programme.list_path("consents")
    assert subsidy is not None  # required by the model
    assert consents is not None
    prepared, found = activity_list.read(programme, subsidy, factors)
    problems += found
    try:
        members, found = member_list.read(consents, prepared)
    except InputError as e:
        raise InputError([*problems, *e.problems]) from e
    problems += found
    try:
        elsewhere, found = elsewhere_list(programme.list_path("elsewhere"))
    except InputError as e:
        elsewhere, found = None, list(e.problems)
    problems += found
    if problems or members is None:
        raise InputError(problems)
    # the periods' FYs; without periods, the crediting period's first (the limit is checked)
    first_fy = fiscal.fiscal_year(programme.header.crediting_period[0])
    fys = sorted({fy for p in programme.periods for fy in fiscal_years_of(p)} or {first_fy})
    computed = activity_list.compute(programme, prepared, range(fys[0], fys[-1] + 1), factors)
    refusals = refuse(programme, members, computed, elsewhere)
    monitorings = tuple(
        monitor(programme, p, members, refusals.counts, computed) for p in programme.periods
    )
    raise_if_any(list(_unknown_adjustments(programme, monitorings)))
    hashes = {"activities": sha256_of(subsidy), "consents": sha256_of(consents)}
    return Run(
        programme,
        members,
        computed,
        refusals,
        monitorings,
        tuple(settle(list(monitorings))),
        hashes,
    )


def _unknown_adjustments(
    programme: Programme, monitorings: tuple[Monitoring, ...]
) -> Iterator[Problem]:
    """A verifier's figure for a member with no figure in the period (not a member then, or
    refused by the registry's checks) is a typo, not a figure to add."""
    for i, monitoring in enumerate(monitorings):
        found = monitoring.period.verification
        if found is None:
            continue
        present = set(monitoring.lines["member_id"])
        for j, adjustment in enumerate(found.adjustments):
            if adjustment.member not in present:
                yield Problem(
                    str(programme.path),
                    None,
                    None,
                    Msg(
                        "programme.adjusted_absent",
                        member=adjustment.member,
                        period=monitoring.period.name,
                    ),
                    key=f"periods.{i}.verification.adjustments.{j}.member",
                )
