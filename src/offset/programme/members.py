"""The members of a programme, from the office's consent list joined to its subsidy list.

The consent list (同意書の一覧) has one row per member: its id, name, address or 区域, the day it
consented, the days it joined and left, and the id of its activity: the row of the subsidy list
(補助金交付の一覧, read with the programme's method) that the member's system is. Both are read as
kept (`offset.intake`: headers, 和暦, every problem with its file, sheet, row and column). A
member with no consent date, leaving before it joined, whose activity matches no row of the
subsidy list or is already another member's, or named twice, is refused with its row: all in one
pass, and nothing is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.intake import sheetrows
from offset.intake.columns import Contract, Identity, date, text
from offset.intake.inputs import load
from offset.intake.japanese import nfkc
from offset.intake.listing import FIRST_DATA_ROW, listed_problems
from offset.intake.prepared import Prepared

CONSENTS = Contract(
    (
        text(
            "member_id",
            "the member's id in the programme (会員番号)",
            required=True,
            japanese=("会員番号", "会員ID", "会員No", "会員No.", "会員コード"),
        ),
        text(
            "name",
            "the member's name (氏名); shown only to the operator",
            japanese=("氏名", "会員名", "名前", "申請者氏名"),
        ),
        text("address", "the member's address (住所)", japanese=("住所", "所在地", "設置住所")),
        text(
            "area",
            "the member's 区域 (district) where no address is kept",
            japanese=("区域", "地区", "地域", "行政区"),
        ),
        date(
            "consented",
            "the day the member consented to the programme (同意日)",
            japanese=("同意日", "同意年月日", "同意書日付", "同意書受領日"),
        ),
        date(
            "joined",
            "the first day of membership (入会日)",
            required=True,
            japanese=("入会日", "加入日", "参加日", "入会年月日", "加入年月日"),
        ),
        date(
            "left",
            "the first day out of the programme (退会日; blank: still a member)",
            japanese=("退会日", "脱退日", "退会年月日", "脱退年月日"),
        ),
        text(
            "activity_id",
            "the id of the member's row in the subsidy list",
            required=True,
            japanese=(
                "設備番号",
                "交付番号",
                "交付決定番号",
                "補助金交付番号",
                "申請番号",
                "管理番号",
                "受付番号",
                "活動ID",
                "排出削減活動ID",
            ),
        ),
    ),
    description="The programme's consent list: one row per member.",
    identity=Identity(keys=(("member_id",),)),
)


@dataclass(frozen=True)
class Members:
    """The members, each with the position of its activity in the subsidy list's frame
    (`activity_at`) and where it is in the consent list (`sheet`, `row`: what a figure is traced
    to)."""

    frame: pd.DataFrame
    prepared: Prepared


def keys(values: pd.Series) -> npt.NDArray[np.object_]:
    """Identifiers as compared: NFKC (full-width digits are the same id), no outer spaces; each
    distinct value normalised once."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    normal = np.array([nfkc(v) if isinstance(v, str) else "" for v in uniques], dtype=object)
    found: npt.NDArray[np.object_] = normal[codes]
    return found


def read(path: Path, activities: Prepared) -> tuple[Members | None, list[Problem]]:
    """The consent list at `path` linked to `activities` (the checked subsidy list); None with
    the problems when a member is refused (every problem of the list, in one pass)."""
    prepared, problems = load(path, CONSENTS, duplicates="refuse")
    frame = prepared.frame
    if "member_id" not in frame or "activity_id" not in frame or "joined" not in frame:
        return None, problems
    file = prepared.file
    rows = np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW
    member = keys(frame["member_id"])
    activity = keys(frame["activity_id"])
    if "system_id" not in activities.frame:  # no id column: nothing to link a member to
        problem = Problem(activities.file, None, None, Msg("programme.no_activity_ids"))
        return None, [*problems, problem]
    listed = pd.Index(keys(activities.frame["system_id"]))
    at = listed.get_indexer(pd.Index(activity))
    consented = _days(frame, "consented")
    joined, left = _days(frame, "joined"), _days(frame, "left")
    claimed = pd.Series(activity).duplicated(keep="first").to_numpy() & (activity != "")
    first_claim = pd.Series(np.arange(len(frame))).groupby(activity).transform("first")
    checks: tuple[tuple[npt.NDArray[np.bool_], str, str], ...] = (
        (np.isnat(consented) & (member != ""), "consented", "programme.no_consent"),
        (
            ~np.isnat(left) & ~np.isnat(joined) & (left < joined),
            "left",
            "programme.leaves_before_joining",
        ),
        ((at < 0) & (activity != ""), "activity_id", "programme.no_activity"),
        (claimed, "activity_id", "programme.activity_twice"),
    )
    for mask, column, key in checks:

        def message(i: int, key: str = key) -> str:
            other = int(rows[first_claim.iloc[i]])
            return Msg(
                key,
                member=member[i],
                activity=activity[i],
                other=prepared.shown(other),
                joined=_shown(joined[i]),
                left=_shown(left[i]),
            )

        problems += prepared.relabel(listed_problems(file, rows, mask, column, message))
    if problems:
        return None, problems
    sheet, shown = sheet_rows(prepared, frame.index)
    out = pd.DataFrame(
        {
            "member_id": member,
            "name": frame["name"].fillna("") if "name" in frame else "",
            "address": frame["address"].fillna("") if "address" in frame else "",
            "area": frame["area"].fillna("") if "area" in frame else "",
            "consented": consented,
            "joined": joined,
            "left": left,
            "activity_id": activity,
            "activity_at": at,
            "sheet": sheet,
            "row": shown,
        },
        index=frame.index,
    )
    return Members(out, prepared), []


def sheet_rows(
    prepared: Prepared, index: pd.Index
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.int64]]:
    """Each row's sheet ("" for a CSV or a single sheet) and the row number its sheet shows."""
    position, shown = sheetrows.split(np.asarray(index, dtype=np.int64) + FIRST_DATA_ROW)
    names = np.array(
        [name or "" for name in prepared.sheets] if len(prepared.sheets) > 1 else [""], dtype=object
    )
    return names[np.minimum(position, len(names) - 1)], shown


def _days(frame: pd.DataFrame, column: str) -> npt.NDArray[np.datetime64]:
    if column not in frame:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    return frame[column].to_numpy(dtype="datetime64[D]")


def _shown(day: np.datetime64) -> str:
    return "" if np.isnat(day) else str(day)
