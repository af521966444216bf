"""Which factor rows a scenario's run uses, per table, and how many of them are unverified:
what `offset factors list --scenario FILE` shows, so that a user sees how much of a report rests
on values no source confirmed."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from offset.common.problems import raise_if_any
from offset.factors import FactorLibrary
from offset.scenario.compute import compute_all, factor_rows, load_data
from offset.scenario.model import Scenario

RULE_SUFFIX = re.compile(r"\[[a-z]+\]$")  # the year rule a yearly id carries


@dataclass(frozen=True)
class TableUse:
    ids: frozenset[str]  # the rows used, by factor id
    unverified: frozenset[str]  # those of them marked unverified


def factor_use(scenario: Scenario, factors: FactorLibrary) -> dict[str, TableUse]:
    """Per table: the distinct rows the scenario's results name, and the unverified ones.

    InputError: a data file or a method refused (the run itself would refuse the same)."""
    data, problems = load_data(scenario, factors)
    raise_if_any(problems)
    computed = compute_all(scenario, data, factors)
    named: dict[str, set[str]] = defaultdict(set)
    for year in computed.values():
        for factor_id in factor_rows(year.result.results):
            table = factor_id.split(":", 1)[0]
            if table in factors.specs:
                named[table].add(RULE_SUFFIX.sub("", factor_id))
    use: dict[str, TableUse] = {}
    for table, ids in sorted(named.items()):
        rows = factors[table].rows
        unverified = set(rows.loc[rows["confidence"] == "unverified", "factor_id"].astype(str))
        use[table] = TableUse(frozenset(ids), frozenset(ids & unverified))
    return use
