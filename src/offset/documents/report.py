"""The run's report: `report.html` (self-contained), the tables as CSV and Excel, a manifest.

Every file is written to a temporary name and moved into place, so an interrupted run never
leaves a half-written report that looks complete.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from offset import __version__
from offset.common import messages
from offset.common.messages import Lang
from offset.documents import caps, charts, notes
from offset.documents.figures import formatter
from offset.documents.output import (
    DEFAULT_CSV_ENCODING,
    write_bytes,
    write_frame,
    write_json,
    write_sheets,
    write_text,
)
from offset.documents.panels import by_fy
from offset.documents.pdf import html_to_pdf
from offset.documents.present import Shown, in_readers_form, sheet_name, shown
from offset.documents.tables import SECTORS
from offset.documents.terms import column_label, fy_label, in_language, term, value_term
from offset.documents.times import shown_time
from offset.factors import years
from offset.methods import METHODS

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "report.html.j2"


@dataclass
class Report:
    title: str
    description: str
    tables: dict[str, pd.DataFrame]  # name -> table, in the order the workbook shows them
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    csv_encoding: str = DEFAULT_CSV_ENCODING  # of the tables/ CSVs handed in
    lang: Lang = "en"
    party_names: dict[str, str] = field(default_factory=dict)  # key -> name, as shown
    # what the notes and the provenance sheet print for a project or an agreement (its title;
    # `tables.titles`), by the parameter that names it, then its key
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    target: str = ""  # the scenario's target in words, or "" for none

    def shown(self, keys: bool = False) -> dict[str, Shown]:
        """Every table as a reader sees it, the provenance sheet last; with `keys`, as a CSV
        holds it (a project's and an agreement's key beside its title)."""
        made = provenance(self.manifest, self.lang, self.titles.get("project", {}))
        per_prefecture = prefecture_table(self.tables["reductions"])
        extra = {} if per_prefecture is None else {"by_prefecture": per_prefecture}
        tables = self.tables | extra | {"provenance": made}
        return {
            name: shown(name, t, self.party_names, self.lang, keys) for name, t in tables.items()
        }

    def write(self, out: Path, pdf: bool = False) -> list[Path]:
        """Write everything under `out` (with `pdf`, report.pdf too); returns the files written.

        CSV files keep the table's key as their name (a script finds them in any language);
        their headers, the sheets and the report are in `lang`."""
        written = []
        for name, table in self.shown(keys=True).items():
            if name == "provenance":
                continue  # manifest.json has it; the workbook shows it
            write_frame(table.frame, out / "tables" / f"{name}.csv", self.csv_encoding)
            written.append(out / "tables" / f"{name}.csv")
        tables = self.shown()
        sheets = {sheet_name(name, self.lang): t for name, t in tables.items()}
        write_sheets(
            {sheet: t.frame for sheet, t in sheets.items()},
            out / "report.xlsx",
            {sheet: t.kinds for sheet, t in sheets.items()},
        )
        page = self.html(tables)
        write_text(page, out / "report.html")
        written += [out / "report.xlsx", out / "report.html"]
        if pdf:
            write_bytes(html_to_pdf(page, self.footer(), "landscape"), out / "report.pdf")
            written.append(out / "report.pdf")
        written.append(out / "manifest.json")
        self.manifest["files"] = [str(p.relative_to(out)) for p in written]
        write_json(self.manifest, out / "manifest.json")
        return written

    def footer(self) -> str:
        """The provenance printed at the foot of every PDF page: what made these figures."""
        m = self.manifest
        tables = hashlib.sha256(
            "".join(t["sha256"] for t in m.get("factor_tables", [])).encode()
        ).hexdigest()
        return term(
            "report.footer",
            self.lang,
            scenario=m["scenario"]["name"],
            scenario_hash=m["scenario"]["sha256"][:12],
            tables_hash=tables[:12],
            rule=value_term("rule", m["factor_year"]["rule"], self.lang),
            engine=m["engine"]["version"],
            created=shown_time(m["created"], self.lang),
        )

    def html(self, tables: dict[str, Shown] | None = None) -> str:
        tables = tables or self.shown()
        env = _templates()
        lang = self.lang

        def t(key: str, **params: object) -> str:
            return term(key, lang, **params)

        noted = notes.families(notes.grouped(self.warnings, lang, self.titles))
        return env.get_template(TEMPLATE).render(
            t=t,
            lang=lang,
            title=self.title,
            description=self.description,
            manifest=self.manifest,
            # the first as the run said it (the banner of an unverified ledger), and how many
            first_warning=messages.text(self.warnings[0], lang) if self.warnings else "",
            warning_count=len(self.warnings),
            notes=noted,  # this FY's first, repeats once; many projects' of a kind as one item
            note_lines=sum(len(family.lines) for family in noted),
            target=self.target,
            project_titles=self.titles.get("project", {}),
            restated=not self.tables["restatements"].empty,
            tables={name: _html_table(table, name, lang) for name, table in tables.items()}
            | {"plan": _items_by_fy(tables["plan"], lang)},
            pivots=_pivots(self.tables, self.party_names, lang),
            charts=_charts(self.tables, self.party_names, lang),
            method_charts=_method_charts(self.tables["plan"], lang),
            engine=__version__,
            created=shown_time(self.manifest["created"], lang),
        )


@functools.cache
def _templates() -> Environment:
    """The report's templates, compiled on first use and kept (Jinja checks the file is
    unchanged before it uses a kept template)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("offset.documents", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def _html_table(table: Shown, name: str, lang: Lang) -> str:
    """The table as HTML: figures in their kind's format and right-aligned, text left; its first
    `caps.MAX_ROWS_SHOWN` rows, and a note saying so when it has more."""
    shows = [formatter(kind) for kind in table.kinds]
    frame, total = caps.first_rows(table.frame)
    frame = in_readers_form(frame, lang)
    note = ""
    if total > len(frame):
        words = term("report.rows_shown", lang, shown=len(frame), total=total, name=name)
        note = f'<p class="note">{escape(words)}</p>\n'
    # each cell shown by its column's formatter before pandas sees it: given as `formatters`,
    # pandas prints a nullable column's blank as <NA> without calling the formatter
    printed = pd.DataFrame(
        {at: list(map(show, frame.iloc[:, at].tolist())) for at, show in enumerate(shows)}
    ).set_axis(frame.columns, axis=1)
    html = note + printed.to_html(
        index=False, border=0, classes="data", table_id=f"table-{name}"
    )  # fmt: skip
    numeric = [
        position
        for position, (column, kind) in enumerate(
            zip(table.frame.columns, table.kinds, strict=True), 1
        )
        if kind is not None or pd.api.types.is_integer_dtype(table.frame[column])
    ]
    if not numeric:
        return html
    cells = ", ".join(
        f"#table-{name} td:nth-child({p}), #table-{name} th:nth-child({p})" for p in numeric
    )
    return f"<style>{cells} {{ text-align: right; }}</style>\n{html}"


def _items_by_fy(table: Shown, lang: Lang) -> str:
    """A one-row-per-FY table turned the way a 実行計画 prints it: an item per row, a column per
    FY (the workbook and CSV keep one row per FY, as a spreadsheet filters it)."""
    frame = table.frame
    fys = frame.iloc[:, 0].tolist()
    rows = []
    for position in range(1, len(frame.columns)):
        show = formatter(table.kinds[position])
        rows.append([frame.columns[position], *map(show, frame.iloc[:, position].tolist())])
    turned = pd.DataFrame(
        rows, columns=[term("column.item", lang), *(fy_label(y, lang) for y in fys)]
    )
    return turned.to_html(index=False, border=0, classes="data numbers")


def municipality_labels(reductions: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Each row's municipality as the report names it: grouped by its code, printed by its
    official name (a party's name for a code only the scenario knows); two codes of one name
    (伊達市 in 北海道 and 福島県) keep their codes."""
    codes = reductions["municipality"].astype(str)
    given = reductions.get("municipality_name", codes).astype(str)
    shown = given.where(given != codes, codes.map(lambda c: names.get(c, c)))
    per_name = pd.DataFrame({"code": codes, "name": shown}).drop_duplicates()
    shared = set(per_name["name"][per_name["name"].duplicated()])
    return shown.where(~shown.isin(shared), shown + " (" + codes + ")")


def prefecture_labels(reductions: pd.DataFrame) -> pd.Series:
    """Each row's prefecture, named from the first two digits of its municipality's JIS code
    (団体コード), "" for a code that is not one (a place only the scenario knows): categories in
    JIS order (北海道 first, "" before it), which the table and the page sort by."""
    from offset.intake.municipalities import shipped

    found = reductions["municipality"].astype(str).str.extract(r"^(\d{2})\d{3,4}$")[0]
    codes = sorted(found.dropna().unique())
    table = shipped()
    names = ["", *(table.prefecture_name(code) for code in codes)]
    named = found.fillna("").map(dict(zip(["", *codes], names, strict=True)))
    return named.astype(pd.CategoricalDtype(list(dict.fromkeys(names)), ordered=True))


def _several_prefectures(labels: pd.Series) -> bool:
    """Whether a report sums per prefecture: its places lie in more than one (a prefectural or
    national run); one town's or a fictional scenario's report does not."""
    return bool(labels.ne("").any()) and labels.nunique() > 1


def prefecture_table(reductions: pd.DataFrame) -> pd.DataFrame | None:
    """Reductions per FY and prefecture, a row each in JIS order (a spreadsheet filters and
    pivots it as the page prints it): how many municipalities, the reduction and the creditable
    figure; None where the places are not in more than one prefecture."""
    labels = prefecture_labels(reductions)
    if not _several_prefectures(labels):
        return None
    grouped = reductions.assign(prefecture=labels).groupby(["fy", "prefecture"], observed=True)
    out = grouped.agg(
        municipalities=("municipality", "nunique"),
        reduction_tco2e=("reduction_tco2e", "sum"),
        creditable_tco2e=("creditable_tco2e", "sum"),
    )
    return out.reset_index().astype({"prefecture": str})


def _pivots(tables: dict[str, pd.DataFrame], names: dict[str, str], lang: Lang) -> dict[str, str]:
    """Reductions per municipality and per method by FY, and per prefecture when the places
    are in more than one (a prefectural or national run)."""
    reductions = tables["reductions"].assign(
        prefecture=prefecture_labels,
        municipality=lambda f: municipality_labels(f, names),
        method=lambda f: f["method"].map(lambda v: value_term("method", v, lang)),
    )
    keys = ["municipality", "method"]
    if _several_prefectures(reductions["prefecture"]):
        keys.insert(0, "prefecture")
    show = formatter("tonnes1")
    out = {}
    for key in keys:
        pivot = by_fy(reductions, key)
        pivot.columns = [fy_label(int(c), lang) for c in pivot.columns]
        pivot.index.name = column_label("municipality_name" if key == "municipality" else key, lang)
        frame, total = caps.first_rows(pivot.reset_index())
        note = ""
        if total > len(frame):
            words = term("report.rows_shown", lang, shown=len(frame), total=total,
                         name="reductions")  # fmt: skip
            note = f'<p class="note">{escape(words)}</p>\n'
        out[key] = note + frame.to_html(
            index=False, border=0, classes="data numbers", float_format=show
        )
    return out


def _charts(tables: dict[str, pd.DataFrame], names: dict[str, str], lang: Lang) -> dict[str, str]:
    def t(key: str, **params: object) -> str:
        return term(key, lang, **params)

    def words(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        return frame[columns].rename(columns=lambda c: column_label(c, lang))

    reductions, summary = tables["reductions"], tables["summary"]
    fulfilment, balances, plan = tables["fulfilment"], tables["balances"], tables["plan"]
    by_fy = {"fy": lambda f: f["fy"].map(lambda v: fy_label(v, lang))}
    reductions = reductions.assign(
        **by_fy,
        municipality=municipality_labels(reductions, names),
        method=reductions["method"].map(lambda v: value_term("method", v, lang)),
    )
    fy_axis, unit, credits = t("column.fy"), t("unit.tco2e"), t("unit.credits")
    held = balances[balances["kind"].isin(["holding", "retirement"])]
    labels = [
        t("chart.retired" if kind == "retirement" else "chart.held", name=name)
        for name, kind in zip(held["name"], held["kind"], strict=True)
    ]
    # a national run: the largest items of a chart, the rest as one (caps)
    others = t("chart.others")

    def titled(key: str, total: int) -> str:
        if total <= caps.MAX_CHART_ITEMS:
            return t(key)
        return t("chart.largest", title=t(key), shown=caps.MAX_CHART_ITEMS, total=total)

    reductions, towns = caps.largest(reductions, "municipality", "reduction_tco2e", others)
    if "agreement_title" in fulfilment:  # an agreement by its title, as the tables print it
        fulfilment = fulfilment.assign(agreement=fulfilment["agreement_title"])
    fulfilment, agreements = caps.largest(fulfilment, "agreement", "committed", others)
    holdings = held.assign(label=labels).groupby("label")["quantity"].sum()
    sectors = [f"{s}_tco2e" for s in SECTORS] + ["removals_tco2e"]
    sectors = [c for c in sectors if plan[c].abs().sum() > 0] or ["removals_tco2e"]
    target = float(plan["target_tco2e"].iloc[0]) if "target_tco2e" in plan and len(plan) else None
    plan_by_fy = plan.assign(**by_fy).set_index("fy")
    return {
        "municipality": charts.stacked_bars(
            reductions, "fy", "municipality", "reduction_tco2e",
            titled("chart.by_municipality", towns), unit, fy_axis, t("chart.nothing"),
        ),
        "method": charts.stacked_bars(
            reductions, "fy", "method", "reduction_tco2e",
            t("chart.by_method"), unit, fy_axis, t("chart.nothing"),
        ),
        "credits": charts.grouped_bars(
            words(summary.assign(**by_fy), ["fy", "issued", "delivered", "retired"]),
            column_label("fy", lang), t("chart.credits"), credits, fy_axis, t("chart.nothing"),
        ),
        "fulfilment": charts.grouped_bars(
            words(fulfilment, ["agreement", "committed", "delivered", "shortfall"]),
            column_label("agreement", lang), titled("chart.fulfilment", agreements), credits,
            column_label("agreement", lang), t("chart.nothing"),
        ),
        "balances": charts.horizontal_bars(
            caps.largest_of(holdings, others), titled("chart.balances", len(holdings)),
            credits, t("chart.nothing"),
        ),
        "plan": charts.stacked_columns(
            plan_by_fy[sectors].rename(columns=lambda c: column_label(c, lang)),
            t("chart.plan"), unit, fy_axis, t("chart.nothing"),
            target=target, target_label=t("chart.target"),
        ),
    }  # fmt: skip


def _method_charts(plan: pd.DataFrame, lang: Lang) -> list[str]:
    """The charts the methods add beside the 実行計画 table (`Method.charts`): PV capacity."""
    fy = column_label("fy", lang)
    shown = plan.assign(fy=plan["fy"].map(lambda v: fy_label(v, lang)))
    return [
        charts.grouped_bars(
            shown[["fy", *chart.columns]].rename(columns=lambda c: column_label(c, lang)),
            fy, in_language(chart.title, lang), in_language(chart.unit, lang), fy,
            term("chart.nothing", lang),
        )
        for method in METHODS.values()
        for chart in method.charts
    ]  # fmt: skip


def provenance(
    manifest: dict[str, Any], lang: Lang = "en", titles: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The workbook's provenance sheet: what produced the figures (engine, scenario file, year
    rule) and every factor table with its content hash, the same values `manifest.json` holds;
    a project's input named by its title (`titles`), its key in the `project` column."""
    titles = titles or {}
    scenario = manifest["scenario"]

    def t(key: str, **params: object) -> str:
        return term(key, lang, **params)

    rows: list[dict[str, object]] = [
        {"item": t("item.engine"), "value": f"offset {manifest['engine']['version']}"},
        {"item": t("item.created"), "value": shown_time(manifest["created"], lang)},
        {"item": t("item.scenario_file"), "value": scenario["file"]},
        {"item": t("item.scenario_sha256"), "value": scenario["sha256"]},
        {
            "item": t("item.factor_year"),
            "value": messages.text(years.describe(manifest["factor_year"]["rule"]), lang),
        },
        {"item": t("item.factor_overlay"), "value": manifest["factor_overlay"] or ""},
    ]
    for table in manifest["factor_tables"]:
        rows.append(
            {
                "item": t("item.factor_table", name=table["table"]),
                "value": table["sha256"],
                "rows": table["rows"],
                "unverified_rows": table["unverified_rows"],
                "origins": ", ".join(table["origins"]),
            }
        )
    for item in manifest["inputs"]:
        project = item["project"]
        rows.append({"item": t("item.input", name=titles.get(project, project)),
                     "value": item["sha256"], "rows": item["rows"], "origins": item["file"],
                     "project": project})  # fmt: skip
    columns = ["item", "value", "rows", "unverified_rows", "origins", "project"]
    return pd.DataFrame(rows, columns=columns)
