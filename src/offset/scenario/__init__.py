"""Scenarios: parties, projects, agreements and FYs in a TOML file, computed and planned.

Holds the scenario model (`model`), each project's reductions per FY (`compute`), the plan of a
run (`plan`: issuance with the fraction carried, settlement of agreements), and its posting
against what the ledger holds (`posting`, `restate`). `offset run` as a whole job (with the
report) is `offset.jobs.run`.

May import: `offset.common`, `offset.units`, `offset.factors`, `offset.intake`,
`offset.methods`, `offset.ledger`. Never `offset.documents`, `offset.jobs`, `offset.api` or
`offset.cli`.
"""

from __future__ import annotations

from offset.scenario.model import Scenario
from offset.scenario.plan import RunError

__all__ = ["RunError", "Scenario"]
