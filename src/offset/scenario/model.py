"""A scenario file (TOML): parties, projects with their data files, agreements, FYs, options.

`Scenario.from_toml` checks the shape with pydantic (unknown keys are refused, so a typo is an
error, not a silent default) and then the cross-references, and reports every problem at once,
each with the file and the dotted key.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from offset.common.messages import Lang, lang_of
from offset.common.problems import InputError, Problem
from offset.common.toml_files import read_toml
from offset.factors import FactorLibrary
from offset.factors.years import DEFAULT_FACTOR_YEAR, FactorYear, credit_rule
from offset.ledger import uses
from offset.ledger.schema import INSTRUMENTS
from offset.methods import METHODS, buffer
from offset.units import DEFAULT_GWP_METRIC, GWP_METRICS

FiscalYear = Annotated[int, Field(ge=1990, le=2100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Sector = Literal["residential", "commercial", "industrial", "transport"]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(_Table):
    name: Slug
    title: str = ""
    description: str = ""
    fiscal_years: tuple[FiscalYear, FiscalYear]
    lang: Literal["ja", "en"] | None = None  # the report's language (default: see `language`)


class Options(_Table):
    gwp_metric: str = DEFAULT_GWP_METRIC
    factor_year: FactorYear = DEFAULT_FACTOR_YEAR  # which year's grid factor a FY's figures use
    # a supplier no list gives: refused, or the FY's 代替値 (never under --strict-factors)
    unknown_supplier: Literal["refuse", "alternative"] = "refuse"
    factors: str | None = None  # a factor overlay directory, relative to the scenario file
    database: str | None = None


class Party(_Table):
    kind: Literal["municipality", "company", "prefecture", "registry"]
    name: str = Field(min_length=1)
    jis_code: Annotated[str, Field(pattern=r"^[0-9]{5,6}$")] | None = None
    prefecture: str | None = None


class Rows(_Table):
    """Which rows of a data file are a project's, when the file holds several projects' rows (a
    prefecture's or a 定住自立圏's office list of several towns): those of one municipality."""

    municipality: str = Field(min_length=1)  # 団体コード or name, as the file's cells may say it


class Project(_Table):
    method: str
    data: str
    owner: str
    instrument: str
    sheet: str | None = None  # the Excel sheet of `data` (default: see `sheets`)
    # several sheets, or ["all"]; default: the sheets named for FYs (each its FY's rows), else
    # the first
    sheets: tuple[str, ...] | None = None
    columns: str | None = None  # a --columns map for `data`: the office's headers -> offset's
    # the municipality of every row (団体コード or name): fills a missing column and binds one
    # that is there; default: the owner's jis_code, which only fills
    municipality: str | None = None
    # only these rows of `data` (a file several projects share: read once for all of them)
    rows: Rows | None = None
    # rows of several municipalities credited to the owner on purpose (a 定住自立圏's pooled
    # project): the rows of other towns than the owner's are counted without a notice
    pooled: bool = False
    duplicates: Literal["refuse", "first", "keep", "strict"] = "refuse"  # a repeated identifier
    first_fy: FiscalYear | None = None
    buffer_share: Annotated[float, Field(ge=0, lt=1)] | None = None
    methodology: str | None = None
    title: str = ""  # プロジェクト名, what outputs print (default: the key)
    description: str = ""
    # the 実行計画's sector its reductions count in (forest removals have none)
    sector: Sector | None = None
    # the year rule of its credits (default: the instrument's, `offset.factors.years.CREDIT_RULES`)
    credit_factor_year: FactorYear | None = None


class Target(_Table):
    """The 実行計画's goal for these projects: a yearly amount of reductions and removals by
    `goal_fy`, and (optionally) the base year's emissions it is set against."""

    base_fy: FiscalYear
    goal_fy: FiscalYear
    goal_tco2e: Annotated[int, Field(gt=0, le=10**12)]
    base_emissions_tco2e: Annotated[int, Field(gt=0, le=10**12)] | None = None


class Volume(_Table):
    """What an agreement commits per FY: fixed tonnes, a share of its projects' output, or all."""

    rule: Literal["fixed", "share", "all"]
    tonnes: Annotated[int, Field(gt=0)] | None = None
    share: Annotated[float, Field(gt=0, le=1)] | None = None


