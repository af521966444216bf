"""Scenarios: parties, projects, agreements and FYs in a TOML file, and `offset run` over them."""

from __future__ import annotations

from offset.scenario.model import Scenario
from offset.scenario.run import RunOutcome, run_scenario
from offset.scenario.runner import RunError

__all__ = ["RunError", "RunOutcome", "Scenario", "run_scenario"]
