"""`offset run` as a Python API: a scenario in; credits posted, a report written, an outcome out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import inspect

from offset import __version__
from offset.common.messages import Lang, Msg
from offset.common.problems import InputError, Problem, after_cells
from offset.documents import tables
from offset.documents.output import DEFAULT_CSV_ENCODING, UnwritableText
from offset.documents.report import Report
from offset.documents.tables import titles as titles_of
from offset.documents.terms import term
from offset.documents.times import created_now
from offset.factors import FactorLibrary, years
from offset.factors.years import FactorYear
from offset.intake.unread import KEYS as UNREAD
from offset.jobs import halves, unchanged
from offset.jobs.results_files import Staged, changed, staged
from offset.ledger import proof
from offset.ledger.database import at_head, redacted
from offset.ledger.ledger import Ledger
from offset.ledger.names import REGISTRY
from offset.ledger.rows import AccountRow, BalanceLine, Retirement
from offset.scenario import ledger_figures, run_records, run_state
from offset.scenario.batches import Batch, post, reconcile
from offset.scenario.compute import (
    ProjectData,
    active_years,
    compute_years,
    in_order,
    load_data,
    unclaimed_rows,
    unused_rows,
)
from offset.scenario.kept import KeptYear, kept
from offset.scenario.ledger_figures import LedgerHeld
from offset.scenario.model import Scenario
from offset.scenario.restate import Restatement
from offset.scenario.year_plan import YearPlan, plan_run

# notices of a project's input a run repeats among its warnings: columns not read, rows that
# look pasted under a new number, rows of another town credited to the owner
REPEATED = UNREAD | {"notice.look_alike", "notice.other_municipality"}


@dataclass(frozen=True)
class RunOutcome:
    scenario: Scenario
    out: Path
    database: str
    plans: list[YearPlan]
    batches: list[Batch]
    statuses: dict[str, str]  # transaction id -> ok (posted now) or exists (posted before)
    tables: dict[str, pd.DataFrame]
    warnings: list[str]
    dry_run: bool = False
    # nothing changed since the run that left `run_state` in `out`: nothing computed or posted,
    # the scenario's entries checked up to the chain head, the report left as it was written
    unchanged: bool = False
    # the report's ledger entries do not verify: why, naming the entry (`_unproven`); the
    # report is written marked, and the CLI exits non-zero
    unverified: Msg | None = None
    # `unchanged`: when the run that wrote the report (left as it was) wrote it (ISO time)
    report_written: str | None = None

    @property
    def restatements(self) -> list[Restatement]:
        return [r for batch in self.batches for r in batch.restatements]

    @property
    def to_post(self) -> int:
        return sum(len(batch.operations) for batch in self.batches)

    @property
    def posted(self) -> int:
        return _count(self.statuses, "ok")

    @property
    def already_there(self) -> int:
        return _count(self.statuses, "exists")


def _count(statuses: dict[str, str], status: str) -> int:
    return sum(1 for s in statuses.values() if s == status)


def default_database(scenario: Scenario, out: Path) -> str:
    return scenario.options.database or f"sqlite:///{out / 'ledger.db'}"


def step_count(scenario: Scenario) -> int:
    """How many progress steps a run has: one per project and FY computed, one per FY posted."""
    computed = sum(len(active_years(scenario, p)) for p in scenario.projects)
    return computed + len(scenario.fiscal_years) + 1


def run_scenario(
    scenario: Scenario,
    *,
    out: Path,
    database: str | None = None,
    step: Callable[[str], None] = lambda description: None,
    recorded_on: dt.date | None = None,
    dry_run: bool = False,
    strict_factors: bool = False,
    factor_year: FactorYear | None = None,
    csv_encoding: str = DEFAULT_CSV_ENCODING,
    pdf: bool = False,
    lang: str | None = None,
) -> RunOutcome:
    """Compute, issue (or restate), settle and report (with `pdf`, report.pdf too) in `lang`
    (None: `Scenario.language`'s default). InputError:
    bad input, nothing posted or written. With `dry_run`, the ledger is read and nothing is
    written anywhere.

    RunError (from `batches.post`): the ledger refused an operation; FYs before it stay posted.
    """
    if factor_year is not None:
        scenario = scenario.with_factor_year(factor_year)
    url = database or default_database(scenario, out)
    factors = FactorLibrary(overlay=scenario.factor_overlay())
    if scenario.factor_overlay() is not None and (problems := factors.check_overlay()):
        raise InputError(problems)
    if problems := factors.check():  # every table loads (the manifest lists them all)
        raise InputError(problems)
    language = scenario.language(lang)
    settings = {
        "strict_factors": strict_factors, "csv_encoding": csv_encoding, "pdf": pdf,
        "lang": language, "recorded_on": recorded_on, "database": redacted(url),
    }  # fmt: skip
    fingerprint = run_state.fingerprint(scenario, factors, settings)
    if not dry_run and (same := unchanged.answer(scenario, out, url, fingerprint, language)):
        step("nothing changed since the last run: checking the ledger")
        return RunOutcome(
            scenario, out, url, [], [], same.statuses, same.tables, same.warnings, unchanged=True,
            report_written=same.written,
        )  # fmt: skip
    with staged(out, dry_run) as files:
        data, computed = _computed(scenario, factors, step, strict_factors, files)
        plans = plan_run(scenario, computed, data, factors)
        files.flush()  # every results file written (or the writer's error) before any posting
        if dry_run:
            return _dry_run(scenario, url, out, computed, plans, data, language, files)
        return _posted(
            scenario, out, url, data, factors, computed, plans, files, step,
            recorded_on, fingerprint, csv_encoding, pdf, language,
        )  # fmt: skip


def _posted(
    scenario: Scenario,
    out: Path,
    url: str,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    computed: dict[tuple[str, int], KeptYear],
    plans: list[YearPlan],
    files: Staged,
    step: Callable[[str], None],
    recorded_on: dt.date | None,
    fingerprint: str,
    csv_encoding: str,
    pdf: bool,
    language: Lang,
) -> RunOutcome:
    """The run's FYs posted, its results files moved into `out` and its report written."""
    out.mkdir(parents=True, exist_ok=True)
    run_state.forget(out)  # until this run has finished
    ledger = Ledger.open(url)
    try:
        batches = reconcile(
            ledger, scenario, plans, lambda p, fy: changed(out, files, (p, fy), data[p], scenario)
        )
        statuses = post(
            ledger,
            scenario,
            batches,
            step=lambda fy, n: step(f"FY{fy}: issuing and settling ({n} transactions)"),
            recorded_on=recorded_on,
        )
        # the titles outputs print, chained (`ledger.titles`) before the head is read and kept
        ledger.apply(run_records.describing(scenario))
        books = (ledger.balances(), ledger.accounts(), ledger.retirements())
        held = ledger_figures.read(ledger, scenario)
        checked = _checked(ledger, held)
        unproven = _problems(checked)
        report_tables = _tables(scenario, computed, plans, batches, statuses, books, held, language)
        fulfilment = [item for plan in plans for item in plan.settlement.fulfilment]
        # what the HTTP API shows
        run_records.store(ledger.engine, scenario, fulfilment, report_tables["reductions"])
    finally:
        ledger.engine.dispose()
    files.place(out)  # where the results files were written once the run had posted
    warnings = unproven + _later(held, plans) + _warnings(scenario, data, computed, plans, batches)
    manifest = _manifest(scenario, url, data, factors, statuses, warnings)
    manifest["ledger_verified"] = not unproven
    _write_report(scenario, out, report_tables, manifest, warnings, csv_encoding, pdf, language)
    if checked is not None and checked.verified and held.first_seq is not None:
        _keep_state(out, fingerprint, redacted(url), checked, held.first_seq, statuses, warnings,
                    report_tables)  # fmt: skip
    return RunOutcome(
        scenario, out, url, plans, batches, statuses, report_tables, warnings,
        unverified=unproven[0] if unproven else None,
    )  # fmt: skip


def _computed(
    scenario: Scenario,
    factors: FactorLibrary,
    step: Callable[[str], None],
    strict_factors: bool,
    files: Staged,
) -> tuple[dict[str, ProjectData], dict[tuple[str, int], KeptYear]]:
    """Every data file read and checked, then every project computed for every FY, its results
    files written (`files`) and its rows dropped a piece at a time (`compute_years`): InputError
    with the cells' problems and the methods' own, in one pass. A large run computes half its
    data files in a second process (`halves`)."""
    step("reading the data files")
    data, problems = load_data(scenario, factors)
    computed: dict[tuple[str, int], KeptYear] = {}
    found: list[Problem] = []  # the methods' own problems, of either half
    write = not problems  # a run that will be refused writes nothing

    def stepped(fy: int, project: str) -> None:
        step(f"FY{fy}: computing {project}")

    with halves.started(
        scenario, data, factors, strict_factors, files.directory if write else None
    ) as (mine, second, max_rows):
        try:
            for _, years in compute_years(
                scenario, mine, factors, stepped, strict_factors, max_rows
            ):
                computed |= {key: kept(scenario, year) for key, year in years.items()}
                if write:
                    files.write(scenario, years, mine)  # in the writer's thread, from here on
                del years  # the piece's rows (the writer's once written)
                for fy, project in second.steps() if second is not None else ():
                    stepped(fy, project)  # and its error, if it failed
        except InputError as e:
            found += e.problems
        if second is not None:
            pairs, theirs, paths = second.finished()
            for fy, project in second.steps():
                stepped(fy, project)
            computed |= pairs
            found += theirs
            files.adopt(paths)
    if problems or found:
        raise InputError(after_cells(problems, dict.fromkeys(found)))
    return data, in_order(scenario, computed)


def _write_report(
    scenario: Scenario,
    out: Path,
    tables: dict[str, pd.DataFrame],
    manifest: dict[str, Any],
    warnings: list[str],
    csv_encoding: str,
    pdf: bool,
    lang: Lang,
) -> None:
    """The report under `out` in `lang`; a table the CSV encoding cannot hold is written in
    UTF-8 instead, and `warnings` (the manifest's too) say so."""
    report = Report(
        title=scenario.content.scenario.title or scenario.name,
        description=scenario.content.scenario.description,
        tables=tables,
        manifest=manifest,
        warnings=warnings,
        csv_encoding=csv_encoding,  # results/ stay UTF-8 with BOM: a re-run reads them back
        lang=lang,
        party_names=party_names(scenario, lang),
        titles=titles_of(scenario),
        target=target_words(scenario, lang),
    )
    try:
        report.write(out, pdf=pdf)
    except UnwritableText as e:  # the ledger has posted: write the tables in full, and say so
        warnings.append(Msg("warn.csv_encoding", encoding=csv_encoding, reason=str(e)))
        report.csv_encoding = DEFAULT_CSV_ENCODING
        report.write(out, pdf=pdf)


def party_names(scenario: Scenario, lang: Lang) -> dict[str, str]:
    """Each party's name by key, the ledger's registry included."""
    names = {REGISTRY: term("party.registry", lang)}
    return names | {key: party.name for key, party in scenario.parties.items()}


def target_words(scenario: Scenario, lang: Lang) -> str:
    """The scenario's 実行計画 target in a sentence ("" when it gives none)."""
    if (target := scenario.target) is None:
        return ""
    base = ""
    if target.base_emissions_tco2e is not None:
        base = term("report.base_emissions", lang, emissions=target.base_emissions_tco2e)
    return term(
        "report.target", lang, goal=target.goal_tco2e, goal_fy=target.goal_fy,
        base_fy=target.base_fy, base=base,
    )  # fmt: skip


def _dry_run(
    scenario: Scenario,
    url: str,
    out: Path,
    computed: dict[tuple[str, int], KeptYear],
    plans: list[YearPlan],
    data: dict[str, ProjectData],
    language: Lang,
    files: Staged,
) -> RunOutcome:
    """What a run would post and restate, from a read of the ledger; nothing is written."""
    ledger = _read_only(url)
    try:
        batches = reconcile(
            ledger, scenario, plans, lambda p, fy: changed(out, files, (p, fy), data[p], scenario)
        )
        # the titles outputs print, chained (`ledger.titles`) before the head is read and kept
        ledger.apply(run_records.describing(scenario))
        books = (ledger.balances(), ledger.accounts(), ledger.retirements())
        held = ledger_figures.read(ledger, scenario)
        unproven = _unproven(ledger, held)
    finally:
        ledger.engine.dispose()
    statuses = {id_: "exists" for batch in batches for id_ in batch.exists}
    statuses |= {op["id"]: "would post" for batch in batches for op in batch.operations}
    report_tables = _tables(scenario, computed, plans, batches, statuses, books, held, language)
    warnings = unproven + _later(held, plans) + _warnings(scenario, data, computed, plans, batches)
    return RunOutcome(
        scenario, out, url, plans, batches, statuses, report_tables, warnings, dry_run=True,
        unverified=unproven[0] if unproven else None,
    )  # fmt: skip


def _checked(ledger: Ledger, held: LedgerHeld) -> proof.Proof | None:
    """The report's figures come from the scenario's entries: they are checked, with their link
    to the chain head (`ledger.proof`); None when the ledger holds none of them."""
    if held.first_seq is None:
        return None
    return proof.entry_problems(ledger.engine, [held.first_seq])


def _problems(found: proof.Proof | None) -> list[Msg]:
    """The run has posted, so a report from a ledger that does not verify is written all the
    same, marked: this warning first, and its banner."""
    if found is None or found.verified:
        return []
    more = len(found.problems) - 1
    return [
        Msg("proof.unverified", what=Msg("proof.report"), entry=found.entry,
            problem=found.problems[0], more=Msg("proof.more", count=more) if more else "")
    ]  # fmt: skip


def _unproven(ledger: Ledger, held: LedgerHeld) -> list[Msg]:
    return _problems(_checked(ledger, held))


def _keep_state(
    out: Path,
    fingerprint: str,
    database: str,
    checked: proof.Proof,
    first_seq: int,
    statuses: dict[str, str],
    warnings: list[str],
    report_tables: dict[str, pd.DataFrame],
) -> None:
    """What a re-run needs to know that nothing changed (`run_state`); none when the tables
    cannot be kept (a re-run then runs in full)."""
    state = run_state.RunState(
        fingerprint, database, (checked.head_seq, checked.head_hash), first_seq,
        tuple(statuses), run_state.stored_warnings(warnings), tuple(report_tables),
    )  # fmt: skip
    try:
        run_state.write(out, state, report_tables)
    except (OSError, ValueError, TypeError, NotImplementedError):  # pyarrow's are these too
        run_state.forget(out)


def _read_only(url: str) -> Ledger:
    """The ledger at `url` to read, never created or migrated: a database that holds no ledger
    yet (or a SQLite file that is not there) reads as an empty one, in memory."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return Ledger.open("sqlite://")
    ledger = Ledger.open(url, migrate=False)
    if at_head(ledger.engine):
        return ledger
    empty = not inspect(ledger.engine).has_table("transactions")
    ledger.engine.dispose()
    if empty:
        return Ledger.open("sqlite://")
    problem = Problem(
        redacted(url), None, None, "the ledger's schema is older than this offset: a run without"
        " --dry-run migrates it first", key="--db",
    )  # fmt: skip
    raise InputError([problem])


def _tables(
    scenario: Scenario,
    computed: dict[tuple[str, int], KeptYear],
    plans: list[YearPlan],
    batches: list[Batch],
    statuses: dict[str, str],
    books: tuple[list[BalanceLine], list[AccountRow], list[Retirement]],
    held: LedgerHeld,
    lang: Lang,
) -> dict[str, pd.DataFrame]:
    """The report's tables: figures of credits from the ledger (`held`, `books`), the plan's
    only beside them where they differ; restatements' reasons in `lang`."""
    reductions = tables.reductions(scenario, computed)
    issuance = tables.issuance(scenario, plans, statuses, held)
    fulfilment = tables.fulfilment(scenario, plans, held)
    summary = tables.per_year(reductions, fulfilment, held)
    keyed = {
        "summary": summary,
        "plan": tables.plan(scenario, computed, summary),
        "reductions": reductions,
        "issuance": issuance,
        "fulfilment": fulfilment,
        "deliveries": tables.deliveries(plans),
        "balances": tables.balances(scenario, *books),
        "restatements": tables.restatements(scenario, held, batches, lang),
    }
    return {name: tables.with_titles(frame, scenario) for name, frame in keyed.items()}


def _later(held: LedgerHeld, plans: list[YearPlan]) -> list[str]:
    """A note when the ledger holds FYs of the scenario after the last one this run computed
    (`--fy` an earlier year): the report shows their credits beside no reductions."""
    if not plans:
        return []
    fy = max(plan.fy for plan in plans)
    later = sorted({vintage for _, vintage in held.standing if vintage > fy})
    if not later:
        return []
    if len(later) == 1:
        return [Msg("warn.later_fy", fy=fy, last=later[0])]
    return [Msg("warn.later_fys", fy=fy, first=later[0], last=later[-1])]


def _warnings(
    scenario: Scenario,
    data: dict[str, ProjectData],
    computed: dict[tuple[str, int], KeptYear],
    plans: list[YearPlan],
    batches: list[Batch],
) -> list[str]:
    out: list[str] = []
    for path, count in unclaimed_rows(scenario, data).items():
        out.append(Msg("warn.unclaimed_rows", file=path.name, count=count))
    read: set[int] = set()  # a file several projects share (`rows`): its notices said once
    for name, project_data in data.items():
        if id(project_data.prepared) not in read:
            read.add(id(project_data.prepared))
            out += [Msg("warn.project_input", project=name, notice=n)
                    for n in project_data.prepared.notices if n.key in REPEATED]  # fmt: skip
        if unused := unused_rows(scenario, project_data):
            out.append(Msg("warn.unused_rows", project=name, count=unused,
                           file=project_data.path.name))  # fmt: skip
    for (project, fy), year in computed.items():
        out += [Msg("warn.project_fy", project=project, fy=fy, warning=w)
                for w in year.warnings]  # fmt: skip
    for plan in plans:
        for item in plan.settlement.fulfilment:
            if item.shortfall:
                fate = (
                    Msg("warn.carried", fy=item.fy + 1) if item.carried_out else Msg("warn.unmet")
                )
                out.append(
                    Msg("warn.shortfall", agreement=item.agreement, fy=item.fy,
                        shortfall=item.shortfall, committed=item.committed,
                        delivered=item.delivered, fate=fate)
                )  # fmt: skip
    for batch in batches:
        out += batch.notes
        for r in batch.restatements:
            if r.shortfall:
                out.append(
                    Msg("warn.restated_shortfall", project=r.project, fy=r.fy, before=r.before,
                        after=r.after, shortfall=r.shortfall, owner=r.owner)
                )  # fmt: skip
    return out


def _manifest(
    scenario: Scenario,
    url: str,
    data: dict[str, ProjectData],
    factors: FactorLibrary,
    statuses: dict[str, str],
    warnings: list[str],
) -> dict[str, Any]:
    # every table was loaded before the run began (`factors.check`): the manifest lists all
    return {
        "engine": {"name": "offset", "version": __version__},
        "created": created_now(),
        "scenario": {
            "name": scenario.name,
            "file": str(scenario.path),
            "sha256": scenario.sha256,
        },
        "fiscal_years": [scenario.fiscal_years.start, scenario.fiscal_years.stop - 1],
        "gwp_metric": scenario.options.gwp_metric,
        "factor_year": years.manifest(scenario.options.factor_year, factors.specs),
        "database": redacted(url),
        "factor_overlay": str(factors.overlay) if factors.overlay else None,
        "factor_tables": factors.manifest(),
        "inputs": [
            {
                "project": name,
                "file": str(item.path),
                "sha256": item.sha256,
                "rows": len(item.frame),
            }
            for name, item in data.items()
        ],
        "transactions": {
            "posted": _count(statuses, "ok"),
            "already_in_ledger": _count(statuses, "exists"),
        },
        "warnings": warnings,
    }