class Agreement(_Table):
    provider: str
    beneficiary: str
    others: tuple[str, ...] = ()
    projects: tuple[str, ...] = Field(min_length=1)
    period: tuple[FiscalYear, FiscalYear]
    volume: Volume
    delivery: Literal["transfer", "retire"]
    beneficiary_retires: bool = False  # after a transfer, the beneficiary retires what it got
    carry_shortfall: bool = False
    priority: int = 100
    price_jpy_per_t: Annotated[int, Field(ge=0)] | None = None
    instrument: str | None = None
    title: str = ""
    # J-Credit's 用途 of the retirements it makes (`ledger.uses`): a carbon-offset agreement's
    # credits offset, by default; what they offset (無効化の対象), when the agreement says
    purpose: str = "carbon_offset"
    offset_target: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class ScenarioFile(_Table):
    scenario: Header
    options: Options = Options()
    parties: dict[Slug, Party]
    projects: dict[Slug, Project]
    agreements: dict[Slug, Agreement] = {}
    target: Target | None = None


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: its file's content plus where it lives and the file's hash."""

    path: Path
    content: ScenarioFile
    sha256: str
    last_fy: int | None = None  # `offset run --fy`: the run stops after this FY

    @property
    def name(self) -> str:
        return self.content.scenario.name

    @property
    def fiscal_years(self) -> range:
        first, last = self.content.scenario.fiscal_years
        return range(first, min(last, self.last_fy or last) + 1)

    def until(self, fy: int) -> Scenario:
        """The scenario as a run of `--fy fy` sees it: its FYs up to and including `fy`."""
        first, last = self.content.scenario.fiscal_years
        if not first <= fy <= last:
            problem = Problem(
                str(self.path), None, None, f"FY{fy} is not in {first}-{last}", key="--fy"
            )
            raise InputError([problem])
        return dataclasses.replace(self, last_fy=fy)

    def with_factor_year(self, rule: FactorYear) -> Scenario:
        """The scenario run under `offset run --factor-year rule` (the file is unchanged)."""
        options = self.content.options.model_copy(update={"factor_year": rule})
        return dataclasses.replace(
            self, content=self.content.model_copy(update={"options": options})
        )

    @property
    def parties(self) -> dict[str, Party]:
        return self.content.parties

    @property
    def projects(self) -> dict[str, Project]:
        return self.content.projects

    @property
    def agreements(self) -> dict[str, Agreement]:
        return self.content.agreements

    @property
    def options(self) -> Options:
        return self.content.options

    @property
    def target(self) -> Target | None:
        return self.content.target

    def language(self, explicit: str | None = None) -> Lang:
        """The report's language: `explicit` (--lang), then OFFSET_LANG, then the scenario's."""
        for given in (explicit, os.environ.get("OFFSET_LANG")):
            if (lang := lang_of(given)) is not None:
                return lang
        return self.default_language

    @property
    def default_language(self) -> Lang:
        """The scenario's `lang`, else Japanese when a party is a Japanese municipality (it has a
        全国地方公共団体コード), else English."""
        if self.content.scenario.lang is not None:
            return self.content.scenario.lang
        japanese = any(p.kind == "municipality" and p.jis_code for p in self.parties.values())
        return "ja" if japanese else "en"

    def credit_factor_year(self, project: str) -> tuple[FactorYear, str]:
        """The year rule a project's credits are computed under, and why."""
        spec = self.projects[project]
        if spec.credit_factor_year is not None:
            return spec.credit_factor_year, "the project's credit_factor_year"
        return credit_rule(spec.instrument, self.options.factor_year)

    def data_path(self, project: str) -> Path:
        return self.path.parent / self.projects[project].data

    def shares_data(self, project: str) -> bool:
        """Whether the project takes its rows from a file several projects share (`rows`)."""
        return self.projects[project].rows is not None

    def sheets_of(self, project: str) -> str | tuple[str, ...] | None:
        """The sheet(s) of the project's workbook (None: the default choice)."""
        spec = self.projects[project]
        return spec.sheets if spec.sheets is not None else spec.sheet

    def municipality_parties(self) -> list[tuple[str, str, str]]:
        """(key, name, jis_code) of the scenario's municipalities: a data file's cell with a
        party's key or name means that party's code."""
        return [
            (key, party.name, party.jis_code)
            for key, party in self.parties.items()
            if party.kind == "municipality" and party.jis_code
        ]

    def columns_path(self, project: str) -> Path | None:
        given = self.projects[project].columns
        return None if given is None else self.path.parent / given

    def factor_overlay(self) -> Path | None:
        given = self.options.factors
        return None if given is None else self.path.parent / given

    def buffer_share(self, project: str, factors: FactorLibrary) -> Fraction:
        """The share of the project's whole credits withheld into the buffer at issuance: its
        own, else its method's default (`offset.methods.buffer`), as an exact fraction."""
        spec = self.projects[project]
        return buffer.issuance_share(
            spec.buffer_share, factors, METHODS[spec.method].buffer_default, spec.methodology
        )

    @classmethod
    def from_toml(cls, path: Path | str) -> Scenario:
        """Read and check a scenario file; InputError lists every problem with its key."""
        path = Path(path)
        content, sha256 = read_toml(path, ScenarioFile)
        scenario = cls(path, content, sha256)
        problems = list(_cross_references(scenario))
        if problems:
            raise InputError(problems)
        return scenario


