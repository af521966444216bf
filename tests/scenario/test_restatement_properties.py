"""Property (issues 13 and 27): whatever sequence of added rows, corrected rows, runs of an FY and a
company's transfers and retirements, after each run the credits standing per (project, FY) of
the FYs run, less what was reported owed, are what a fresh run of the same files on a new
database issues; the books conserve and `verify` passes."""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.jobs import run
from offset.jobs.run import run_scenario
from offset.ledger import Ledger
from offset.scenario import Scenario
from tests.scenario.conftest import MINIMAL

SCENARIO = MINIMAL.replace("fiscal_years = [2022, 2023]", "fiscal_years = [2022, 2024]").replace(
    'period = [2022, 2023]\nvolume = { rule = "fixed", tonnes = 3 }',
    'period = [2022, 2024]\nvolume = { rule = "share", share = 0.5 }',
)
HEADER = (
    "system_id,municipality,prefecture,capacity_kw,commissioned,generation_kwh,"
    "self_consumed_kwh,grid_factor_t_co2_per_kwh\n"
)
# self-consumed kWh of a system; x 0.0005 t/kWh: 0.5 to 5 t a FY
KWH = st.integers(1_000, 10_000)
ACTIONS = st.one_of(
    st.tuples(st.just("add"), KWH),
    st.tuples(st.just("correct"), st.integers(0, 5), KWH),
    st.tuples(st.just("run"), st.integers(2022, 2024)),
    st.tuples(st.just("retire"), st.integers(1, 3)),
    st.tuples(st.just("transfer"), st.integers(1, 3)),
)


@contextmanager
def unreported() -> Iterator[None]:
    """A run that posts as any run does but writes no report: the fresh run each step compares
    the books with is read only through its ledger (its report, half of a small run's time in
    charts and HTML, was written and never read). The report is written after the run has
    posted and is made from what it posted."""
    with mock.patch.object(run, "_write_report", autospec=True) as write:
        yield
    assert write.call_count == 1  # the run got as far as its report, and wrote none


def standing(book: Ledger, fys: range) -> dict[tuple[str, int], int]:
    """Per class of the FYs given: minted and not reversed, less restatement cancellations."""
    net: dict[tuple[str, int], int] = defaultdict(int)
    for b in book.balances():
        if b.vintage in fys and b.account in ("issuance:pv", "cancellation:restatement"):
            net[(b.project, b.vintage)] -= b.quantity
    return {k: v for k, v in net.items() if v}


def company_moves(book: Ledger, action: tuple[int | str, ...], step: int) -> None:
    """The firm retires or hands back what it holds, as the API would: refused if it lacks it."""
    held = book.balances(account="firm/holding")
    if not held:
        return
    line, quantity = held[0], min(int(action[1]), held[0].quantity)
    op = {
        "id": f"firm-{step}",
        "from": "firm/holding",
        "project": line.project,
        "vintage": line.vintage,
        "quantity": quantity,
    }
    if action[0] == "retire":
        op |= {"op": "retire", "reason": "offset", "beneficiary": "Firm"}
    else:
        op |= {"op": "transfer", "to": "town/holding"}
    (result,) = book.apply([op], party="firm")
    assert result.status == "ok", result


def report_equals_ledger(tables: dict[str, pd.DataFrame], book: Ledger) -> None:
    """Issue 27's property: the report's credit figures are the ledger's, read here from its
    balances and transactions without offset's tables."""
    issued: dict[int, int] = defaultdict(int)
    for (_, vintage), net in standing(book, range(2000, 2100)).items():
        issued[vintage] += net
    retired: dict[int, int] = defaultdict(int)
    for r in book.retirements():
        retired[r.vintage] += r.quantity
    delivered: dict[int, int] = defaultdict(int)
    for t in book.agreement_transactions("deal"):
        if t.kind == "transfer" and t.from_account == "town/holding":
            delivered[t.vintage] += t.quantity
    summary = tables["summary"].set_index("fy")
    for fy, row in summary.iterrows():
        assert row["issued"] == issued.get(int(str(fy)), 0)
        assert row["retired"] == retired.get(int(str(fy)), 0)
        assert row["delivered"] == delivered.get(int(str(fy)), 0)
    fulfilment = tables["fulfilment"].set_index("fy")
    assert fulfilment["value_jpy"].isna().all()  # no price: no money printed
    for fy, row in fulfilment.iterrows():
        assert row["delivered"] == delivered.get(int(str(fy)), 0)
        assert row["shortfall"] == max(row["committed"] - row["delivered"], 0)
    # every restatement the ledger holds is listed, once
    posted = {
        re.sub(r":(issue|reverse(-\d+)?|cancel)$", "", event.id)
        for event in book.issuance_history("mini:")
        if ":restate" in event.id
    }
    assert set(tables["restatements"]["restatement"]) == posted
    assert len(tables["restatements"]) == len(posted)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(ACTIONS, min_size=1, max_size=6))
def test_restated_books_equal_a_fresh_run(actions: list[tuple[int | str, ...]]) -> None:
    # begin with FYs already issued and end with a run of every FY: what lies between restates
    actions = [("run", 2023), *actions, ("run", 2024)]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
        rows = [3000]
        url = f"sqlite:///{root / 'ledger.db'}"
        book = Ledger.open(url)
        for step, action in enumerate(actions):
            if action[0] == "add":
                rows.append(int(action[1]))
            elif action[0] == "correct":
                rows[int(action[1]) % len(rows)] = int(action[2])
            elif action[0] in ("retire", "transfer"):
                company_moves(book, action, step)
                continue
            data = HEADER + "".join(
                f"s{i},town,nagano,5,2015-04-01,10000,{kwh},0.0005\n" for i, kwh in enumerate(rows)
            )
            (root / "pv.csv").write_text(data, encoding="utf-8")
            if action[0] != "run":
                continue
            fy = int(action[1])
            scenario = Scenario.from_toml(root / "scenario.toml").until(fy)
            outcome = run_scenario(scenario, out=root / "out", database=url)
            owed = {(r.project, r.fy): r.shortfall for r in outcome.restatements}
            fresh_url = f"sqlite:///{root / f'fresh{step}.db'}"
            with unreported():  # the oracle: only its ledger is compared
                run_scenario(scenario, out=root / f"fresh{step}", database=fresh_url)
            fresh = Ledger.open(fresh_url)
            fys = scenario.fiscal_years
            got = {k: v - owed.get(k, 0) for k, v in standing(book, fys).items()}
            assert {k: v for k, v in got.items() if v} == standing(fresh, fys)
            fresh.engine.dispose()
            totals: dict[tuple[str, int], int] = defaultdict(int)
            for b in book.balances():
                totals[(b.project, b.vintage)] += b.quantity
                assert b.quantity >= 0 or b.account.startswith("issuance:")
            assert set(totals.values()) <= {0}
            report_equals_ledger(outcome.tables, book)
        assert book.verify() == []
        book.engine.dispose()
