"""One factor table: rows with provenance, validated once at load, with a content hash."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.common.kept import keep
from offset.common.problems import InputError, Problem
from offset.factors.catalog import CONFIDENCE_LEVELS, PROVENANCE_COLUMNS, TableSpec

_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CSV_FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet shows it
T = TypeVar("T")


@dataclass(frozen=True)
class FactorTable:
    """Validated rows of one table.

    `rows` holds the key columns, `value` and `unit` as published, `canonical` (the value in the
    declared unit, what kernels use), provenance, `factor_id` and `origin` (which file won).
    """

    spec: TableSpec
    rows: pd.DataFrame
    content_hash: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def canonical(self) -> npt.NDArray[np.float64]:
        return self.rows["canonical"].to_numpy(dtype=np.float64)

    @functools.cached_property
    def _manifest_entry(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "sha256": self.content_hash,
            "rows": len(self.rows),
            "origins": sorted(set(self.rows["origin"])),
            "unverified_rows": int(self.unverified.sum()),
        }

    def manifest_entry(self) -> dict[str, Any]:
        """What a result's record says of this table (built once: every result carries it)."""
        return dict(self._manifest_entry)

    @functools.cached_property
    def _derived(self) -> dict[Hashable, Any]:
        return {}

    def derived(self, key: Hashable, build: Callable[[FactorTable], T]) -> T:
        """What `build` makes of this table, made once per table and `key` (a table never
        changes once read): constants a kernel folds from it, for every FY and call of a run."""
        if key not in self._derived:
            self._derived[key] = build(self)
        made: T = self._derived[key]
        return made

    @functools.cached_property
    def _resolved(self) -> dict[bytes, tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]]:
        return {}

    def resolved(
        self,
        request: bytes,
        resolve: Callable[[], tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]],
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]:
        """The rows (and fallback levels) `select` found for a request of distinct keys
        (`request`, its bytes), found once per table: the same keys are asked for again by
        every FY, project and run of a process. Read-only arrays."""
        if (known := self._resolved.get(request)) is None:
            rows, levels = resolve()
            rows.setflags(write=False)
            levels.setflags(write=False)
            known = keep(self._resolved, request, (rows, levels), RESOLVED_KEPT)
        return known

    @property
    def unverified(self) -> npt.NDArray[np.bool_]:
        return (self.rows["confidence"] == "unverified").to_numpy()

    @property
    def factor_ids(self) -> pd.Index:
        ids: pd.Index = pd.Index(self.rows["factor_id"].to_numpy(dtype=object))
        return ids

    def lookup(self, **key: object) -> pd.Series:
        """The one row with these key values (for scalars and tests, not for hot paths)."""
        mask = np.ones(len(self.rows), dtype=bool)
        for column, value in key.items():
            mask &= (self.rows[column] == value).to_numpy()
        found = self.rows[mask]
        if len(found) != 1:
            raise KeyError(f"{self.name}: {len(found)} rows match {key}")
        return found.iloc[0]

    def value(self, **key: object) -> float:
        return float(self.lookup(**key)["canonical"])

    @classmethod
    def from_csv(cls, spec: TableSpec, path: Path, origin: str = "shipped") -> FactorTable:
        """The table in `path`, validated; the same bytes read before in this process (by any
        library: each run makes its own) give the table made then, its `derived` constants
        with it."""
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        key = (spec.name, str(path), origin, digest)
        if (known := _READ.get(key)) is not None and known.spec == spec:
            return known
        frame = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        rows, problems = validate(spec, frame, str(path))
        if problems:
            raise InputError(problems)
        rows["origin"] = origin
        table = cls(spec, rows, digest)
        return keep(_READ, key, table, _READ_KEPT)  # a server reading many users' overlays

    def layered(self, overlay: FactorTable) -> FactorTable:
        """This table with `overlay`'s rows added; on the same key the overlay's row wins."""
        keys = list(self.spec.key_columns)
        combined = pd.concat([self.rows, overlay.rows], ignore_index=True)
        combined = combined.drop_duplicates(subset=keys, keep="last").reset_index(drop=True)
        digest = hashlib.sha256((self.content_hash + overlay.content_hash).encode()).hexdigest()
        return FactorTable(self.spec, combined, digest)


#: Tables read in this process, by table, file, origin and the file's SHA-256: a table never
#: changes once read (nothing writes to its rows), so reading the same bytes again is wasted work
#: (about 0.2 s of CPU for the shipped library, which every run and `calc` checks in full).
_READ: dict[tuple[str, str, str, str], FactorTable] = {}
_READ_KEPT = 256
RESOLVED_KEPT = 1024  # distinct requests kept per table (`FactorTable.resolved`)


def _key_column(values: pd.Series) -> pd.Series:
    """Integer keys stay integers (grades, zones, age classes); everything else is text."""
    as_int = pd.to_numeric(values, errors="coerce")
    if len(values) and as_int.notna().all() and (as_int == as_int.round()).all():
        return as_int.astype(np.int64)
    return values.astype(str)


