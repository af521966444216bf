"""A programme's verified periods posted to the ledger: each period's credits issued to the
operator once, and a period whose verified figure changes after its issuance restated as a
scenario's FY is (`offset.scenario.restate`: more is issued as `...:restateN:issue`; less is
taken back from the operator's holding account, and what it sold meanwhile is a shortfall,
reported, never taken from the buyer).

A period's issuance is `<programme>:<period>`; what stands of it is the net of that issuance,
its restatements and their reversals, read from the ledger's history. Before anything is
posted, another project's issuance computed from the same subsidy list (its SHA-256) refuses the
whole: the members' reductions would be claimed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from offset.common.messages import Msg
from offset.intake.municipalities import shipped
from offset.ledger import titles
from offset.ledger.ledger import Ledger
from offset.ledger.rows import IssuanceEvent
from offset.ledger.writer import Result
from offset.programme.model import Programme
from offset.programme.run import Run
from offset.programme.verification import issue_operation, setup_operations
from offset.scenario.issuance import Issuance, tonnes
from offset.scenario.restate import restate, standing

OK = ("ok", "exists")


class IssueRefused(Exception):
    """The ledger refused a period's posting, or the list was issued under another project."""


@dataclass(frozen=True)
class Posted:
    """What happened to one period: its status (ok, exists, restated, not_verified, rejected,
    nothing_whole), the credits standing for it now, and what a restatement could not take back
    (sold or retired meanwhile)."""

    status: str
    quantity: int
    shortfall: int = 0


def issue(ledger: Ledger, run: Run, period: str | None = None) -> dict[str, Posted]:
    """Post each period (or only `period`): issue what is verified and not yet issued, restate
    what was issued with another figure. Returns each period's outcome."""
    programme = run.programme
    wanted = [period] if period is not None else [m.period.name for m in run.monitorings]
    for name in wanted:
        programme.period(name)  # an unknown period: InputError naming the known ones
    title = _title(programme)  # what outputs print for it, chained (`ledger.titles`)
    _refused_if_not_ok(
        ledger.apply(setup_operations(programme) + titles.describing("project", [title]))
    )
    with ledger.engine.begin() as conn:
        titles.replace(conn, f"programme:{programme.name}", [title])
    if elsewhere := _list_issued_elsewhere(ledger, run):
        raise IssueRefused(str(Msg("programme.list_issued_elsewhere", id=elsewhere)))
    history = ledger.issuance_history(programme.issue_id(""))
    out: dict[str, Posted] = {}
    for name in wanted:
        out[name] = _post_period(ledger, run, name, history)
    return out


def _post_period(ledger: Ledger, run: Run, name: str, history: list[IssuanceEvent]) -> Posted:
    programme = run.programme
    verified, monitoring = run.verified_of(name), run.monitoring(name)
    operation = issue_operation(programme, monitoring, verified)
    operation["source"] |= {f"{role}_sha256": h for role, h in run.lists_sha256.items()}
    own = programme.issue_id(name)
    events = [e for e in history if _of_period(e, own)]
    stands = standing(events).get((programme.name, int(operation["vintage"])))
    target = verified.quantity if verified.verified_g is not None else 0
    if stands is None:  # never issued
        if verified.verified_g is None:
            found = monitoring.period.verification
            return Posted("not_verified" if found is None else "rejected", 0)
        if target == 0:
            return Posted("nothing_whole", 0)
        _refused_if_not_ok(ledger.apply([operation], atomic=True))
        return Posted("ok", target)
    if stands.quantity == target:
        return Posted("exists", target)
    held = {
        b.vintage: b.quantity
        for b in ledger.balances(account=programme.holding())
        if b.project == programme.name
    }
    grams = verified.verified_g or 0
    wanted = Issuance(grams, verified.carried_in_g, target, 0, verified.carried_out_g)
    before = (stands.source or {}).get("verified_tco2e")
    now = tonnes(grams) if verified.verified_g is not None else None
    correction = restate(
        operation, wanted, stands, programme.header.operator,
        held.get(int(operation["vintage"]), 0), 0,
        lambda: Msg("restate.verified", before=before, now=now, finding=_finding(run, name)),
    )  # fmt: skip
    assert correction is not None  # the quantities differ
    _refused_if_not_ok(ledger.apply(list(correction.operations), atomic=True))
    # what stands now: the target, and what could not be taken back (sold meanwhile)
    return Posted("restated", target + correction.shortfall, correction.shortfall)


def _title(programme: Programme) -> dict[str, str]:
    """The programme's title, and the operator's municipality as where its credits are created
    (its name from the list of local governments, else the operator's)."""
    operator = programme.content.operator
    place = None
    if operator.jis_code:
        found = shipped().with_parties(
            [(programme.header.operator, operator.name, operator.jis_code)]
        )
        place = found.resolve(operator.jis_code).place
    return {
        "name": programme.name,
        "title": programme.header.title,
        "place_code": place.code if place is not None else "",
        "place_name": place.name if place is not None else "",
    }


def _of_period(event: IssuanceEvent, own: str) -> bool:
    """The period's issuance, its restatements (`own:restateN:...`) and their reversals."""
    ids = (event.id, event.reverses or "")
    return any(i == own or i.startswith(f"{own}:") for i in ids)


def _finding(run: Run, name: str) -> Msg:
    found = run.monitoring(name).period.verification
    if found is None:
        return Msg("restate.unverified_period")
    key = f"restate.finding.{found.finding}"  # the result in the reader's words, not its key
    return Msg(key, body=found.body, date=found.date.isoformat())


def _refused_if_not_ok(results: list[Result]) -> None:
    for result in results:
        if result.status not in (*OK, "linked_failed"):
            raise IssueRefused(f"{result.id}: {result.status} ({result.message})")


def _list_issued_elsewhere(ledger: Ledger, run: Run) -> str:
    """The id of an issuance of another project computed from this subsidy list (the same
    SHA-256): its members' reductions would be claimed twice. "" where there is none."""
    mine = run.lists_sha256["activities"]
    prefix = run.programme.issue_id("")
    for event in ledger.issuance_history(""):  # issuances only: few beside the transfers
        source = event.source or {}
        given = source.get("input")
        used: dict[str, object] = given if isinstance(given, dict) else {}
        if (
            event.kind == "issue"
            and not event.id.startswith(prefix)
            and (used.get("sha256") == mine or source.get("activities_sha256") == mine)
        ):
            return event.id
    return ""
