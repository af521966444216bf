"""The grid factor of each row: its supplier and menu as the office wrote them, resolved to the
grid table's keys, and the row the year rule and the MOE order give (`factors/tables.toml`).

- supplier (`grid_entity`): a key, the name as the list prints it (with or without 株式会社), a
  registration number (A0269) or a former name (`offset.factors.suppliers`); blank: the
  national average (offset's default for a row that names no supplier). A name that is none of
  these is an error naming the closest known ones, unless the run says `unknown_supplier =
  "alternative"`: then the row takes the FY's 代替値, and its fallback level says so.
  `--strict-factors` refuses an unknown supplier always.
- menu (`grid_menu`): as the list prints it (`メニューB`, `B`, `メニューM(残差)`, `残差`,
  `(参考値)事業者全体`); blank: the residual menu (the factor the list says to use when the
  menu's own factor is not published). A menu letter that is the FY's residual menu reads as it.
- kind (`grid_factor_kind`): basic (基礎), adjusted (調整後) or unadjusted (未調整); blank: basic.

All of it is worked out per distinct value, never per row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.factors import FactorLibrary, select
from offset.factors.suppliers import (
    ALTERNATIVE,
    AVERAGE,
    OVERALL,
    RESIDUAL,
    Suppliers,
    menu_key,
    menu_letter,
)
from offset.factors.years import FactorYear, lag
from offset.intake.inputs import FIRST_DATA_ROW, listed_problems
from offset.methods.common import Trace, rows_problems

#: entities whose rows are list-wide figures: one row, no menus, a kind of their own
LIST_WIDE = {
    AVERAGE: "national_average",
    ALTERNATIVE: "alternative",
    "ordinance_default": "default",
}
KINDS = {
    "basic": ("基礎", "基礎排出係数"),
    "adjusted": ("調整後", "調整後排出係数"),
    "unadjusted": ("未調整", "未調整排出係数"),
}
UnknownSupplier = str  # "refuse" (default) or "alternative"


def grid_trace(
    frame: pd.DataFrame,
    factors: FactorLibrary,
    fy: npt.NDArray[np.int64],
    rule: FactorYear,
    where: npt.NDArray[np.bool_] | None = None,
    *,
    file: str = "<input>",
    unknown_supplier: UnknownSupplier = "refuse",
    strict: bool = False,
) -> tuple[Trace, list[Problem]]:
    """Grid factor per row (the row's own factor, else the table's) and the problems of its
    supplier, menu and kind cells, and of the rows (of `where`) no list gives a factor."""
    n = len(frame)
    table = factors["grid_electricity"]
    mask = np.ones(n, dtype=bool) if where is None else where
    problems: list[Problem] = []
    named = np.zeros(n, dtype=bool)  # rows refused already for their supplier

    entity: object = AVERAGE
    if "grid_entity" in frame:
        suppliers = Suppliers.of(table.rows)
        allow = unknown_supplier == "alternative" and not strict

        def supplier(name: object) -> str:
            found = suppliers.resolve(name)
            return found if found is not None else str(name)

        entity = _per_category(frame["grid_entity"], AVERAGE, supplier)
        assert isinstance(entity, pd.Series)
        unknown = [
            c
            for c in frame["grid_entity"].astype("category").cat.categories
            if suppliers.resolve(c) is None
        ]
        for name in unknown if not allow else ():
            rows = (frame["grid_entity"] == name).to_numpy(dtype=bool, na_value=False) & mask
            close = ", ".join(suppliers.closest(name)) or "-"
            message = Msg("value.unknown_supplier", value=name, close=close)
            problems += rows_problems(frame, rows, file, "grid_entity", message)
            named |= rows

    default_menu = _by_entity(entity, lambda e: OVERALL if e in LIST_WIDE else RESIDUAL)
    menu: object = default_menu
    if "grid_menu" in frame:
        given = frame["grid_menu"]
        parsed = _per_category(given, "", lambda m: menu_key(m) or "")
        bad = parsed.astype(str) == ""
        bad_rows = (bad & given.notna()).to_numpy(dtype=bool) & mask
        problems += rows_problems(frame, bad_rows, file, "grid_menu", Msg("value.unknown_menu"))
        menu = _fill(parsed.where(given.notna() & ~bad), default_menu)

    default_kind = _by_entity(entity, lambda e: LIST_WIDE.get(str(e), "basic"))
    kind: object = default_kind
    if "grid_factor_kind" in frame:
        spelled = {s: k for k, names in KINDS.items() for s in (k, *names)}
        given_kind = frame["grid_factor_kind"]
        parsed_kind = _per_category(given_kind, "", lambda k: spelled.get(str(k).strip(), str(k)))
        kind = _fill(parsed_kind.where(given_kind.notna()), default_kind)

    year = fy + lag(table.spec, rule)
    menu = _residual_letters(table.rows, entity, menu, year, n)
    selection = select(
        table, {"entity": entity, "menu": menu, "kind": kind}, year, length=n, where=where
    )
    trace = Trace.of(selection).qualified(rule)
    if "grid_factor_t_co2_per_kwh" in frame:
        trace = trace.override(frame["grid_factor_t_co2_per_kwh"].to_numpy(dtype=np.float64))
    # a ledger started years back (FY2015) finds no list that old: every method says so alike
    # (a NaN factor multiplied into a figure would be a blank, or a zero, with no word)
    problems += listed_problems(
        file,
        np.asarray(frame.index, dtype=np.int64) + FIRST_DATA_ROW,
        mask & ~named & np.isnan(trace.values),
        "grid_entity",
        lambda i: Msg("grid.no_list", fy=int(fy[i]), wanted=int(year[i])),
    )
    return trace, problems


def _per_category(series: pd.Series, blank: str, rule: Callable[[object], str]) -> pd.Series:
    """`rule` applied to each distinct value (blanks: `blank`), as a categorical series."""
    categorical = series.astype("category")
    categories = list(categorical.cat.categories)
    mapped = [rule(c) for c in categories]
    unique = list(dict.fromkeys([*mapped, blank]))
    lookup = np.array([unique.index(m) for m in mapped] + [unique.index(blank)], dtype=np.int64)
    codes = lookup[categorical.cat.codes.to_numpy()]  # code -1 (blank) takes the last slot
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(unique)), index=series.index
    )


def _by_entity(entity: object, rule: Callable[[object], str]) -> object:
    """A default per entity: a scalar for a scalar entity, else per category."""
    if isinstance(entity, pd.Series):
        return _per_category(entity, rule(AVERAGE), rule)
    return rule(entity)


def _fill(values: pd.Series, default: object) -> pd.Series:
    """`values` where given, else `default` (a scalar or a series), as a categorical."""
    if isinstance(default, pd.Series):
        return _per_category(values.astype(object).where(values.notna(), default), "", str)
    return _per_category(values.astype(object).fillna(str(default)), str(default), str)


def _residual_letters(
    rows: pd.DataFrame, entity: object, menu: object, year: npt.NDArray[np.int64], n: int
) -> object:
    """A menu letter that is its supplier's residual menu in that FY's list reads as `residual`
    (`メニューM` of TEPCO in FY2024 is its `メニューM(残差)` row), per distinct request."""
    if not isinstance(menu, pd.Series) or "menu_name" not in rows:
        return menu
    residual = rows[rows["menu"] == RESIDUAL]
    letters = {
        (str(e), int(y), letter)
        for e, y, printed in residual[["entity", "fy", "menu_name"]].itertuples(index=False)
        if (letter := menu_letter(str(printed))) is not None
    }
    if not letters:
        return menu
    request = pd.DataFrame(
        {
            "entity": np.broadcast_to(np.asarray(entity, dtype=object), (n,)),
            "menu": menu.astype(object).to_numpy(),
            "year": np.broadcast_to(year, (n,)),
        }
    )
    distinct = request.drop_duplicates()
    hits = [
        (e, m, y)
        for e, m, y in distinct.itertuples(index=False)
        if (str(e), int(y), str(m)) in letters
    ]
    if not hits:
        return menu
    hit = pd.MultiIndex.from_tuples(hits)
    is_residual = pd.MultiIndex.from_frame(request).isin(hit)
    return _per_category(menu.astype(object).where(~is_residual, RESIDUAL), RESIDUAL, str)