def validate(spec: TableSpec, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one raw table (all text) against its spec; return typed rows and every problem."""
    problems: list[Problem] = []
    absent = {c: v for c, v in spec.key_defaults.items() if c not in frame.columns}
    if absent:
        frame = frame.assign(**absent)
    required = [*spec.key_columns, "value", "unit", *PROVENANCE_COLUMNS]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return frame, [Problem(file, None, c, "required column is missing") for c in missing]
    if frame.empty:
        return frame, [Problem(file, None, None, "the table has no rows")]

    rownum = np.arange(len(frame)) + _CSV_FIRST_DATA_ROW
    rows = frame.copy()
    for column in spec.keys:
        empty = (rows[column].str.strip() == "").to_numpy()
        problems += [Problem(file, int(r), column, "key is empty") for r in rownum[empty]]
        rows[column] = _key_column(rows[column].str.strip())
    if spec.year:
        years = pd.to_numeric(rows[spec.year], errors="coerce")
        bad = years.isna().to_numpy()
        problems += [Problem(file, int(r), spec.year, "not a fiscal year") for r in rownum[bad]]
        rows[spec.year] = years.fillna(-1).astype(np.int64)

    duplicated = rows.duplicated(subset=list(spec.key_columns), keep=False).to_numpy()
    problems += [
        Problem(file, int(r), None, f"duplicate key {tuple(rows.loc[i, list(spec.key_columns)])}")
        for i, r in zip(np.flatnonzero(duplicated), rownum[duplicated], strict=True)
    ]

    values = pd.to_numeric(rows["value"], errors="coerce")
    bad = (values.isna() | ~np.isfinite(values.fillna(0))).to_numpy()
    problems += [
        Problem(file, int(r), "value", f"not a number: {rows['value'].iloc[i]!r}")
        for i, r in zip(np.flatnonzero(bad), rownum[bad], strict=True)
    ]
    rows["value"] = values.astype(np.float64)

    confidence_bad = ~rows["confidence"].isin(CONFIDENCE_LEVELS).to_numpy()
    problems += [
        Problem(
            file,
            int(r),
            "confidence",
            f"{rows['confidence'].iloc[i]!r} is not one of {', '.join(CONFIDENCE_LEVELS)}",
        )
        for i, r in zip(np.flatnonzero(confidence_bad), rownum[confidence_bad], strict=True)
    ]
    for column in ("source", "publisher"):
        empty = (rows[column].str.strip() == "").to_numpy()
        problems += [Problem(file, int(r), column, "provenance is empty") for r in rownum[empty]]
    published_bad = ~rows["published"].str.match(_PUBLISHED).to_numpy()
    problems += [
        Problem(file, int(r), "published", "not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        for r in rownum[published_bad]
    ]

    canonical, unit_problems = _canonical_values(spec, rows, rownum, file)
    rows["canonical"] = canonical
    problems += unit_problems
    rows["factor_id"] = _factor_ids(spec, rows)
    return rows.reset_index(drop=True), problems


def _canonical_values(
    spec: TableSpec, rows: pd.DataFrame, rownum: npt.NDArray[np.int64], file: str
) -> tuple[npt.NDArray[np.float64], list[Problem]]:
    """Each value in its declared unit; one pint conversion per distinct (unit, declared) pair."""
    problems: list[Problem] = []
    parameters = rows["parameter"] if "parameter" in rows else pd.Series([None] * len(rows))
    canonical = np.full(len(rows), np.nan)
    pairs = pd.DataFrame({"unit": rows["unit"].to_numpy(), "parameter": parameters.to_numpy()})
    groups = pairs.groupby(["unit", "parameter"], dropna=False).groups
    for pair, index in groups.items():
        unit, parameter = cast(tuple[object, object], pair)
        positions = np.asarray(index)
        declared = spec.declared_unit(parameter if isinstance(parameter, str) else None)
        if declared is None:
            problems += [
                Problem(file, int(r), "parameter", f"unknown parameter {parameter!r}")
                for r in rownum[positions]
            ]
            continue
        try:
            target = units.first_compatible(str(unit), declared)
            factor = units.scale(str(unit), target)
        except units.UnitError as e:
            problems += [Problem(file, int(r), "unit", str(e)) for r in rownum[positions]]
            continue
        canonical[positions] = rows["value"].to_numpy()[positions] * factor
    return canonical, problems


def _factor_ids(spec: TableSpec, rows: pd.DataFrame) -> pd.Series:
    ident = pd.Series(spec.name + ":", index=rows.index)
    ident += rows[list(spec.keys)].astype(str).agg("/".join, axis=1)
    if spec.year:
        ident += "@" + rows[spec.year].astype(str)
    return ident
