"""A programme read, checked and computed in one pass (`load`), and its verified periods issued
to the operator (`issue`).

`load` reads the subsidy list, the consent list and the list of activities registered elsewhere,
reports every problem of all three at once (nothing is computed or posted), makes the registry's
checks, and computes each monitoring period. `issue` posts each verified period's credits once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem, raise_if_any
from offset.factors import FactorLibrary
from offset.ledger.ledger import Ledger
from offset.programme import activities as activity_list
from offset.programme import members as member_list
from offset.programme.activities import Activities
from offset.programme.checks import Refusals, elsewhere_list, refuse
from offset.programme.members import Members
from offset.programme.model import Programme
from offset.programme.monitoring import Monitoring, fiscal_years_of, monitor
from offset.programme.verification import Verified, issue_operation, settle, setup_operations


@dataclass(frozen=True)
class Run:
    programme: Programme
    members: Members
    activities: Activities
    refusals: Refusals
    monitorings: tuple[Monitoring, ...]
    verified: tuple[Verified, ...]

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
    fys = sorted({fy for p in programme.periods for fy in fiscal_years_of(p)})
    computed = activity_list.compute(
        programme, prepared, range(fys[0], fys[-1] + 1) if fys else range(0), factors
    )
    refusals = refuse(programme, members, computed, elsewhere)
    monitorings = tuple(
        monitor(programme, p, members, refusals.counts, computed) for p in programme.periods
    )
    raise_if_any(list(_unknown_adjustments(programme, monitorings)))
    return Run(
        programme, members, computed, refusals, monitorings, tuple(settle(list(monitorings)))
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


class IssueRefused(Exception):
    """The ledger refused a period's issuance, or holds another figure for it already."""


def issue(ledger: Ledger, run: Run, period: str | None = None) -> dict[str, str]:
    """Post each verified period's credits (or only `period`'s) to the operator; a period issued
    before is left as it is (`exists`), and one issued with another quantity is refused: a
    correction is a restatement. Returns each period's status."""
    programme = run.programme
    wanted = [period] if period is not None else [m.period.name for m in run.monitorings]
    for name in wanted:
        programme.period(name)
    for result in ledger.apply(setup_operations(programme)):
        if result.status not in ("ok", "exists"):
            raise IssueRefused(f"{result.id}: {result.status} ({result.message})")
    ids = {name: programme.issue_id(name) for name in wanted}
    held = ledger.quantities(ids.values())
    statuses: dict[str, str] = {}
    for name in wanted:
        verified, monitoring = run.verified_of(name), run.monitoring(name)
        if verified.verified_g is None:
            statuses[name] = (
                "not_verified" if monitoring.period.verification is None else "rejected"
            )
            continue
        if ids[name] in held:
            if held[ids[name]] != verified.quantity:
                raise IssueRefused(
                    str(
                        Msg(
                            "programme.issued_other",
                            period=name,
                            held=held[ids[name]],
                            now=verified.quantity,
                        )
                    )
                )
            statuses[name] = "exists"
            continue
        if verified.quantity == 0:
            statuses[name] = "nothing_whole"
            continue
        (result,) = ledger.apply([issue_operation(programme, monitoring, verified)], atomic=True)
        if result.status not in ("ok", "exists"):
            raise IssueRefused(f"{result.id}: {result.status} ({result.message})")
        statuses[name] = result.status
    return statuses
