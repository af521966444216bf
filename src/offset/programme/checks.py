"""The checks a registry makes of each member's activity before it counts in a programme.

Each refusal names the member, its row and the figure or rule: an activity above the limit a
year (J-Credit: 500 t-CO2 for an activity of a programme-type project), one registered in another
programme or issued elsewhere (the same system id, or the same address and capacity), one that
started too early for the scheme or too long before its member joined (`StartRule`). A refused
member is left out of every period and listed; the others count (bad input, by contrast, stops
the run: `members.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common import fiscal
from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.intake.columns import Contract, number, text
from offset.intake.inputs import load
from offset.intake.japanese import folded
from offset.programme.activities import Activities, service_span
from offset.programme.members import Members, keys
from offset.programme.model import Programme

ELSEWHERE = Contract(
    (
        text(
            "system_id",
            "the activity's id where it is registered",
            japanese=("設備番号", "交付番号", "管理番号", "申請番号", "活動ID", "排出削減活動ID"),
        ),
        text("address", "where the system is (住所)", japanese=("住所", "設置住所", "所在地")),
        number(
            "capacity_kw",
            "kW",
            "rated capacity",
            alternatives={"capacity_w": "W"},
            japanese=("容量", "太陽電池容量", "設備容量", "出力"),
        ),
        text(
            "registered_in",
            "the programme or project it is registered in (登録先)",
            required=True,
            japanese=("登録先", "プロジェクト名", "プログラム名", "登録番号"),
        ),
    ),
    description="Activities registered in other programmes or projects, or issued elsewhere.",
)


@dataclass(frozen=True)
class Refusals:
    """Members the registry's checks refuse (`member_id`, `row`, `check`, `why`), and which of
    the members count (`counts`, aligned with the members' frame)."""

    frame: pd.DataFrame
    counts: npt.NDArray[np.bool_]


def annual_tco2e(activities: Activities, at: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Each member's activity's reduction a year [t-CO2]: its daily figure x the days of the FY,
    the largest over the FYs computed."""
    out = np.zeros(len(at))
    for fy, daily in activities.daily.items():
        out = np.maximum(out, daily[at] * int(fiscal.days_in_fy(np.array([fy]))[0]))
    return out


def elsewhere_list(path: Path | None) -> tuple[pd.DataFrame | None, list[Problem]]:
    if path is None:
        return None, []
    prepared, problems = load(path, ELSEWHERE, duplicates="keep")
    return prepared.frame, problems


def refuse(
    programme: Programme,
    members: Members,
    activities: Activities,
    elsewhere: pd.DataFrame | None,
) -> Refusals:
    """Every refusal of the registry's checks (a member refused twice is listed for each)."""
    frame, header = members.frame, programme.header
    at = frame["activity_at"].to_numpy(dtype=np.int64)
    listed = activities.frame.iloc[at]
    member = frame["member_id"].to_numpy()
    parts: list[pd.DataFrame] = []

    def add(mask: npt.NDArray[np.bool_], check: str, why: Callable[[int], str]) -> None:
        """The masked members refused by `check`, each with `why(i)` (made only for them)."""
        at = np.flatnonzero(mask)
        parts.append(
            pd.DataFrame(
                {
                    "member_id": member[at],
                    "row": frame["row"].to_numpy()[at],
                    "activity_id": frame["activity_id"].to_numpy()[at],
                    "check": check,
                    "order": at,  # the consent list's order, over its sheets
                    # object: a Msg stays a Msg (renders in Japanese), not a plain string
                    "why": pd.Series([why(int(i)) for i in at], dtype=object),
                }
            )
        )

    annual = annual_tco2e(activities, at)
    limit = f"{header.activity_limit_tco2e:,.0f}"
    add(
        annual > header.activity_limit_tco2e,
        "limit",
        lambda i: Msg(
            "programme.over_limit", member=member[i], tco2e=f"{annual[i]:,.1f}", limit=limit
        ),
    )
    if elsewhere is not None:
        where = _registered_elsewhere(listed, elsewhere)
        add(
            where != "",
            "elsewhere",
            lambda i: Msg("programme.elsewhere", member=member[i], where=where[i]),
        )
    started, _ = service_span(listed)
    rule = header.start_rule
    early = started < np.datetime64(rule.earliest, "D")
    add(
        early,
        "start",
        lambda i: Msg(
            "programme.started_before",
            member=member[i],
            started=str(started[i]),
            earliest=rule.earliest.isoformat(),
        ),
    )
    if rule.window_years is not None:
        joined = frame["joined"].to_numpy(dtype="datetime64[D]")
        years = joined.astype("datetime64[Y]").astype(int) + 1970 - rule.window_years
        bound = _same_day_in(joined, years)
        window = rule.window_years
        add(
            ~early & (started < bound),
            "start",
            lambda i: Msg(
                "programme.started_long_before",
                member=member[i],
                started=str(started[i]),
                joined=str(joined[i]),
                years=window,
            ),
        )
    refused = pd.concat(parts, ignore_index=True)
    counts = ~frame["member_id"].isin(set(refused["member_id"])).to_numpy()
    refused = refused.sort_values(["order", "check"], kind="stable", ignore_index=True)
    return Refusals(refused.drop(columns="order"), counts)


def _registered_elsewhere(listed: pd.DataFrame, elsewhere: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Where each activity is registered already ("" where nowhere): by the same system id, or
    by the same address (compared folded: spaces, widths and case) and capacity (to the watt)."""
    where = np.full(len(listed), "", dtype=object)
    registered = elsewhere["registered_in"].astype(str).to_numpy()
    if "system_id" in elsewhere:
        by_id = pd.Index(keys(elsewhere["system_id"]))
        at = by_id.get_indexer(pd.Index(keys(listed["system_id"])))
        at = np.where(keys(listed["system_id"]) == "", -1, at)
        where = np.where(at >= 0, registered[np.maximum(at, 0)], where)
    if {"address", "capacity_kw"} <= set(elsewhere) and {"address", "capacity_kw"} <= set(listed):
        mine = _place_keys(listed)
        theirs = pd.Index(_place_keys(elsewhere))
        at = theirs.get_indexer(pd.Index(mine)) if theirs.is_unique else _first_of(theirs, mine)
        at = np.where(np.array([k.startswith("|") for k in mine]), -1, at)
        where = np.where((where == "") & (at >= 0), registered[np.maximum(at, 0)], where)
    return where


def _place_keys(frame: pd.DataFrame) -> list[str]:
    """Address (folded: no spaces, one width, one case) and capacity in watts, as one key."""
    codes, uniques = pd.factorize(frame["address"].to_numpy(dtype=object), use_na_sentinel=False)
    address = np.array([folded(a) if isinstance(a, str) else "" for a in uniques], dtype=object)
    watts = np.round(frame["capacity_kw"].to_numpy(dtype=np.float64) * 1000).astype(np.int64)
    keys: list[str] = (pd.Series(address[codes]) + "|" + pd.Series(watts).astype(str)).tolist()
    return keys


def _first_of(index: pd.Index, wanted: list[str]) -> npt.NDArray[np.int64]:
    first = pd.Series(np.arange(len(index)), index=index).groupby(level=0).first()
    found: npt.NDArray[np.int64] = first.reindex(wanted).fillna(-1).to_numpy(dtype=np.int64)
    return found


def _same_day_in(
    days: npt.NDArray[np.datetime64], years: npt.NDArray[np.int64]
) -> npt.NDArray[np.datetime64]:
    """The same month and day in other years (29 February: the 28th)."""
    months = days.astype("datetime64[M]")
    day_of_month = (days - months).astype(np.int64)
    month_of_year = months.astype(np.int64) % 12
    first = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + month_of_year
    last = (first + 1).astype("datetime64[D]") - 1
    out: npt.NDArray[np.datetime64] = np.minimum(first.astype("datetime64[D]") + day_of_month, last)
    return out
