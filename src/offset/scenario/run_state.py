"""What a run computed from and left behind, so that a re-run that would change nothing says so
without computing again.

A finished run writes `OUT/run-state/`: the fingerprint of everything its figures depend on
(`fingerprint`: this offset's own code, the scenario file and the run's options, every data file
and column map, every factor table, the municipality table), the ledger's chain head after it
posted and the first entry of the scenario it reported on, the transactions it found or posted,
its warnings (stored as catalogued messages) and the report's tables (Parquet). A re-run with
the same fingerprint on a ledger whose head has not moved (nothing posted since, by anyone) would
compute the same figures, post nothing and write the same report: it checks the scenario's
entries up to the head (`ledger.proof`) and answers from the state instead. Anything else (an
input, a factor table or the code changed; a transfer posted through the API; the state or the
report missing) runs in full.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from offset.common import messages
from offset.common.messages import Msg
from offset.common.problems import InputError
from offset.factors import FactorLibrary, shipped_directory
from offset.intake.inputs import sha256_of
from offset.intake.municipalities import TABLE_FILE
from offset.scenario.model import Scenario

FOLDER = "run-state"
STATE = "state.json"
PACKAGE = Path(__file__).resolve().parents[1]  # offset's own code: a change re-runs in full


@dataclass(frozen=True)
class RunState:
    fingerprint: str
    database: str  # as the manifest names it (redacted)
    head: tuple[int, str]  # the chain head after the run: (seq, hash)
    first_seq: int  # the first entry of the scenario the report checked
    transactions: tuple[str, ...]  # the ids the run posted or found posted
    warnings: tuple[Any, ...]  # stored messages (`messages.stored`) or plain text
    tables: tuple[str, ...]  # the report's tables, in order


def fingerprint(scenario: Scenario, factors: FactorLibrary, settings: dict[str, Any]) -> str:
    """A hash of everything a run's figures and report depend on: this offset's code, the
    scenario (its file and the run's view of it: FYs, options), `settings` (the run's own:
    language, encoding, strictness, date, ledger), each data file and column map, every factor
    table and the municipality table."""
    digest = hashlib.sha256()

    def add(label: str, value: str) -> None:
        digest.update(f"{label}\0{value}\n".encode())

    for source in sorted(PACKAGE.rglob("*.py")):
        add(str(source.relative_to(PACKAGE)), hashlib.sha256(source.read_bytes()).hexdigest())
    add("scenario", scenario.sha256)
    add("content", scenario.content.model_dump_json())
    add("fiscal_years", f"{scenario.fiscal_years.start}-{scenario.fiscal_years.stop}")
    add("settings", json.dumps(settings, sort_keys=True, default=str))
    files = {scenario.data_path(name) for name in scenario.projects}
    files |= {p for name in scenario.projects if (p := scenario.columns_path(name)) is not None}
    files.add(shipped_directory() / TABLE_FILE)
    for path in sorted(files):
        add(str(path), sha256_of(path) if path.is_file() else "missing")
    # every table, each by its name (whichever was loaded first); one that does not load by
    # its problems, so that the fingerprint is there to compare whatever the run then says
    try:
        found = factors.check()
    except InputError as e:  # the overlay's catalogue itself refused
        found = list(e.problems)
    problems = [(p.file, p.key, str(p.message)) for p in found]
    tables = {entry["table"]: entry for entry in factors.manifest()}
    add("factors", json.dumps([tables, problems], sort_keys=True, default=str))
    return digest.hexdigest()


def read(out: Path) -> RunState | None:
    """The state the last finished run left in `out` (None: none, or unreadable)."""
    try:
        found = json.loads((out / FOLDER / STATE).read_text(encoding="utf-8"))
        return RunState(
            found["fingerprint"], found["database"], (int(found["head"][0]), found["head"][1]),
            int(found["first_seq"]), tuple(found["transactions"]), tuple(found["warnings"]),
            tuple(found["tables"]),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write(
    out: Path,
    state: RunState,
    tables: dict[str, pd.DataFrame],
) -> None:
    """The state and the report's tables under `out`."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    body = {
        "fingerprint": state.fingerprint,
        "database": state.database,
        "head": list(state.head),
        "first_seq": state.first_seq,
        "transactions": list(state.transactions),
        "warnings": list(state.warnings),
        "tables": list(state.tables),
    }
    text = json.dumps(body, ensure_ascii=False, default=_plain)
    (folder / STATE).write_text(text, encoding="utf-8")


def _plain(value: object) -> object:
    """A value JSON has no type for, in a warning's parameters: a numpy number as a number."""
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def forget(out: Path) -> None:
    """Remove the state (a run that changes the ledger or the report leaves none stale)."""
    (out / FOLDER / STATE).unlink(missing_ok=True)


def tables(out: Path, state: RunState) -> dict[str, pd.DataFrame] | None:
    """The report's tables as the run that left `state` wrote them (None: one is missing)."""
    try:
        return {name: pd.read_parquet(out / FOLDER / f"{name}.parquet") for name in state.tables}
    except (OSError, ValueError):
        return None


def stored_warnings(warnings: Sequence[str]) -> tuple[Any, ...]:
    """Warnings as JSON: a catalogued message as its key and parameters, text as it is."""
    return tuple(messages.stored(w) if isinstance(w, Msg) else str(w) for w in warnings)


def read_warnings(stored: Sequence[Any]) -> list[str]:
    return [messages.from_stored(w) if isinstance(w, list) else str(w) for w in stored]
