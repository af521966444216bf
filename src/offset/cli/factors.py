"""`offset factors list|show|check`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from offset.cli.console import err, fail, out
from offset.cli.options import LangOption, choose_language
from offset.common.problems import InputError

if TYPE_CHECKING:
    from offset.common.messages import Msg
    from offset.factors import FactorLibrary

app = typer.Typer(no_args_is_help=True, help="Inspect and check factor tables.")

SHOWN_COLUMNS = ("value", "unit", "confidence", "published", "publisher", "source")


def _library(overlay: Path | None) -> FactorLibrary:
    from offset.factors import FactorLibrary  # pandas and pint load here, not for the help

    library = FactorLibrary(overlay=overlay)
    try:
        library.specs  # noqa: B018 -- reads the catalogs: a broken overlay is named here
    except InputError as e:
        raise fail(e, "nothing was read") from e
    return library


@app.command("list")
def list_tables(
    scenarios: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[SCENARIO]...",
            help="Scenario files, as --scenario takes them (a shell's scenarios/*.toml)",
            show_default=False,
        ),
    ] = None,
    factors: Annotated[
        Path | None, typer.Option("--factors", help="Your factor directory, layered")
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            help="Count the rows these scenarios' runs use, and the unverified ones among them",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """List the factor tables with their rows, unverified rows and content hash; given
    scenarios, the rows their runs use."""
    choose_language(lang)
    if scenario or scenarios:
        _list_use([*(scenarios or []), *(scenario or [])])
        return
    library = _library(factors)
    from offset.common.messages import Msg, text

    table = Table(title=text(Msg("factors.tables_title", directory=str(library.directory))))
    table.add_column(_heading("table"), no_wrap=True)
    for column in ("rows", "unverified", "keyed by", "unit", "sha256", "description"):
        table.add_column(_heading(column), overflow="fold")
    try:
        for name in library:
            t = library[name]
            unit = t.spec.unit or ", ".join(f"{k}: {v}" for k, v in t.spec.units.items())
            keys = ", ".join(t.spec.key_columns)
            table.add_row(
                name,
                str(len(t.rows)),
                str(int(t.unverified.sum())),
                keys,
                unit,
                t.content_hash[:12],
                t.spec.description,
            )
    except InputError as e:
        raise fail(e) from e
    out.print(table)


def _list_use(files: list[Path]) -> None:
    """Per table: the rows the scenarios' runs use and the unverified ones (with their ids)."""
    from offset.common.messages import Msg, text
    from offset.factors import FactorLibrary
    from offset.scenario import Scenario
    from offset.scenario.factor_use import factor_use

    used: dict[str, set[str]] = {}
    flagged: dict[str, set[str]] = {}
    stale: dict[str, dict[str, set[int]]] = {}
    try:
        for file in files:
            scenario = Scenario.from_toml(file)
            library = FactorLibrary(overlay=scenario.factor_overlay())
            for name, use in factor_use(scenario, library).items():
                used.setdefault(name, set()).update(use.ids)
                flagged.setdefault(name, set()).update(use.unverified)
                for factor_id, years in use.stale.items():
                    stale.setdefault(name, {}).setdefault(factor_id, set()).update(years)
    except InputError as e:
        raise fail(e) from e
    table = Table(title=text(Msg("factors.used_title", files=", ".join(map(str, files)))))
    for column in ("table", "rows used", "unverified", "unverified rows", "stale", "stale rows"):
        table.add_column(_heading(column), overflow="fold")
    for name in sorted(used):
        ids = sorted(flagged[name])
        shown = ", ".join(i.split(":", 1)[1] for i in ids[:6]) + (" ..." if len(ids) > 6 else "")
        old = stale.get(name, {})
        standing_in = ", ".join(
            f"{i.split(':', 1)[1]} for FY{'/'.join(map(str, sorted(old[i])))}" for i in sorted(old)
        )
        table.add_row(name, str(len(used[name])), str(len(ids)), shown, str(len(old)), standing_in)
    out.print(table)
    total = sum(len(v) for v in flagged.values())
    out.print(text(Msg("factors.unverified_in_use", count=total)))
    wanted = sorted({y for table_use in stale.values() for ys in table_use.values() for y in ys})
    if wanted:
        count = sum(len(v) for v in stale.values())
        lacking = ", ".join(map(str, wanted))
        out.print(text(Msg("factors.stale_in_use", count=count, years=lacking)), markup=False)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Table name (see `offset factors list`)")],
    factors: Annotated[
        Path | None, typer.Option("--factors", help="Your factor directory, layered")
    ] = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="Print every column as CSV (fuel: the derived factors)")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Show one table's rows with their provenance (fuel: also the derived CO2 per unit), and
    the spellings a file may write for its keys (species, fuels, heating appliances)."""
    from offset.factors.fuel import co2_per_unit

    choose_language(lang)
    library = _library(factors)
    if name not in library.specs:
        raise typer.BadParameter(f"no table {name!r}; tables: {', '.join(library.specs)}")
    try:
        t = library[name]
    except InputError as e:
        raise fail(e) from e
    if csv:
        frame = co2_per_unit(t) if name == "fuel" else t.rows
        sys.stdout.write(frame.to_csv(index=False))
        return
    rows = Table(title=f"{name}: {t.spec.description} (sha256 {t.content_hash[:12]})")
    # a Japanese name beside the key (スギ beside sugi): what an office's files write for it
    named = ["name_ja"] if "name_ja" in t.rows.columns else []
    columns = [*t.spec.key_columns, *named, *SHOWN_COLUMNS]
    for column in columns:
        rows.add_column(_heading(column), overflow="fold")
    for _, row in t.rows.iterrows():
        rows.add_row(*(str(row[c]) for c in columns))
    out.print(rows)
    if name == "fuel":
        derived = co2_per_unit(t)
        table = Table(title="derived: t CO2 per unit = heat value x carbon factor x 44/12")
        for column in derived.columns:
            table.add_column(column, overflow="fold")
        for _, row in derived.iterrows():
            table.add_row(*(str(v) for v in row))
        out.print(table)
    _print_spellings(library, name)  # last: what an unknown 樹種's error sent the reader for


def _heading(column: str) -> str:
    """A column's heading in the reader's language (its name where the catalogue has none)."""
    from offset.common.messages import CATALOGUE, Msg, text

    key = f"factors.column.{column}"
    return text(Msg(key)) if key in CATALOGUE else column


def _print_spellings(library: FactorLibrary, name: str) -> None:
    """Each key of the table with every spelling a file may write for it, where a column names
    the table's keys: what an unknown 樹種 (fuel, appliance) error sends an office here for."""
    import jaconv
    from rich.markup import escape

    from offset.common.messages import Msg, text
    from offset.intake.vocabulary import named_keys

    names = named_keys(library, name)
    if names is None:
        return
    kana = next((n for more in names.values() for n in more if jaconv.kata2hira(n) != n), None)
    example = (
        Msg("factors.spellings.example", half=jaconv.z2h(kana, kana=True),
            hira=jaconv.kata2hira(kana), name=kana)
        if kana is not None else ""
    )  # fmt: skip
    said = text(Msg("factors.spellings", table=name, example=example))
    table = Table(title=escape(said))  # [values.列名] is not markup
    table.add_column(_heading("key"), no_wrap=True)
    table.add_column(_heading("spellings"), overflow="fold")
    for key, more in names.items():
        table.add_row(key, "、".join(dict.fromkeys(more)))
    out.print(table)


