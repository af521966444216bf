"""A programme file (TOML): the programme, its operator, its lists and its monitoring periods.

`ProgrammeFile.from_toml` checks the shape with pydantic (unknown keys are refused) and then the
periods (inside the crediting period, none overlapping another), and reports every problem at
once with the file and the dotted key. A member counts only for days inside its membership and
the crediting period (`days.py`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.common.toml_files import read_toml
from offset.ledger.schema import INSTRUMENTS
from offset.methods import METHODS

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
#: J-Credit's bound on each activity of a programme-type project (t-CO2 a year): "each bundled
#: activity must be expected to reduce <= 500 t-CO2/yr" (a programme-type plan, 123deta.com
#: excerpt; ../shared/reference/factors-and-methods.md).
ACTIVITY_LIMIT_TCO2E = 500.0
#: The J-Credit scheme counts activities carried out on or after 1 April 2013 (its start).
EARLIEST_START = dt.date(2013, 4, 1)


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartRule(_Table):
    """When an activity is too old to join: started before `earliest`, or more than
    `window_years` before its member joined (None: no window)."""

    earliest: dt.date = EARLIEST_START
    window_years: Annotated[int, Field(ge=0, le=50)] | None = 2


class Header(_Table):
    name: Slug  # the ledger's project name of the programme's credits
    title: str = ""
    operator: Slug  # the party that runs it (運営・管理者), credits go to its holding account
    registration: str = Field(min_length=1, max_length=60)  # 登録番号
    methodology: str = Field(min_length=1, max_length=60)  # e.g. EN-R-002
    method: str  # offset's method that computes an activity's reduction
    instrument: str = "J-Credit"
    crediting_period: tuple[dt.date, dt.date]  # 認証対象期間, both days inclusive
    activity_limit_tco2e: Annotated[float, Field(gt=0)] = ACTIVITY_LIMIT_TCO2E
    start_rule: StartRule = StartRule()
    lang: Literal["ja", "en"] = "ja"


class Operator(_Table):
    kind: Literal["municipality", "company", "prefecture"]
    name: str = Field(min_length=1)
    jis_code: Annotated[str, Field(pattern=r"^[0-9]{5,6}$")] | None = None
    prefecture: str | None = None


class Lists(_Table):
    activities: str  # the office's subsidy list: one row per activity (the method's columns)
    consents: str  # the consent list: one row per member
    elsewhere: str | None = None  # activities registered in other programmes or issued elsewhere


class Adjustment(_Table):
    """A verifier's figure for one member's reduction in the period (t-CO2)."""

    member: str = Field(min_length=1)
    tco2e: Annotated[float, Field(ge=0)]
    reason: str = ""


class Verification(_Table):
    body: str = Field(min_length=1)  # 審査機関
    date: dt.date
    finding: Literal["accepted", "adjusted", "rejected"]
    adjustments: tuple[Adjustment, ...] = ()
    note: str = ""


class Period(_Table):
    name: Slug
    start: dt.date
    end: dt.date  # inclusive
    verification: Verification | None = None


class ProgrammeContent(_Table):
    programme: Header
    operator: Operator
    lists: Lists
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class Programme:
    """A checked programme file: its content, where it lives and the file's hash."""

    path: Path
    content: ProgrammeContent
    sha256: str

    @property
    def header(self) -> Header:
        return self.content.programme

    @property
    def name(self) -> str:
        return self.content.programme.name

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.content.periods

    def period(self, name: str) -> Period:
        for period in self.periods:
            if period.name == name:
                return period
        known = ", ".join(p.name for p in self.periods) or "none"
        raise InputError(
            [
                Problem(
                    str(self.path),
                    None,
                    None,
                    Msg("programme.no_period", period=name, known=known),
                    key="periods",
                )
            ]
        )

    def list_path(self, which: str) -> Path | None:
        given = getattr(self.content.lists, which)
        return None if given is None else self.path.parent / given

    def holding(self) -> str:
        return f"{self.header.operator}/holding"

    def issue_id(self, period: str) -> str:
        """The ledger transaction of a period's issuance: one per period, ever."""
        return f"{self.name}:{period}"

    @classmethod
    def from_toml(cls, path: Path | str) -> Programme:
        """Read and check a programme file; InputError lists every problem with its key."""
        path = Path(path)
        content, sha256 = read_toml(path, ProgrammeContent)
        programme = cls(path, content, sha256)
        problems = list(_problems(programme))
        if problems:
            raise InputError(problems)
        return programme


def _problems(p: Programme) -> Iterator[Problem]:
    file, header = str(p.path), p.header

    def problem(key: str, message: str) -> Problem:
        return Problem(file, None, None, message, key=key)

    if header.method not in METHODS:
        yield problem(
            "programme.method",
            Msg("programme.unknown_method", method=header.method, known=", ".join(METHODS)),
        )
    if header.instrument not in INSTRUMENTS:
        yield problem("programme.instrument", f"unknown instrument {header.instrument!r}")
    first, last = header.crediting_period
    if last < first:
        yield problem("programme.crediting_period", Msg("programme.period_backwards"))
    seen: set[str] = set()
    ordered = sorted(enumerate(p.periods), key=lambda item: item[1].start)
    for i, period in enumerate(p.periods):
        key = f"periods.{i}"
        if period.name in seen:
            yield problem(f"{key}.name", Msg("programme.period_twice", period=period.name))
        seen.add(period.name)
        if period.end < period.start:
            yield problem(key, Msg("programme.period_backwards"))
        if period.start < first or period.end > last:
            yield problem(
                key,
                Msg(
                    "programme.period_outside",
                    period=period.name,
                    first=first.isoformat(),
                    last=last.isoformat(),
                ),
            )
    for (_, before), (i, after) in itertools.pairwise(ordered):
        if after.start <= before.end:
            yield problem(
                f"periods.{i}",
                Msg("programme.period_overlap", period=after.name, other=before.name),
            )
    for i, period in enumerate(p.periods):
        found = period.verification
        if found is not None and found.finding != "adjusted" and found.adjustments:
            yield problem(f"periods.{i}.verification", Msg("programme.adjust_not_adjusted"))
