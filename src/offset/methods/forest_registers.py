"""Two 森林簿 extracts of different FYs, as kept: each stand of the later one takes its stock of
the earlier one (`前回蓄積`, in the earlier register's 基準年度) by its 林小班, so that its growth
is the stock difference (`forest_growth`).

Stands are matched by their identifier (`stand_id`, or 林班-小班-枝番 joined). A stand divided
since (12-1 then, 12-1-1 and 12-1-2 now) takes the stock per ha of the stand it was divided
from; stands joined since (13-2-1 and 13-2-2 then, 13-2 now) take their area-weighted stock per
ha. Both are named in the notices, and so are the stands of either register the other lacks.
Pure: two frames in, one frame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from offset.common.messages import Msg
from offset.methods.forest import stand_ids

SHOWN = 8  # stands named per notice; the rest counted


def with_previous(
    current: pd.DataFrame, previous: pd.DataFrame, previous_fy: int | None = None
) -> tuple[pd.DataFrame, list[Msg]]:
    """`current` with `stock_previous_m3_per_ha` and `stock_previous_fy` from `previous` where
    the row gives none; and the notices naming the stands matched otherwise than by id."""
    now = stand_ids(current).astype("string")
    before_ids = stand_ids(previous).astype("string")
    stock = pd.Series(previous["stock_m3_per_ha"].to_numpy(dtype=np.float64, na_value=np.nan),
                      index=before_ids.to_numpy())  # fmt: skip
    stock = stock[~stock.index.duplicated()]
    fy_before = _fy(previous, previous_fy)
    fy_of = pd.Series(fy_before, index=before_ids.to_numpy())
    fy_of = fy_of[~fy_of.index.duplicated()]

    direct = now.isin(stock.index).to_numpy(dtype=bool, na_value=False)
    parent = now.str.replace(r"-[^-]*$", "", regex=True)
    split = (
        ~direct
        & parent.isin(stock.index).to_numpy(dtype=bool, na_value=False)
        & (parent != now).to_numpy(dtype=bool, na_value=False)
    )
    # joined: the earlier stands whose parent id is a stand of today that has no match itself
    before_parent = before_ids.str.replace(r"-[^-]*$", "", regex=True)
    joined_into = before_parent.where(~before_ids.isin(now) & before_parent.isin(now[~direct]))
    area = previous["area_ha"].to_numpy(dtype=np.float64, na_value=np.nan)
    parts = pd.DataFrame(
        {"into": joined_into.to_numpy(), "weighted": area * stock.reindex(before_ids).to_numpy(),
         "area": area, "fy": fy_before}
    ).dropna(subset=["into"])  # fmt: skip
    grouped = parts.groupby("into").agg(weighted=("weighted", "sum"), area=("area", "sum"),
                                        fy=("fy", "max"))  # fmt: skip
    merged_stock = grouped["weighted"] / grouped["area"]
    joined = now.isin(merged_stock.index).to_numpy(dtype=bool, na_value=False) & ~direct

    key = now.to_numpy(dtype=object)
    taken = np.full(len(current), np.nan)
    taken_fy = np.full(len(current), np.nan)
    taken[direct] = stock.reindex(key[direct]).to_numpy()
    taken_fy[direct] = fy_of.reindex(key[direct]).to_numpy()
    parents = parent.to_numpy(dtype=object)
    taken[split] = stock.reindex(parents[split]).to_numpy()
    taken_fy[split] = fy_of.reindex(parents[split]).to_numpy()
    taken[joined] = merged_stock.reindex(key[joined]).to_numpy()
    taken_fy[joined] = grouped["fy"].reindex(key[joined]).to_numpy()

    own = _column(current, "stock_previous_m3_per_ha")
    own_fy = _column(current, "stock_previous_fy")
    use = np.isnan(own)
    out = current.assign(
        stock_previous_m3_per_ha=np.where(use, taken, own),
        stock_previous_fy=np.where(use, taken_fy, own_fy),
    )
    notices = _notices(now, before_ids, direct, split, joined, parents, grouped)
    return out, notices


def _fy(previous: pd.DataFrame, previous_fy: int | None) -> np.ndarray:
    """The earlier stocks' FY: its 基準年度 (`age_fy`), else `previous_fy`, else its `fy`."""
    n = len(previous)
    values = _column(previous, "age_fy")
    for fallback in (
        np.full(n, np.nan if previous_fy is None else float(previous_fy)),
        _column(previous, "fy"),
    ):
        values = np.where(np.isnan(values), fallback, values)
    return values


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), np.nan)
    return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)


def _notices(
    now: pd.Series,
    before: pd.Series,
    direct: np.ndarray,
    split: np.ndarray,
    joined: np.ndarray,
    parents: np.ndarray,
    grouped: pd.DataFrame,
) -> list[Msg]:
    notices = [Msg("notice.previous_matched", count=int(direct.sum()))]
    if split.any():
        pairs = [f"{a} ({b})" for a, b in zip(now[split], parents[split], strict=True)]
        notices.append(Msg("notice.previous_split", stands=_shown(pairs)))
    if joined.any():
        notices.append(Msg("notice.previous_joined", stands=_shown(list(now[joined]))))
    lacking = ~(direct | split | joined) & now.notna().to_numpy()
    if lacking.any():
        notices.append(Msg("notice.previous_new", stands=_shown(list(now[lacking]))))
    gone = ~before.isin(now).to_numpy(dtype=bool, na_value=False)
    gone &= ~before.str.replace(r"-[^-]*$", "", regex=True).isin(grouped.index).to_numpy(
        dtype=bool, na_value=False
    )
    gone &= ~before.isin(pd.Series(parents[split])).to_numpy(dtype=bool, na_value=False)
    if gone.any():
        notices.append(Msg("notice.previous_gone", stands=_shown(list(before[gone]))))
    return notices


def _shown(values: list[str]) -> str:
    head = ", ".join(map(str, values[:SHOWN]))
    return head if len(values) <= SHOWN else f"{head} (+{len(values) - SHOWN})"
