"""The report's tables, as DataFrames: the same ones go to HTML, CSV and Excel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from offset.common import messages
from offset.common.messages import Lang
from offset.documents.credit_columns import (
    FULFILMENT_PLAN,
    ISSUANCE_COLUMNS,
    PLANNED,
    fulfilment_credits,
    issuance_credits,
    plan_credits,
)
from offset.ledger.names import retirement_account
from offset.ledger.rows import AccountRow, BalanceLine, Retirement
from offset.methods import METHODS
from offset.scenario import ledger_figures, restate
from offset.scenario.issuance import GRAMS_PER_CREDIT
from offset.scenario.kept import KeptYear
from offset.scenario.ledger_figures import LedgerHeld
from offset.scenario.model import Scenario
from offset.scenario.year_plan import YearPlan, issue_id

if TYPE_CHECKING:
    from offset.scenario.batches import Batch


# a key column and the column of what outputs print for it (the title, else the key)
TITLED = {"project": "project_title", "agreement": "agreement_title"}


def titles(scenario: Scenario) -> dict[str, dict[str, str]]:
    """What outputs print for each project and agreement (by kind, then key): the scenario's
    `title`, else the key; and for a party a note names as a project's owner, its name."""
    specs: dict[str, Any] = {"project": scenario.projects, "agreement": scenario.agreements}
    return {
        kind: {name: spec.title or name for name, spec in specs[kind].items()} for kind in TITLED
    } | {"owner": {key: party.name for key, party in scenario.parties.items()}}


