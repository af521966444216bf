"""The catalog (`tables.toml`): what each factor table is keyed by and which unit it declares."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from offset.common.problems import InputError, Problem

YearRule = Literal["yearly", "valid_from"]
YearBasis = Literal["results_year", "reporting_year"]
YEAR_BASES = ("results_year", "reporting_year")

CATALOG_FILE = "tables.toml"
PROVENANCE_COLUMNS = ("source", "publisher", "published", "url", "confidence")
CONFIDENCE_LEVELS = ("confirmed", "secondary", "derived", "unverified")


@dataclass(frozen=True)
class Fallback:
    """One step of a fallback policy: substitute key values, and/or accept an earlier FY."""

    substitute: Mapping[str, str] = field(default_factory=dict)
    earlier_year: bool = False
    max_years_back: int | None = None  # how stale an earlier FY may be; None: no limit
    # requests whose key holds one of these values skip this step (e.g. the national average is
    # never replaced by the 代替値: they are different figures)
    skip: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    label: str = ""  # the rule in words, as results and manifests name it

    def describe(self) -> str:
        if self.label:
            return self.label
        parts = [f"{k}={v}" for k, v in self.substitute.items()]
        if self.earlier_year:
            limit = f" (at most {self.max_years_back} FYs back)" if self.max_years_back else ""
            parts.append(f"latest earlier FY{limit}")
        return ", ".join(parts) or "exact"


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    description: str
    keys: tuple[str, ...]
    year: str | None = None
    year_rule: YearRule | None = None
    year_basis: YearBasis | None = None  # yearly tables: what their year column means
    unit: str | None = None
    units: Mapping[str, str] = field(default_factory=dict)
    fallbacks: tuple[Fallback, ...] = ()
    # a key column a CSV may leave out, and the value its rows then take (a table that gained a
    # key keeps reading the files written before it)
    key_defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (*self.keys, self.year) if self.year else self.keys

    def declared_unit(self, parameter: str | None) -> str | None:
        """The unit a row must convert to: the table's, or the one declared for its parameter."""
        if self.unit is not None:
            return self.unit
        return self.units.get(parameter or "")

    def fallback_levels(self) -> tuple[str, ...]:
        """Human names of the selection levels: level 0 is the normal rule."""
        base = "exact key and FY" if self.year_rule == "yearly" else "exact key"
        if self.year_rule == "valid_from":
            base = "exact key, latest valid_from FY"
        return (base, *(f.describe() for f in self.fallbacks))

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> TableSpec:
        fallbacks = tuple(
            Fallback(
                substitute=dict(f.get("substitute", {})),
                earlier_year=bool(f.get("earlier_year", False)),
                max_years_back=f.get("max_years_back"),
                skip={k: tuple(v) for k, v in f.get("skip", {}).items()},
                label=str(f.get("label", "")),
            )
            for f in data.get("fallback", ())
        )
        basis = data.get("year_basis")
        return cls(
            name=name,
            file=str(data["file"]),
            description=str(data.get("description", "")),
            keys=tuple(data["keys"]),
            year=data.get("year"),
            year_rule=data.get("year_rule"),
            year_basis=basis,
            unit=data.get("unit"),
            units=dict(data.get("units", {})),
            fallbacks=fallbacks,
            key_defaults=dict(data.get("key_defaults", {})),
        )


def spec_problems(name: str, data: object) -> list[str]:
    """What is wrong with one table's entry in a catalog (a user's overlay may hold anything)."""
    if not isinstance(data, Mapping):
        return ["a table entry is a [table] with file, keys and unit"]
    problems = []
    if not isinstance(data.get("file"), str) or not data["file"].endswith(".csv"):
        problems.append("file: the table's CSV file name (NAME.csv)")
    keys = data.get("keys")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        problems.append("keys: a list of the columns that key a row")
    if ("unit" in data) == ("units" in data):
        problems.append("declare exactly one of unit (one unit) or units (one per parameter)")
    rule = data.get("year_rule")
    if rule not in (None, "yearly", "valid_from"):
        problems.append("year_rule: yearly or valid_from")
    if rule == "yearly" and data.get("year_basis") not in YEAR_BASES:
        problems.append(f"a yearly table declares year_basis: {' or '.join(YEAR_BASES)}")
    fallbacks = data.get("fallback", [])
    if not isinstance(fallbacks, list) or not all(isinstance(f, Mapping) for f in fallbacks):
        problems.append("fallback: a list of [[NAME.fallback]] tables")
    elif not all(
        isinstance(f.get("skip", {}), Mapping)
        and all(isinstance(v, list) for v in f.get("skip", {}).values())
        for f in fallbacks
    ):
        problems.append("fallback skip: a table of key column = [values]")
    defaults = data.get("key_defaults", {})
    if not isinstance(defaults, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and isinstance(keys, list) and k in keys
        for k, v in defaults.items()
    ):
        problems.append("key_defaults: a table of key column = value, for columns in keys")
    return problems


def load_catalog(directory: Path) -> dict[str, TableSpec]:
    """Read `tables.toml` from a factor directory; InputError lists every problem in it."""
    path = directory / CATALOG_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError([Problem(str(path), None, None, f"cannot read the catalog: {e}")]) from e
    problems = [
        Problem(str(path), None, None, why, key=name)
        for name, data in raw.items()
        for why in spec_problems(name, data)
    ]
    if problems:
        raise InputError(problems)
    return {name: TableSpec.from_dict(name, data) for name, data in raw.items()}
