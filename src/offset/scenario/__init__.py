"""Scenarios: parties, projects, agreements and FYs in a TOML file, computed and planned.

Holds the scenario model (`model`), each project's reductions per FY (`compute`), each FY's
plan (`year_plan`: issuance with the fraction carried, `issuance`; settlement of agreements,
`settlement`), the batches posted against what the ledger holds (`batches`, `restate`), and
the run's records the HTTP API reads (`run_records`), and what a finished run computed from
(`run_state`), so that a re-run that would change nothing answers without computing. `offset
run` as a whole job (with the report) is `offset.jobs.run`.

May import: `offset.common`, `offset.units`, `offset.factors`, `offset.intake`,
`offset.methods`, `offset.ledger`. Never `offset.documents`, `offset.jobs`, `offset.api` or
`offset.cli`.
"""

from __future__ import annotations

from offset.scenario.batches import RunError
from offset.scenario.model import Scenario

__all__ = ["RunError", "Scenario"]
