"""The fingerprint a run keeps (`offset.scenario.run_state`): the same inputs give the same one,
and each thing a run's figures or report depend on changes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from offset.common.messages import Msg
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.run import run_scenario
from offset.scenario import Scenario
from offset.scenario import run_state as run_state
from tests.scenario.conftest import MINIMAL, PV_ROWS, WriteScenario

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


def test_the_fingerprint_takes_every_table_whichever_a_run_loaded_first(
    write_scenario: WriteScenario,
) -> None:
    """A table loaded before the fingerprint (a method's, a check's) changes nothing: each is
    taken by its name, all of them, in one order."""
    scenario = Scenario.from_toml(write_scenario())
    fresh = run_state.fingerprint(scenario, FactorLibrary(), SETTINGS)
    used = FactorLibrary()
    names = list(used)
    assert len(names) > 2
    for name in reversed(names):  # the catalogue's order backwards
        used[name]
    assert run_state.fingerprint(scenario, used, SETTINGS) == fresh
    assert [entry["table"] for entry in used.manifest()] == names  # the manifest's order too


OWN_TABLE = """[office_rates]
file = "office_rates.csv"
description = "an office's own table"
keys = ["item"]
unit = "t CO2/kWh"
"""


def test_a_table_that_does_not_load_is_a_problem_the_run_names_not_a_traceback(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    """The office's factor directory declares a table whose file is not there: the fingerprint
    is taken all the same (the missing table in it), and the run refuses, naming the file."""
    own = tmp_path / "own-factors"
    own.mkdir()
    (own / "tables.toml").write_text(OWN_TABLE, encoding="utf-8")
    options = '[options]\nfactors = "own-factors"\n\n[parties.town]'
    path = write_scenario(MINIMAL.replace("[parties.town]", options))
    scenario = Scenario.from_toml(path)
    missing = run_state.fingerprint(scenario, FactorLibrary(overlay=own), SETTINGS)
    assert missing == run_state.fingerprint(scenario, FactorLibrary(overlay=own), SETTINGS)
    with pytest.raises(InputError) as refused:
        run_scenario(scenario, out=tmp_path / "out", pdf=False)
    assert [p.file for p in refused.value.problems] == ["office_rates.csv"]
    assert not (tmp_path / "out").exists()  # nothing written
    (own / "office_rates.csv").write_text(
        "item,value,unit,source,publisher,published,url,confidence\n"
        "lamp,0.0005,t CO2/kWh,office survey,Town,2024-04-01,,unverified\n",
        encoding="utf-8",
    )
    assert run_state.fingerprint(scenario, FactorLibrary(overlay=own), SETTINGS) != missing
