"""Which factor rows a scenario's run uses, per table, how many of them are unverified, and which
were taken from an earlier FY than the year rule names (stale): what `offset factors list
--scenario FILE` shows, so that a user sees how much of a report rests on values no source
confirmed or on a list it lacks."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from offset.common.problems import raise_if_any
from offset.factors import FactorLibrary
from offset.methods.staleness import SUFFIX, has_effect, wanted_year
from offset.scenario.compute import compute_all, factor_rows, load_data
from offset.scenario.model import Scenario

RULE_SUFFIX = re.compile(r"\[[a-z]+\]$")  # the year rule a yearly id carries


@dataclass(frozen=True)
class TableUse:
    ids: frozenset[str]  # the rows used, by factor id
    unverified: frozenset[str]  # those of them marked unverified
    # rows used in place of a later FY's the year rule names: id -> the table years it stood for
    stale: dict[str, frozenset[int]] = field(default_factory=dict)


def factor_use(scenario: Scenario, factors: FactorLibrary) -> dict[str, TableUse]:
    """Per table: the distinct rows the scenario's results name where they change a figure (not
    a system yet to be commissioned, which multiplies its factor by 0 kWh), the unverified
    ones, and the stale ones with the FYs they stand in for.

    InputError: a data file or a method refused (the run itself would refuse the same)."""
    data, problems = load_data(scenario, factors)
    raise_if_any(problems)
    computed = compute_all(scenario, data, factors)
    named: dict[str, set[str]] = defaultdict(set)
    stale: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for year in computed.values():
        results = year.result.results
        results = results[has_effect(results)]  # a factor that multiplies zero is not used
        for factor_id in factor_rows(results):
            table = factor_id.split(":", 1)[0]
            if table in factors.specs:
                named[table].add(RULE_SUFFIX.sub("", factor_id))
        for factor_id, wanted in stale_rows(results):
            stale[factor_id.split(":", 1)[0]][RULE_SUFFIX.sub("", factor_id)].add(wanted)
    use: dict[str, TableUse] = {}
    for table, ids in sorted(named.items()):
        rows = factors[table].rows
        unverified = set(rows.loc[rows["confidence"] == "unverified", "factor_id"].astype(str))
        old = {i: frozenset(years) for i, years in stale.get(table, {}).items()}
        use[table] = TableUse(frozenset(ids), frozenset(ids & unverified), old)
    return use


def stale_rows(results: pd.DataFrame) -> set[tuple[str, int]]:
    """(factor id, the table year the rule named) of each row that used an earlier FY's."""
    found: set[tuple[str, int]] = set()
    for column in (str(c) for c in results.columns if str(c).endswith(SUFFIX)):
        back = results[column].to_numpy()
        ids = results[column.removesuffix(SUFFIX) + "_id"].astype(str).to_numpy()
        late = back > 0
        pairs = pd.DataFrame({"id": ids[late], "back": back[late]}).drop_duplicates()
        found |= {(str(i), wanted_year(str(i), int(b))) for i, b in pairs.itertuples(index=False)}
    return found
