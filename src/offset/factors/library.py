"""The factor library: the shipped tables, optionally layered with a user's directory."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offset.common.problems import InputError, Problem
from offset.common.shipped import shipped_directory
from offset.factors.catalog import TableSpec, load_catalog
from offset.factors.table import FactorTable


@dataclass
class FactorLibrary:
    """Tables by name, each loaded and validated once, on first use.

    `overlay` is a user directory with the same layout: a CSV there named like a shipped table adds
    rows to it, and wins where the key is the same. It may also declare new tables in its own
    `tables.toml`.
    """

    directory: Path = field(default_factory=shipped_directory)
    overlay: Path | None = None
    _cache: dict[str, FactorTable] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def specs(self) -> dict[str, TableSpec]:
        specs = load_catalog(self.directory)
        if self.overlay is not None and (self.overlay / "tables.toml").is_file():
            added = load_catalog(self.overlay)
            # the methods read a shipped table by its keys and year: an overlay adds tables
            # and rows, it does not re-key what the methods read
            changed = [
                Problem(str(self.overlay / "tables.toml"), None, None,
                        f"{name} is a shipped table: its keys, year column and year rule stay"
                        f" {specs[name].key_columns} ({specs[name].year_rule or 'no year'});"
                        " add rows to its CSV instead", key=name)
                for name, spec in added.items()
                if name in specs and (spec.key_columns, spec.year_rule)
                != (specs[name].key_columns, specs[name].year_rule)
            ]  # fmt: skip
            if changed:
                raise InputError(changed)
            specs |= added
        return specs

    def __getitem__(self, name: str) -> FactorTable:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.specs)

    def _load(self, name: str) -> FactorTable:
        if name not in self.specs:
            raise KeyError(f"no factor table {name!r}; tables: {', '.join(self.specs)}")
        spec = self.specs[name]
        base_path = self.directory / spec.file
        user_path = self.overlay / spec.file if self.overlay is not None else None
        table: FactorTable | None = None
        if base_path.is_file():
            table = FactorTable.from_csv(spec, base_path, origin="shipped")
        if user_path is not None and user_path.is_file():
            user = FactorTable.from_csv(spec, user_path, origin=str(user_path))
            table = user if table is None else table.layered(user)
        if table is None:
            raise InputError([Problem(spec.file, None, None, "table file not found")])
        return table

    def loaded(self) -> dict[str, FactorTable]:
        """The tables used so far (what a run manifest lists)."""
        return dict(self._cache)

    def check(self) -> list[Problem]:
        """Load every table and return every problem found (empty: all tables are valid)."""
        problems: list[Problem] = []
        for name in self.specs:
            try:
                self[name]
            except InputError as e:
                problems.extend(e.problems)
        return problems

    def check_overlay(self) -> list[Problem]:
        """CSV files in the overlay directory that match no table (a typo would be ignored)."""
        if self.overlay is None:
            return []
        if not self.overlay.is_dir():
            return [Problem(str(self.overlay), None, None, "factor directory not found")]
        files = {spec.file for spec in self.specs.values()}
        return [
            Problem(
                str(p), None, None, f"not a known table file; known: {', '.join(sorted(files))}"
            )
            for p in sorted(self.overlay.glob("*.csv"))
            if p.name not in files
        ]

    def manifest(self) -> list[dict[str, Any]]:
        """The tables used so far, in the catalogue's order whichever was loaded first."""
        return [self._cache[name].manifest_entry() for name in self.specs if name in self._cache]
