"""`offset factors import-yield`: a prefecture's yield table (収穫表) as it publishes it, into a
factor directory of your own.

The layout prefectures print: one row per 齢級 (`1`, `1齢級`, `Ⅰ`; or per 林齢 in years, `5`,
`10`, ..., read as the class they end), one column per 地位 (`1`, `地位1`, `1等地`, `Ⅰ`, or
上/中/下 as 1/2/3), stand volume (m3/ha) in the cells, a title line above the header allowed.
One table is one region and species (`--region`, `--species`). Before anything is written,
every cell is checked: a number above 0, volumes rising with age in each site class, and every
class between the first and the last present (a growth is the difference of two neighbouring
classes); each problem names the line and the column. The directory's `forest_yield.csv` keeps
its other tables; this region and species' rows are replaced, each with the source given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.factors.catalog import CONFIDENCE_LEVELS, TableSpec
from offset.factors.csv_files import write_atomically
from offset.factors.table import validate

COLUMNS = (
    "region", "species", "site_class", "age_class", "value", "unit", "source", "publisher",
    "published", "url", "confidence", "note",
)  # fmt: skip
AGE_CLASS_YEARS = 5
_CLASS_HEADERS = ("齢級", "林齢", "age_class", "age")
_SITE_WORDS = {"上": 1, "中": 2, "下": 3}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Provenance:
    """Where the table was published: every row written carries it."""

    source: str
    publisher: str
    published: str
    url: str = ""
    confidence: str = "confirmed"


@dataclass(frozen=True)
class ImportedYield:
    rows: int
    site_classes: tuple[int, ...]
    age_classes: tuple[int, int]
    replaced: int
    target: Path
    notices: tuple[Msg, ...] = ()  # what reading the file said (a workbook's hidden rows read)


def import_yield(
    source: Path,
    into: Path,
    spec: TableSpec,
    *,
    region: str,
    species: str,
    provenance: Provenance,
) -> ImportedYield:
    """Read the table in `source` and write its rows into `into`/forest_yield.csv.

    InputError: every cell or line that is not right; nothing is written then."""
    file = str(source)
    if provenance.confidence not in CONFIDENCE_LEVELS:
        levels = ", ".join(CONFIDENCE_LEVELS)
        raise InputError([Problem(file, None, None, Msg("grid.confidence", levels=levels))])
    if not source.is_file():
        raise InputError([Problem(file, None, None, Msg("file.not_found"))])
    new, problems, notices = read_table(source, region, species, provenance)
    if problems:
        raise InputError(problems)
    target = into / spec.file
    before = _read(target)
    same = (before["region"] == region) & (before["species"] == species)
    merged = pd.concat([before[~same], new], ignore_index=True).fillna("")
    _, problems = validate(spec, merged.astype(str), str(target))
    if problems:
        raise InputError(problems)
    into.mkdir(parents=True, exist_ok=True)
    write_atomically(target, merged)
    sites = tuple(sorted({int(s) for s in new["site_class"]}))
    classes = [int(a) for a in new["age_class"]]
    return ImportedYield(
        len(new), sites, (min(classes), max(classes)), int(same.sum()), target, notices
    )


def read_table(
    source: Path, region: str, species: str, provenance: Provenance
) -> tuple[pd.DataFrame, list[Problem], tuple[Msg, ...]]:
    """The table's rows in `forest_yield`'s columns, every problem found, and what reading the
    file said (a workbook's hidden rows read, its other sheets)."""
    file = str(source)
    grid, notices = _cells(source)
    at = _header_row(grid)
    if at is None:
        message = Msg("yield.no_header", names=" / ".join(_CLASS_HEADERS))
        return pd.DataFrame(columns=list(COLUMNS)), [Problem(file, None, None, message)], notices
    header = [_text(v) for v in grid.iloc[at]]
    in_years = _plain(header[0]) in ("林齢", "age")
    problems: list[Problem] = []
    sites: dict[int, int] = {}
    for j, name in enumerate(header[1:], start=1):
        if not name:
            continue
        site = site_class(name)
        if site is None:
            problems.append(Problem(file, None, name, Msg("yield.site", header=name)))
        else:
            sites[j] = site
    body = grid.iloc[at + 1 :]
    records: list[dict[str, object]] = []
    classes: list[int] = []
    for i, row in body.iterrows():  # a yield table has tens of rows: read as it is printed
        line = int(str(i)) + 1
        label = _text(row.iloc[0])
        if not label and all(_text(v) == "" for v in row):
            continue
        klass = age_class(label, in_years)
        if klass is None:
            problems.append(Problem(file, line, header[0], Msg("yield.class", value=label)))
            continue
        classes.append(klass)
        for j, site in sites.items():
            value = _number(row.iloc[j]) if j < len(row) else None
            if value is None or not value > 0:
                cell = _text(row.iloc[j]) if j < len(row) else ""
                problems.append(Problem(file, line, header[j], Msg("yield.volume", value=cell)))
                continue
            records.append(
                {"site_class": site, "age_class": klass, "value": value, "line": line,
                 "column": header[j]}
            )  # fmt: skip
    problems += _gaps(file, classes, header[0])
    table = pd.DataFrame.from_records(
        records, columns=["site_class", "age_class", "value", "line", "column"]
    )
    problems += _falling(file, table)
    out = table.assign(
        region=region,
        species=species,
        unit="m**3/ha",
        source=provenance.source,
        publisher=provenance.publisher,
        published=provenance.published,
        url=provenance.url,
        confidence=provenance.confidence,
        note=f"imported by offset factors import-yield from {source.name}",
    )
    return out.reindex(columns=list(COLUMNS)), problems, notices


def site_class(name: str) -> int | None:
    """地位 as a header writes it: 1, 地位1, 1等地, 地位級Ⅱ, Ⅲ, 上/中/下 (1/2/3)."""
    plain = _plain(name)
    for word in ("地位級", "地位", "等地", "級", "site", "class"):
        plain = plain.replace(word, "")
    plain = plain.strip(" ()")
    if plain in _SITE_WORDS:
        return _SITE_WORDS[plain]
    return _integer(plain)


def age_class(label: str, in_years: bool) -> int | None:
    """齢級 as a line writes it (7, 7齢級, Ⅶ); under a 林齢 header, the age ending its class
    (35 -> 7)."""
    plain = _plain(label).removesuffix("齢級").removesuffix("年生").removesuffix("年").strip()
    value = _integer(plain)
    if value is None or value < 1:
        return None
    if in_years:
        return value // AGE_CLASS_YEARS if value % AGE_CLASS_YEARS == 0 else None
    return value


def _gaps(file: str, classes: list[int], header: str) -> list[Problem]:
    if not classes:
        return [Problem(file, None, header, Msg("yield.empty"))]
    seen = sorted(set(classes))
    missing = sorted(set(range(seen[0], seen[-1] + 1)) - set(seen))
    repeated = sorted({c for c in classes if classes.count(c) > 1})
    problems = []
    if missing:
        message = Msg("yield.gap", classes=", ".join(map(str, missing)))
        problems.append(Problem(file, None, header, message))
    if repeated:
        message = Msg("yield.repeat", classes=", ".join(map(str, repeated)))
        problems.append(Problem(file, None, header, message))
    return problems


def _falling(file: str, table: pd.DataFrame) -> list[Problem]:
    """Cells whose volume is below the class before it in the same site class."""
    ordered = table.sort_values(["site_class", "age_class"])
    previous = ordered.groupby("site_class")["value"].shift()
    falling = ordered[(ordered["value"] < previous).to_numpy(dtype=bool)]
    before = previous[falling.index].tolist()
    lines = falling["line"].astype(int).tolist()
    return [
        Problem(file, line, str(column), Msg("yield.falling", value=value, before=earlier))
        for line, column, value, earlier in zip(
            lines, falling["column"], falling["value"], before, strict=True
        )
    ]


def _cells(source: Path) -> tuple[pd.DataFrame, tuple[Msg, ...]]:
    """The file's cells, read as every office file is (`common.sheets`: CSV as UTF-8 or CP932,
    strictly; a workbook's first visible sheet, a damaged or hostile workbook refused with its
    name), each empty cell None; and what the reading says (hidden rows or sheets)."""
    from offset.common.sheets import read_grid

    grid = read_grid(source)
    cells = grid.cells.astype(object)
    return cells.where(grid.cells.notna(), None), grid.notices


def _header_row(grid: pd.DataFrame) -> int | None:
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        first = _plain(_text(grid.iloc[r, 0]))
        if first in _CLASS_HEADERS or first in ("齢級/地位", "齢級\\地位", "林齢/地位"):
            return r
    return None


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip()


def _integer(text: str) -> int | None:
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"[IVXL]+", text):
        values = [_ROMAN[c] for c in text]
        return sum(
            -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
        )
    return None


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None if value != value else float(value)
    text = _plain(_text(value)).replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _read(target: Path) -> pd.DataFrame:
    if not target.is_file():
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig")
