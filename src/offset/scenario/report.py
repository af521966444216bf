"""The run's report: `report.html` (self-contained), the tables as CSV and Excel, a manifest.

Every file is written to a temporary name and moved into place, so an interrupted run never
leaves a half-written report that looks complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from offset import __version__
from offset.output import (
    DEFAULT_CSV_ENCODING,
    write_bytes,
    write_frame,
    write_json,
    write_sheets,
    write_text,
)
from offset.pdf import html_to_pdf
from offset.scenario import charts

TEMPLATE = "report.html.j2"


@dataclass
class Report:
    title: str
    description: str
    tables: dict[str, pd.DataFrame]  # name -> table, in the order the workbook shows them
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    csv_encoding: str = DEFAULT_CSV_ENCODING  # of the tables/ CSVs handed in

    def write(self, out: Path, pdf: bool = False) -> list[Path]:
        """Write everything under `out` (with `pdf`, report.pdf too); returns the files written."""
        written = []
        for name, table in self.tables.items():
            write_frame(table, out / "tables" / f"{name}.csv", self.csv_encoding)
            written.append(out / "tables" / f"{name}.csv")
        write_sheets(self.tables | {"provenance": provenance(self.manifest)}, out / "report.xlsx")
        page = self.html()
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
        return (
            f"{m['scenario']['name']} · scenario sha256 {m['scenario']['sha256'][:12]}"
            f" · factor tables sha256 {tables[:12]} · grid year rule {m['factor_year']['rule']}"
            f" · offset {m['engine']['version']} · {m['created']} · manifest.json lists every"
            " input, factor row and ledger entry"
        )

    def html(self) -> str:
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(
            loader=PackageLoader("offset.scenario", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
        )
        return env.get_template(TEMPLATE).render(
            title=self.title,
            description=self.description,
            manifest=self.manifest,
            warnings=self.warnings,
            restated=not self.tables["restatements"].empty,
            tables={name: _html_table(t) for name, t in self.tables.items()},
            pivots=_pivots(self.tables),
            charts=_charts(self.tables),
            engine=__version__,
        )


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(
        index=False,
        border=0,
        classes="data",
        na_rep="",
        float_format=lambda v: f"{v:,.3f}",
    )


def _pivots(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    reductions = tables["reductions"]
    out = {}
    for key in ("municipality", "method"):
        pivot = reductions.pivot_table(
            index=key, columns="fy", values="reduction_tco2e", aggfunc="sum", fill_value=0.0
        )
        pivot.columns = [f"FY{c}" for c in pivot.columns]
        out[key] = pivot.reset_index().to_html(
            index=False, border=0, classes="data", float_format=lambda v: f"{v:,.1f}"
        )
    return out


def _charts(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    reductions, summary = tables["reductions"], tables["summary"]
    fulfilment, balances = tables["fulfilment"], tables["balances"]
    held = balances[balances["kind"].isin(["holding", "retirement"])]
    return {
        "municipality": charts.stacked_bars(
            reductions, "fy", "municipality", "reduction_tco2e",
            "Reductions by municipality", "t-CO2e",
        ),
        "method": charts.stacked_bars(
            reductions, "fy", "method", "reduction_tco2e", "Reductions by method", "t-CO2e"
        ),
        "credits": charts.grouped_bars(
            summary, "fy", ["issued", "delivered", "retired"],
            "Credits issued, delivered and retired", "credits (t-CO2e)",
        ),
        "fulfilment": charts.grouped_bars(
            fulfilment, "agreement", ["committed", "delivered", "shortfall"],
            "Agreement fulfilment, all FYs", "credits (t-CO2e)",
        ),
        "balances": charts.horizontal_bars(
            held.assign(label=held["name"] + " (" + held["kind"] + ")")
            .groupby("label")["quantity"].sum(),
            "Credits held and retired per party", "credits (t-CO2e)",
        ),
    }  # fmt: skip


def created_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def provenance(manifest: dict[str, Any]) -> pd.DataFrame:
    """The workbook's provenance sheet: what produced the figures (engine, scenario file, year
    rule) and every factor table with its content hash, the same values `manifest.json` holds."""
    scenario = manifest["scenario"]
    rows: list[dict[str, object]] = [
        {"item": "engine", "value": f"offset {manifest['engine']['version']}"},
        {"item": "created", "value": manifest["created"]},
        {"item": "scenario file", "value": scenario["file"]},
        {"item": "scenario sha256", "value": scenario["sha256"]},
        {"item": "factor year rule", "value": manifest["factor_year"]["meaning"]},
        {"item": "factor overlay", "value": manifest["factor_overlay"] or ""},
    ]
    for table in manifest["factor_tables"]:
        rows.append(
            {
                "item": f"factor table {table['table']}",
                "value": table["sha256"],
                "rows": table["rows"],
                "unverified_rows": table["unverified_rows"],
                "origins": ", ".join(table["origins"]),
            }
        )
    for item in manifest["inputs"]:
        rows.append({"item": f"input {item['project']}", "value": item["sha256"],
                     "rows": item["rows"], "origins": item["file"]})  # fmt: skip
    return pd.DataFrame(rows)