@app.command("check")
def check(
    directory: Annotated[Path, typer.Argument(help="A factor directory with the shipped layout")],
) -> None:
    """Validate your factor directory, layered over the shipped tables; exit 2 on any problem."""
    if not directory.is_dir():
        raise typer.BadParameter(f"{directory} is not a directory")
    library = _library(directory)
    problems = library.check_overlay() + library.check()
    if problems:
        raise fail(InputError(problems), headline=f"{directory} is not valid")
    out.print(f"[green]ok:[/] {len(library.specs)} tables valid with {directory} layered")


@app.command("import-grid")
def import_grid(
    source: Annotated[
        Path,
        typer.Argument(
            help="The MOE/METI list 電気事業者別排出係数: its Excel workbook (.xlsx) or the text"
            " of its PDF (pdftotext -layout LIST.pdf LIST.txt)"
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="Your factor directory (created if need be); use it with --factors DIR, or"
            " factors = DIR in a scenario",
        ),
    ],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The workbook's sheet (default: the first)")
    ] = None,
    confidence: Annotated[
        str,
        typer.Option(
            "--confidence",
            help="confirmed (the ministries' own file, default) or secondary (a copy of it)",
        ),
    ] = "confirmed",
    url: Annotated[
        str, typer.Option("--url", help="Where the list was downloaded from")
    ] = "https://policies.env.go.jp/earth/ghg-santeikohyo/calc.html",
) -> None:
    """Read a grid list as published into DIR/grid_electricity.csv: every row, or nothing.

    The results year comes from the list's title (-R6年度実績- is FY2024); that FY's rows in DIR
    are replaced. Every line not read is named with its number, and nothing is written.
    """
    from offset.factors import FactorLibrary
    from offset.factors.grid_import import import_grid as run_import

    library = _library(None)
    try:
        done = run_import(
            source,
            into,
            library.specs["grid_electricity"],
            library["grid_electricity"].rows,
            sheet=sheet,
            confidence=confidence,
            url=url,
        )
    except InputError as e:
        raise fail(e, "nothing was written") from e
    _print_notices(done.notices)
    published = done.published or "no date in the title"
    out.print(
        f"FY{done.results_fy} results list (published {published}): {done.suppliers} suppliers,"
        f" {done.rows} rows; national average {done.national_average}, 代替値 {done.alternative}"
    )
    out.print(f"wrote {done.target} ({done.replaced} rows of FY{done.results_fy} replaced)")
    layered = FactorLibrary(overlay=into)
    if problems := layered.check_overlay() + layered.check():
        raise fail(InputError(problems), headline=f"{into} is not valid")
    out.print(f'use it: --factors {into} (offset calc), or factors = "{into}" in a scenario')


