"""Membership changes never let a day count twice: for any joins, consents and leaves, the days a
member counts over consecutive monitoring periods add up to what one period spanning them counts,
and never exceed its membership, the crediting period or its system's time in service."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.intake.prepared import Prepared
from offset.programme.activities import Activities
from offset.programme.members import Members
from offset.programme.model import Period, Programme, ProgrammeContent
from offset.programme.monitoring import monitor

FIRST, LAST = dt.date(2023, 4, 1), dt.date(2026, 3, 31)
DAY = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 1, 1))
MEMBER = st.tuples(DAY, DAY, st.one_of(st.none(), DAY), DAY)  # joined, consented, left, started
CONTENT = ProgrammeContent.model_validate(
    {
        "programme": {"name": "law", "operator": "city", "registration": "P", "method": "solar",
                      "methodology": "EN-R-002", "crediting_period": [FIRST, LAST]},
        "operator": {"kind": "municipality", "name": "City"},
        "lists": {"activities": "a.csv", "consents": "c.csv"},
    }
)  # fmt: skip


def _nat(day: dt.date | None) -> np.datetime64:
    return np.datetime64("NaT") if day is None else np.datetime64(day, "D")


@settings(max_examples=60, deadline=None)
@given(st.lists(MEMBER, min_size=1, max_size=5), st.lists(DAY, min_size=1, max_size=3))
def test_no_day_counts_twice(members: list[tuple[dt.date, ...]], cuts: list[dt.date]) -> None:
    n = len(members)
    frame = pd.DataFrame(
        {
            "member_id": [f"M{i}" for i in range(n)], "name": "", "area": "", "address": "",
            "consented": np.array([_nat(m[1]) for m in members], dtype="datetime64[D]"),
            "joined": np.array([_nat(m[0]) for m in members], dtype="datetime64[D]"),
            "left": np.array([_nat(m[2]) for m in members], dtype="datetime64[D]"),
            "activity_id": [f"A{i}" for i in range(n)], "activity_at": np.arange(n),
            "sheet": "", "row": np.arange(n) + 2,
        }
    )  # fmt: skip
    listed = pd.DataFrame(
        {"commissioned": np.array([_nat(m[3]) for m in members], dtype="datetime64[ns]")}
    )
    daily = {fy: np.full(n, 0.001) for fy in range(2022, 2027)}  # 1 kg a day, every member
    activities = Activities(Prepared(listed, "a.csv"), dict.fromkeys(daily, listed), daily)
    programme = Programme(Path("law.toml"), CONTENT, "")
    counts = np.ones(n, dtype=bool)
    bounds = sorted({FIRST, *(c for c in cuts if FIRST < c <= LAST)})
    pieces = [(a, b - dt.timedelta(days=1)) for a, b in itertools.pairwise(bounds)]
    pieces.append((bounds[-1], LAST))
    parts = [monitor(programme, Period(name=f"p{i}", start=a, end=b),
                     Members(frame, Prepared(frame, "c.csv")), counts, activities)
             for i, (a, b) in enumerate(pieces)]  # fmt: skip
    whole = monitor(programme, Period(name="all", start=FIRST, end=LAST),
                    Members(frame, Prepared(frame, "c.csv")), counts, activities)  # fmt: skip
    summed = pd.concat([p.lines for p in parts]).groupby("member_id")["days"].sum()
    assert summed.to_dict() == whole.lines.groupby("member_id")["days"].sum().to_dict()
    assert sum(p.total_g for p in parts) == whole.total_g  # 1,000 g a day: exact
    for member, days in summed.items():
        joined, consented, left, started = members[int(str(member)[1:])]
        start = max(joined, consented, started, FIRST)
        stop = min(left or dt.date.max, LAST + dt.timedelta(days=1))
        assert days == max((stop - start).days, 0)