def _cross_references(s: Scenario) -> Iterator[Problem]:
    """Everything pydantic cannot see: names that must exist, files, periods, instruments."""
    file = str(s.path)
    first, last = s.content.scenario.fiscal_years

    def problem(key: str, message: str) -> Problem:
        return Problem(file, None, None, message, key=key)

    if first > last:
        yield problem("scenario.fiscal_years", f"the first FY {first} is after the last {last}")
    if s.target is not None and s.target.base_fy >= s.target.goal_fy:
        yield problem("target.goal_fy", "the goal's FY must come after the base year")
    if s.options.gwp_metric not in GWP_METRICS:
        yield problem("options.gwp_metric", f"unknown; choose one of {', '.join(GWP_METRICS)}")
    overlay = s.factor_overlay()
    if overlay is not None and not overlay.is_dir():
        yield problem("options.factors", f"directory not found: {overlay}")
    for name, party in s.parties.items():
        if party.kind == "municipality" and (party.jis_code is None or party.prefecture is None):
            yield problem(f"parties.{name}", "a municipality needs its jis_code and prefecture")
    for name, project in s.projects.items():
        key = f"projects.{name}"
        if project.method not in METHODS:
            yield problem(f"{key}.method", f"unknown method; choose one of {', '.join(METHODS)}")
        if not s.data_path(name).is_file():
            yield problem(f"{key}.data", f"data file not found: {s.data_path(name)}")
        if project.owner not in s.parties:
            yield problem(f"{key}.owner", f"unknown party {project.owner!r}")
        if (
            project.sector is not None
            and project.method in METHODS
            and METHODS[project.method].removals
        ):
            yield problem(
                f"{key}.sector", "forest removals count on their own line, in no sector: remove it"
            )
        if project.instrument not in INSTRUMENTS:
            yield problem(
                f"{key}.instrument", f"unknown instrument; choose one of {', '.join(INSTRUMENTS)}"
            )
        if project.first_fy is not None and project.first_fy > last:
            yield problem(f"{key}.first_fy", f"after the scenario's last FY {last}")
        if project.sheet is not None and project.sheets is not None:
            yield problem(f"{key}.sheets", "give `sheet` or `sheets`, not both")
        if project.rows is not None and project.municipality is not None:
            yield problem(
                f"{key}.rows", "give `rows` (the rows of one municipality) or `municipality`"
                " (every row's), not both",
            )  # fmt: skip
    for name, agreement in s.agreements.items():
        yield from _agreement_problems(s, name, agreement, problem)


def _agreement_problems(
    s: Scenario, name: str, agreement: Agreement, problem: Callable[[str, str], Problem]
) -> Iterator[Problem]:
    key = f"agreements.{name}"
    first, last = s.content.scenario.fiscal_years
    for role in ("provider", "beneficiary"):
        if getattr(agreement, role) not in s.parties:
            yield problem(f"{key}.{role}", f"unknown party {getattr(agreement, role)!r}")
    for other in agreement.others:
        if other not in s.parties:
            yield problem(f"{key}.others", f"unknown party {other!r}")
    start, stop = agreement.period
    if start > stop:
        yield problem(f"{key}.period", f"the first FY {start} is after the last {stop}")
    if first <= last and (start < first or stop > last):  # else the FY range is the problem
        yield problem(
            f"{key}.period", f"FY{start}-FY{stop} is outside the scenario's FY{first}-FY{last}"
        )
    volume = agreement.volume
    if volume.rule == "fixed" and volume.tonnes is None:
        yield problem(f"{key}.volume.tonnes", "a fixed volume needs `tonnes`")
    if volume.rule == "share" and volume.share is None:
        yield problem(f"{key}.volume.share", "a share volume needs `share`")
    if agreement.beneficiary_retires and agreement.delivery != "transfer":
        yield problem(f"{key}.beneficiary_retires", "applies only to delivery = 'transfer'")
    if agreement.purpose not in (known := uses.purposes()):
        yield problem(
            f"{key}.purpose", f"unknown purpose {agreement.purpose!r}; one of {', '.join(known)}"
        )
    deliverers = {agreement.provider, *agreement.others}
    for project_name in agreement.projects:
        project = s.projects.get(project_name)
        if project is None:
            yield problem(f"{key}.projects", f"unknown project {project_name!r}")
            continue
        if project.owner in s.parties and project.owner not in deliverers:
            yield problem(
                f"{key}.projects",
                f"{project_name} belongs to {project.owner},"
                " who is neither the provider nor one of the others",
            )
        if agreement.instrument is not None and project.instrument != agreement.instrument:
            yield problem(
                f"{key}.instrument",
                f"{project_name} issues {project.instrument}, not {agreement.instrument}",
            )
        transferable = INSTRUMENTS.get(project.instrument, True)
        if agreement.delivery == "transfer" and not transferable:
            yield problem(
                f"{key}.delivery",
                f"{project.instrument} ({project_name}) is not transferable:"
                " use delivery = 'retire'",
            )