def with_titles(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """`frame` with each project's and agreement's title beside its key (the scenario's
    `title`, else the key): a CSV keeps both, the pages print the title (`present.shown`)."""
    out = frame.copy()
    titled = titles(scenario)
    for key, title in TITLED.items():
        if key in out and title not in out:
            named = titled[key]
            at = list(out.columns).index(key) + 1
            out.insert(at, title, out[key].map(named).fillna(out[key]))  # vectorised: national
    return out


def reductions(scenario: Scenario, computed: dict[tuple[str, int], KeptYear]) -> pd.DataFrame:
    """Reductions per FY, project and municipality (t-CO2e): grouped by the municipality's code,
    with its official name beside it."""
    summaries = [year.summary for year in computed.values()]
    lengths = [len(summary) for summary in summaries]
    columns = [
        "fy",
        "municipality",
        "municipality_name",
        "method",
        "project",
        "rows",
        "reduction_tco2e",
        "creditable_tco2e",
        "stale_factor_rows",
    ]
    if not summaries:
        return pd.DataFrame(columns=columns)
    # a national run has 52,230 summaries: concatenated per set of columns (a method's), then
    # those few joined, as pandas aligns the columns of each frame of a concatenation
    keys = list(computed)
    shapes: dict[tuple[object, ...], list[int]] = {}
    for at, summary in enumerate(summaries):
        shapes.setdefault(tuple(summary.columns), []).append(at)
    joined = []
    for members in shapes.values():
        part = pd.concat([summaries[at] for at in members]).reset_index()
        counts = [lengths[at] for at in members]
        part["fy"] = np.repeat([keys[at][1] for at in members], counts)
        part["project"] = np.repeat([keys[at][0] for at in members], counts)
        methods = [scenario.projects[keys[at][0]].method for at in members]
        part["method"] = np.repeat(methods, counts)
        joined.append(part)
    frame = pd.concat(joined, ignore_index=True) if len(joined) > 1 else joined[0]
    frame["municipality"] = frame["municipality"].astype(str)  # the code (intake.localities)
    if "municipality_name" not in frame:
        frame["municipality_name"] = frame["municipality"]
    frame["municipality_name"] = frame["municipality_name"].astype(str)
    return frame[columns].sort_values(["fy", "municipality", "project"], ignore_index=True)


def issuance(
    scenario: Scenario, plans: list[YearPlan], statuses: dict[str, str], held: LedgerHeld
) -> pd.DataFrame:
    """Whole credits per project and FY, with the remainders carried in and out: issued and
    its buffer as the ledger holds them (restatements netted); the plan's figure beside it
    only where it differs (`planned_issued`: a run not posted, or a restatement short)."""
    rows = [
        {
            "fy": plan.fy,
            "project": project,
            "owner": scenario.projects[project].owner,
            "instrument": scenario.projects[project].instrument,
            "creditable_tco2e": item.creditable_g / GRAMS_PER_CREDIT,
            "carried_in_tco2e": item.carried_in_g / GRAMS_PER_CREDIT,
            "carried_out_tco2e": item.carried_out_g / GRAMS_PER_CREDIT,
            "status": statuses.get(issue_id(scenario.name, project, plan.fy), "nothing to issue"),
            PLANNED: item.quantity,
        }
        for plan in plans
        for project, item in plan.issuances.items()
    ]
    columns = [c for c in ISSUANCE_COLUMNS if c not in _ISSUANCE_CREDITS] + [PLANNED]
    return issuance_credits(pd.DataFrame(rows, columns=columns), held)


_ISSUANCE_CREDITS = ("issued", "buffer", "to_owner", "planned_issued")


RESTATEMENT_COLUMNS = [
    "fy",
    "project",
    "owner",
    "restates",
    "before",
    "after",
    "change",
    "issued",
    "reversed",
    "cancelled",
    "shortfall",
    "reason",
    "effective_date",
    "restatement",
]


def restatements(
    scenario: Scenario, held: LedgerHeld, batches: list[Batch], lang: Lang
) -> pd.DataFrame:
    """Every restatement of the scenario the ledger holds, whichever run posted it, with the
    date it was posted and the id its transactions share (`restate.history`); then those
    this run would post and has not (a dry run), undated; and those with nothing to post (all
    of the decrease owed: neither the owner nor the buffer holds the credits), undated and
    without an id, so that what is owed is listed by every run that finds it owed, not only
    in the run's warnings. Reasons in `lang` (the stored reasons rendered: a table holds plain
    text)."""
    posted = restate.history(held.issuances)
    owners = {name: project.owner for name, project in scenario.projects.items()}
    rows = [
        _restatement_row(r, owners.get(r.project, ""), r.effective_date, r.restatement, lang)
        for r in posted
    ]
    known = {r.restatement for r in posted}
    rows += [
        _restatement_row(r, r.owner, None, base, lang)
        for batch in batches
        for r in batch.restatements
        if (base := str(r.operations[0]["id"]).rsplit(":", 1)[0] if r.operations else "")
        not in known
    ]
    return pd.DataFrame(rows, columns=RESTATEMENT_COLUMNS)


# the figures a posted restatement (`restate.history`) and a planned one share by name
_RESTATED = ("fy", "project", "restates", "before", "after", "change", "issued", "reversed",
             "cancelled", "shortfall")  # fmt: skip


def _restatement_row(
    r: Any, owner: str, effective_date: object, restatement: str, lang: Lang
) -> dict[str, Any]:
    return {
        **{name: getattr(r, name) for name in _RESTATED},
        "owner": owner,
        "reason": messages.text(r.reason, lang),
        "effective_date": effective_date,
        "restatement": restatement,
    }


def fulfilment(scenario: Scenario, plans: list[YearPlan], held: LedgerHeld) -> pd.DataFrame:
    """Per agreement and FY: the agreement's parties, what it commits (the plan's commitment,
    with a shortfall carried in), then what the ledger's transactions naming it delivered and
    retired (`ledger_figures.by_agreement`), what is short of the commitment and the value of
    the delivered credits. Where the plan would deliver another figure now, it is beside it
    (`planned_delivered`), with why (`plan_note`): `credit_columns.fulfilment_credits`."""
    rows = [
        [f.agreement, scenario.agreements[f.agreement].title or f.agreement, f.fy,
         scenario.agreements[f.agreement].provider, scenario.agreements[f.agreement].beneficiary,
         f.committed, f.carried_in, f.carried_out, f.delivered]
        for plan in plans
        for f in plan.settlement.fulfilment
    ]  # fmt: skip
    planned = pd.DataFrame(rows, columns=[*FULFILMENT_PLAN, PLANNED])
    return fulfilment_credits(planned, scenario, held)


def deliveries(plans: list[YearPlan]) -> pd.DataFrame:
    rows = [
        {
            "fy": d.fy,
            "agreement": d.agreement,
            "project": d.project,
            "quantity": d.quantity,
            "mode": d.mode,
        }
        for plan in plans
        for d in plan.settlement.deliveries
    ]
    return pd.DataFrame(rows, columns=["fy", "agreement", "project", "quantity", "mode"])


def balances(
    scenario: Scenario,
    ledger_balances: list[BalanceLine],
    accounts: list[AccountRow],
    retirements: list[Retirement],
) -> pd.DataFrame:
    """The ledger's balances of the scenario's projects, per party and account (no issuance).

    A retirement is shown under the party it was made for when its beneficiary names one of
    the scenario's parties (3,000 t Matsumoto retired for Toshima are Toshima's offset), else
    under the party that retired it; its beneficiary (free text on the retirement) is shown as
    such, never as a party. Retirements are final (never reversed or moved), so they add up to
    the retirement accounts' balances exactly."""
    owner = {a.id: (a.party, a.kind) for a in accounts}
    by_name = {party.name: key for key, party in scenario.parties.items()}
    rows = [
        {
            "party": owner[b.account][0],
            "account": b.account,
            "kind": owner[b.account][1],
            "project": b.project,
            "vintage": b.vintage,
            "quantity": b.quantity,
            "retired_by": "",
            "beneficiary": "",
        }
        for b in ledger_balances
        if b.project in scenario.projects and owner[b.account][1] not in ("issuance", "retirement")
    ]
    rows += [
        {
            "party": by_name.get(r.beneficiary, r.party),
            "account": retirement_account(r.party),
            "kind": "retirement",
            "project": r.project,
            "vintage": r.vintage,
            "quantity": r.quantity,
            "retired_by": r.party,
            "beneficiary": r.beneficiary,
        }
        for r in retirements
        if r.project in scenario.projects
    ]
    columns = ["party", "account", "kind", "project", "vintage", "quantity", "retired_by",
               "beneficiary"]  # fmt: skip
    keys = [c for c in columns if c != "quantity"]
    frame = (
        pd.DataFrame(rows, columns=columns)
        .groupby(keys, as_index=False, sort=False)
        .agg(quantity=("quantity", "sum"))
    )
    names = {key: party.name for key, party in scenario.parties.items()}
    frame.insert(1, "name", frame["party"].map(names).fillna(frame["party"]))
    return frame[["party", "name", *columns[1:]]]


def per_year(
    reductions_: pd.DataFrame, fulfilment_: pd.DataFrame, held: LedgerHeld
) -> pd.DataFrame:
    """The run's summary: one row per FY. Credits are the ledger's: issued and buffer of every
    vintage the ledger holds of the scenario (an FY this run did not plan too: a run `until` an
    earlier FY still prints what later FYs issued beside what they delivered), committed,
    delivered and short under the agreements, and every retirement of the scenario's credits of
    the vintage, whoever retired them."""
    red = reductions_.groupby("fy")[["reduction_tco2e", "creditable_tco2e"]].sum()
    stands = ledger_figures.issued(held)
    iss = (
        pd.DataFrame(
            [(fy, quantity, buffer) for (_, fy), (quantity, buffer) in stands.items()],
            columns=["fy", "issued", "buffer"],
        )
        .groupby("fy")[["issued", "buffer"]]
        .sum()
    )
    ful = fulfilment_.groupby("fy")[["committed", "delivered", "shortfall"]].sum()
    retired = pd.Series(ledger_figures.retired_by_vintage(held), name="retired", dtype="int64")
    frame = red.join(iss, how="outer").join(ful, how="outer")
    frame = frame.join(retired.rename_axis("fy"), how="left").fillna(0)
    integer = ["issued", "buffer", "committed", "delivered", "retired", "shortfall"]
    frame[integer] = frame[integer].astype("int64")
    return frame[["reduction_tco2e", "creditable_tco2e", *integer]].reset_index()


SECTORS = ("residential", "commercial", "industrial", "transport", "unassigned")


def plan(
    scenario: Scenario, computed: dict[tuple[str, int], KeptYear], summary: pd.DataFrame
) -> pd.DataFrame:
    """The 地球温暖化対策実行計画's figures per FY: each method's own figures (PV capacity in
    service and new, generation, renovation savings: `Method.plan`), reductions per sector and
    per method, removals on their own line, credits issued, delivered and retired, and progress
    against the scenario's target."""
    figures = [figure for method in METHODS.values() for figure in method.plan]
    lines = [f"{m.name}_tco2e" for m in METHODS.values() if m.reductions_line is not None]
    columns = [*(f.column for f in figures), *(f"{s}_tco2e" for s in SECTORS), *lines,
               "emission_reduction_tco2e", "removals_tco2e", "total_tco2e"]  # fmt: skip
    years = list(scenario.fiscal_years)
    totals = {column: np.zeros(len(years)) for column in columns}
    for (project, fy), year in computed.items():
        spec, at = scenario.projects[project], years.index(fy)
        method, reduced = METHODS[spec.method], year.reduction_tco2e
        if method.removals:
            totals["removals_tco2e"][at] += reduced
            continue
        totals[f"{spec.sector or 'unassigned'}_tco2e"][at] += reduced
        if method.reductions_line is not None:
            totals[f"{method.name}_tco2e"][at] += reduced
        for figure in method.plan:
            totals[figure.column][at] += year.plan[figure.column]
    frame = pd.DataFrame(totals, index=pd.Index(years, name="fy"))
    sectors = [f"{s}_tco2e" for s in SECTORS]
    frame["emission_reduction_tco2e"] = frame[sectors].sum(axis=1)
    frame["total_tco2e"] = frame["emission_reduction_tco2e"] + frame["removals_tco2e"]
    counts = [figure.column for figure in figures if figure.count]
    frame[counts] = frame[counts].astype("int64")
    frame = plan_credits(frame, summary)
    if (target := scenario.target) is not None:
        frame["target_tco2e"] = target.goal_tco2e
        frame["target_progress"] = frame["total_tco2e"] / target.goal_tco2e
        if target.base_emissions_tco2e is not None:
            frame["share_of_base"] = frame["total_tco2e"] / target.base_emissions_tco2e
    return frame.reset_index()
