"""`offset factors import-grid`: a published grid list into a factor directory of your own.

Every row of the list becomes a `grid_electricity` row of its results year: the supplier's key
(the shipped one where its 登録番号 or name is known, else its 登録番号 in lower case), the menu
(`residual` for the menu marked 残差, `overall` for (参考値)事業者全体 and a supplier without menus,
else the letter), both kinds (basic, adjusted), and its provenance: the list's title, the file,
the row's 登録番号, name and menu as printed. The 代替値 and the 全国平均係数 become the FY's
`alternative_value` and `national_average` rows. The directory's table is rewritten with the
FY's rows replaced by the list's and checked against the catalog before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.factors.catalog import CONFIDENCE_LEVELS, TableSpec
from offset.factors.csv_files import write_atomically
from offset.factors.grid_list import GridList, ListedRow, read_list
from offset.factors.suppliers import ALTERNATIVE, AVERAGE, OVERALL, RESIDUAL, Suppliers
from offset.factors.table import validate

PUBLISHER = "Ministry of the Environment / METI"
LISTS_URL = "https://policies.env.go.jp/earth/ghg-santeikohyo/calc.html"
COLUMNS = (
    "fy", "entity", "menu", "kind", "value", "unit", "registration", "supplier_name",
    "menu_name", "source", "publisher", "published", "url", "confidence", "note",
)  # fmt: skip
FLAGGED = "※ the list applied the 代替値 to an abnormal factor (通達)"


@dataclass(frozen=True)
class Imported:
    """What an import wrote: the list's year, its rows, and where."""

    results_fy: int
    published: str
    suppliers: int
    rows: int
    national_average: float | None
    alternative: float | None
    target: Path
    replaced: int  # rows of the same FY the directory held before
    notices: tuple[Msg, ...] = ()  # what reading the list said (a workbook's hidden rows read)


def menu_key_of(printed: str) -> str:
    if printed == "" or printed.startswith("(参考値)"):
        return OVERALL
    if printed.endswith("(残差)"):
        return RESIDUAL
    return printed.removeprefix("メニュー")


def supplier_keys(grid: GridList, known: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """(section, registration, name) -> key: the shipped key where the 登録番号 (retail) or name
    (T&D) is known, else a key of its own."""
    suppliers = Suppliers.of(known)
    by_registration = {
        str(r): str(e)
        for r, e in known[["registration", "entity"]].drop_duplicates().itertuples(index=False)
        if isinstance(r, str) and r
    }
    td_names = {
        str(n): str(e)
        for n, e in known[["supplier_name", "entity"]].drop_duplicates().itertuples(index=False)
        if str(e).endswith("_td")
    }
    keys: dict[tuple[str, str, str], str] = {}
    for row in grid.rows:
        at = (row.section, row.registration, row.supplier)
        if at in keys:
            continue
        if row.section == "td":
            keys[at] = td_names.get(row.supplier) or f"td_{row.registration}"
        else:
            keys[at] = (
                by_registration.get(row.registration)
                or suppliers.resolve(row.supplier)
                or row.registration.lower()
            )
    return keys


def to_rows(
    grid: GridList, known: pd.DataFrame, confidence: str = "confirmed", url: str = LISTS_URL
) -> pd.DataFrame:
    """The list as `grid_electricity` rows (every value as text, as a CSV holds it)."""
    keys = supplier_keys(grid, known)
    records: list[dict[str, str]] = []

    def add(
        entity: str, menu: str, kind: str, value: float, row: ListedRow | None, what: str
    ) -> None:
        note = FLAGGED if row is not None and row.flagged else ""
        records.append(
            {
                "fy": str(grid.results_fy),
                "entity": entity,
                "menu": menu,
                "kind": kind,
                "value": f"{value:.6f}",
                "unit": "t CO2/kWh",
                "registration": row.registration if row is not None and row.section == "retail"
                else "",
                "supplier_name": row.supplier if row is not None else "",
                "menu_name": row.menu if row is not None else "",
                "source": f"{grid.title} ({grid.source}): {what}",
                "publisher": PUBLISHER,
                "published": grid.published or str(grid.results_fy + 2),
                "url": url,
                "confidence": confidence,
                "note": note,
            }
        )  # fmt: skip

    for row in grid.rows:
        entity = keys[(row.section, row.registration, row.supplier)]
        where = "【一般送配電事業者】 " if row.section == "td" else ""
        what = f"{where}{row.registration} {row.supplier} {row.menu}".strip()
        for kind, value in (("basic", row.basic), ("adjusted", row.adjusted)):
            add(entity, menu_key_of(row.menu), kind, value, row, what)
    if grid.alternative is not None:
        add(ALTERNATIVE, OVERALL, "alternative", grid.alternative, None, "代替値")
    if grid.national_average is not None:
        add(AVERAGE, OVERALL, "national_average", grid.national_average, None, "全国平均係数")
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def import_grid(
    source: Path,
    into: Path,
    spec: TableSpec,
    known: pd.DataFrame,
    *,
    sheet: str | None = None,
    confidence: str = "confirmed",
    url: str = LISTS_URL,
) -> Imported:
    """Read the list in `source` and write its FY's rows into `into`/grid_electricity.csv.

    InputError: every line of the list that was not read, or a row the catalog refuses;
    nothing is written then."""
    if confidence not in CONFIDENCE_LEVELS:
        raise InputError(
            [
                Problem(
                    str(source),
                    None,
                    None,
                    Msg("grid.confidence", levels=", ".join(CONFIDENCE_LEVELS)),
                )
            ]
        )
    if not source.is_file():
        raise InputError([Problem(str(source), None, None, Msg("file.not_found"))])
    grid, problems = read_list(source, sheet)
    if grid is None:
        raise InputError(problems)
    new = to_rows(grid, known, confidence, url)
    target = into / spec.file
    before = _read(target, spec)
    same_fy = before["fy"].astype(str) == str(grid.results_fy)
    merged = pd.concat([before[~same_fy], new], ignore_index=True)
    merged = merged.reindex(columns=list(dict.fromkeys([*COLUMNS, *before.columns]))).fillna("")
    _, problems = validate(spec, merged.astype(str), str(target))
    if problems:
        raise InputError(problems)
    into.mkdir(parents=True, exist_ok=True)
    write_atomically(target, merged)
    return Imported(
        results_fy=grid.results_fy,
        published=grid.published,
        suppliers=len({(r.section, r.registration, r.supplier) for r in grid.rows}),
        rows=len(new),
        national_average=grid.national_average,
        alternative=grid.alternative,
        target=target,
        replaced=int(same_fy.sum()),
        notices=grid.notices,
    )


def _read(target: Path, spec: TableSpec) -> pd.DataFrame:
    if not target.is_file():
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column, value in spec.key_defaults.items():
        if column not in frame:
            frame[column] = value
    return frame
