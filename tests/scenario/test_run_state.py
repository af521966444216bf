"""The fingerprint a run keeps (`offset.scenario.run_state`): the same inputs give the same one,
and each thing a run's figures or report depend on changes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from offset.common.messages import Msg
from offset.factors import FactorLibrary
from offset.scenario import Scenario
from offset.scenario import run_state as run_state
from tests.scenario.conftest import PV_ROWS, WriteScenario

SETTINGS: dict[str, Any] = {
    "strict_factors": False, "csv_encoding": "utf-8-sig", "pdf": False, "lang": "en",
    "recorded_on": None, "database": "sqlite:///x.db",
}  # fmt: skip


def _fingerprint(path: Path, **settings: Any) -> str:
    scenario = Scenario.from_toml(path)
    found: str = run_state.fingerprint(scenario, FactorLibrary(), SETTINGS | settings)
    return found


def test_the_fingerprint_follows_the_inputs_and_the_run_s_settings(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario()
    first = _fingerprint(path)
    assert _fingerprint(path) == first  # nothing changed
    assert _fingerprint(path, lang="ja") != first  # another report
    assert _fingerprint(path, database="sqlite:///y.db") != first  # another ledger
    assert _fingerprint(path, strict_factors=True) != first
    assert Scenario.from_toml(path).until(2022) != Scenario.from_toml(path)
    fewer = run_state.fingerprint(Scenario.from_toml(path).until(2022), FactorLibrary(), SETTINGS)
    assert fewer != first  # `offset run --fy 2022`: fewer FYs
    write_scenario(files={"pv.csv": PV_ROWS.replace("6000,5000", "6000,6000")})
    assert _fingerprint(path) != first  # a data file's cell


def test_a_state_that_cannot_be_read_is_none(tmp_path: Path) -> None:
    assert run_state.read(tmp_path) is None
    (tmp_path / run_state.FOLDER).mkdir()
    (tmp_path / run_state.FOLDER / run_state.STATE).write_text("{", encoding="utf-8")
    assert run_state.read(tmp_path) is None


def test_warnings_and_tables_come_back_as_the_run_wrote_them(tmp_path: Path) -> None:
    """A warning's count may be a numpy integer (a sum over rows): kept as a JSON number."""
    warnings = [Msg("warn.unused_rows", project="pv", count=np.int64(3), file="pv.csv"), "plain"]
    tables = {"summary": pd.DataFrame({"fy": [2022, 2023], "issued": [3, 4]})}
    state = run_state.RunState(
        "f", "sqlite:///x.db", (7, "h"), 2, ("a", "b"), run_state.stored_warnings(warnings),
        tuple(tables),
    )  # fmt: skip
    run_state.write(tmp_path, state, tables)
    found = run_state.read(tmp_path)
    assert found == state
    assert run_state.read_warnings(found.warnings) == warnings
    assert [str(w) for w in run_state.read_warnings(found.warnings)] == [
        "pv: 3 rows of pv.csv have an fy outside the FYs the project is active in; they were not"
        " computed",
        "plain",
    ]
    kept = run_state.tables(tmp_path, found)
    assert kept is not None
    pd.testing.assert_frame_equal(kept["summary"], tables["summary"])