@app.command("import-yield")
def import_yield(
    source: Annotated[
        Path,
        typer.Argument(
            help="The yield table (収穫表) as published, CSV or Excel: a line per 齢級 (or 林齢),"
            " a column per 地位, stand volume m3/ha"
        ),
    ],
    into: Annotated[
        Path, typer.Option("--into", help="Your factor directory (created if need be)")
    ],
    region: Annotated[
        str, typer.Option("--region", help="The key rows name in 収穫表 (yield_region)")
    ],
    species: Annotated[str, typer.Option("--species", help="A forest_species key (sugi)")],
    source_name: Annotated[str, typer.Option("--source", help="The document's title as published")],
    publisher: Annotated[str, typer.Option("--publisher", help="Who published it (長野県)")],
    published: Annotated[str, typer.Option("--published", help="When (a year or a date)")],
    url: Annotated[str, typer.Option("--url", help="Where it was read")] = "",
    confidence: Annotated[
        str,
        typer.Option(
            "--confidence", help="confirmed (the publisher's own table, default) or secondary"
        ),
    ] = "confirmed",
    lang: LangOption = None,
) -> None:
    """Read a prefecture's 収穫表 into DIR/forest_yield.csv, checked, with its source.

    Every cell must be a volume above 0 that rises with age, and every age class between the
    first and the last must be there; each problem names its line and column, and nothing is
    written then. The region and species' rows in DIR are replaced.
    """
    from offset.factors import FactorLibrary
    from offset.factors.yield_import import Provenance
    from offset.factors.yield_import import import_yield as run_import

    choose_language(lang)
    library = _library(None)
    known = set(library["forest_species"].rows["species"].astype(str))
    if species not in known:
        raise typer.BadParameter(f"unknown species {species!r}; known: {', '.join(sorted(known))}")
    provenance = Provenance(source_name, publisher, published, url, confidence)
    try:
        done = run_import(
            source,
            into,
            library.specs["forest_yield"],
            region=region,
            species=species,
            provenance=provenance,
        )
    except InputError as e:
        raise fail(e, "nothing was written") from e
    _print_notices(done.notices)
    first, last = done.age_classes
    sites = ", ".join(map(str, done.site_classes))
    out.print(
        f"{region}/{species}: {done.rows} rows, 齢級 {first}-{last}, 地位 {sites}"
        f" ({done.replaced} rows replaced)"
    )
    out.print(f"wrote {done.target}")
    layered = FactorLibrary(overlay=into)
    if problems := layered.check_overlay() + layered.check():
        raise fail(InputError(problems), headline=f"{into} is not valid")
    out.print(f'use it: --factors {into} and 収穫表 = {region} in the rows (or factors = "{into}")')


def _print_notices(notices: tuple[Msg, ...]) -> None:
    """What reading an imported file said (a workbook's hidden rows read, its other sheets)."""
    from offset.common.messages import text

    for notice in notices:
        err.print(text(notice), style="dim", markup=False)
