"""Scenario fixtures: the shipped scenarios, and small scenario files written by the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY
from tests.ledger.conftest import db_url  # noqa: F401  (every run test on SQLite and PostgreSQL)

SCENARIOS = REPOSITORY / "scenarios"
SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.toml"))

#: A valid minimal scenario; tests write it with changes to see one problem at a time.
MINIMAL = """
[scenario]
name = "mini"
fiscal_years = [2022, 2023]

[parties.town]
kind = "municipality"
name = "Town"
jis_code = "209999"
prefecture = "nagano"

[parties.firm]
kind = "company"
name = "Firm"

[projects.pv]
method = "solar"
data = "pv.csv"
owner = "town"
instrument = "J-Credit"

[agreements.deal]
provider = "town"
beneficiary = "firm"
projects = ["pv"]
period = [2022, 2023]
volume = { rule = "fixed", tonnes = 3 }
delivery = "transfer"
"""

#: Two metered systems with their own grid factor: creditable = (self-consumed - aux) x factor.
PV_ROWS = """system_id,municipality,prefecture,capacity_kw,commissioned,generation_kwh,self_consumed_kwh,auxiliary_kwh,grid_factor_t_co2_per_kwh
a,town,nagano,5,2015-04-01,6000,5000,0,0.0005
b,town,nagano,4,2016-04-01,4000,2500,500,0.0005
"""

WriteScenario = Callable[..., Path]


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteScenario:
    """write_scenario(toml=MINIMAL, files={name: text}) -> the scenario path, beside its data."""

    def write(toml: str = MINIMAL, files: dict[str, str] | None = None) -> Path:
        for name, content in {"pv.csv": PV_ROWS, **(files or {})}.items():
            (tmp_path / name).write_text(content, encoding="utf-8")
        path = tmp_path / "scenario.toml"
        path.write_text(toml, encoding="utf-8")
        return path

    return write
