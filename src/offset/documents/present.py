"""A report table as a reader sees it: names instead of keys, categories in words, headers in
the report's language (`offset.documents.terms`), each column's kind of figure kept for formatting.

The run keeps its tables keyed (`fy`, `reduction_tco2e`, `matsumoto`): the HTTP API and the
ledger's records read those. Only what is handed in (HTML, PDF, Excel, CSV) is shown this way;
a CSV keeps a project's and an agreement's key beside its title, the others print the title.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from offset.common.messages import Lang
from offset.documents.figures import CSV_DECIMALS, column_kinds
from offset.documents.tables import TITLED
from offset.documents.terms import column_label, fy_label, term, value_term
from offset.documents.times import shown_day

# columns whose values are a scenario's party keys
PARTY_COLUMNS = ("owner", "provider", "beneficiary", "retired_by", "municipality", "name")
# columns whose values are a category of offset's own, and the catalogue prefix naming them
CATEGORY_COLUMNS = {
    "method": "method",
    "kind": "kind",
    "status": "status",
    "mode": "mode",
    "plan_note": "plan",
}
# kinds whose float noise a CSV drops: six decimals keep a tonne to the gram (the ledger's
# precision) and a MWh to the Wh; factors keep every digit
ROUNDED = ("tonnes", "tonnes1", "mwh", "energy", "capacity", "area", "yen", "share", "decimal")
# tables of totals, whose tonnes read best to one decimal
SUMMARY_TABLES = ("summary", "plan")


@dataclass(frozen=True)
class Shown:
    """A table ready to write: labelled columns, and each column's kind of figure."""

    frame: pd.DataFrame
    kinds: list[str | None]


def shown(
    name: str, frame: pd.DataFrame, party_names: dict[str, str], lang: Lang, keys: bool = False
) -> Shown:
    """`frame` (the run's table `name`) in `lang`, with parties by name, projects and
    agreements by title in their key's column; with `keys` (a CSV, which a script reads) the
    key stays, its title in the column beside it."""
    if not keys:
        titled = [(k, t) for k, t in TITLED.items() if k in frame and t in frame]
        frame = frame.assign(**{k: frame[t] for k, t in titled}).drop(
            columns=[t for _, t in titled]
        )
    kinds = column_kinds(frame)
    if name in SUMMARY_TABLES:
        kinds = ["tonnes1" if k == "tonnes" else k for k in kinds]
    out = frame.copy()
    for column in out.columns:
        if column in PARTY_COLUMNS:
            out[column] = out[column].map(lambda v: party_names.get(v, v) if v else v)
        elif column in CATEGORY_COLUMNS:
            out[column] = out[column].map(
                lambda v, p=CATEGORY_COLUMNS[column]: value_term(p, v, lang)
            )
    for column, kind in zip(frame.columns, kinds, strict=True):
        if kind in ROUNDED and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(CSV_DECIMALS)
    out.columns = pd.Index([column_label(str(c), lang) for c in frame.columns])
    return Shown(out, kinds)


# columns a printed page (HTML, PDF) shows as its reader reads them: 2016年度, 2020年4月20日;
# the workbook and CSVs keep the year and the ISO day a spreadsheet sorts by
PRINTED_FYS = ("fy",)
PRINTED_DAYS = ("effective_date",)


def in_readers_form(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """`frame` (a shown table's rows, labelled) with its FYs and days in the reader's form."""
    out = frame.copy()
    for name in PRINTED_FYS:
        if (label := column_label(name, lang)) in out:
            out[label] = out[label].map(lambda v: "" if pd.isna(v) else fy_label(int(v), lang))
    for name in PRINTED_DAYS:
        if (label := column_label(name, lang)) in out:
            out[label] = out[label].map(lambda v: shown_day(v, lang))
    return out


def sheet_name(name: str, lang: Lang) -> str:
    """The Excel sheet (and report section) of table `name`; Excel allows 31 characters."""
    return term(f"table.{name}", lang)[:31]
