"""Choosing credits by total: a retire or transfer that names no vintage takes the project's
credits oldest vintage first, recorded as one retirement or transfer per vintage, all or none;
sent again, it answers as it first did."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offset.ledger import Ledger
from tests.ledger.conftest import history

HOLDER = "acme/holding"
SETUP: list[dict[str, Any]] = [
    {"op": "open_account", "account": "town/holding", "party": "town", "kind": "holding"},
    {"op": "open_account", "account": HOLDER, "party": "acme", "kind": "holding"},
    {"op": "open_account", "account": "rival/holding", "party": "rival", "kind": "holding"},
]


def issue(vintage: int, quantity: int, to: str = HOLDER) -> dict[str, Any]:
    return {"op": "issue", "id": f"i{vintage}", "to": to, "instrument": "J-Credit",
            "project": "pv", "vintage": vintage, "quantity": quantity, "methodology": "EN-R-002",
            "effective_date": "2025-04-01"}  # fmt: skip


def retire_total(tx_id: str, quantity: int, **more: Any) -> dict[str, Any]:
    return {"op": "retire", "id": tx_id, "from": HOLDER, "project": "pv", "quantity": quantity,
            "beneficiary": "Acme KK", "reason": "FY2024 offset", **more}  # fmt: skip


def held(book: Ledger, account: str = HOLDER) -> dict[int, int]:
    return {b.vintage: b.quantity for b in book.balances() if b.account == account}


def test_a_total_is_retired_oldest_vintage_first(ledger: Ledger) -> None:
    """Held: 10 of FY2021, 15 of FY2022, 20 of FY2023; 30 retired = all 10 of FY2021, all 15
    of FY2022 and 5 of FY2023, each its own retirement with the request's use."""
    setup = [*SETUP, issue(2023, 20), issue(2021, 10), issue(2022, 15)]
    assert {r.status for r in ledger.apply(setup)} == {"ok"}
    (result,) = ledger.apply([retire_total("r1", 30)])
    assert result.status == "ok"
    assert [p.id for p in result.parts] == ["r1", "r1.2", "r1.3"]
    retired = {r.id: (r.vintage, r.quantity, r.reason) for r in ledger.retirements()}
    assert retired == {"r1": (2021, 10, "FY2024 offset"), "r1.2": (2022, 15, "FY2024 offset"),
                       "r1.3": (2023, 5, "FY2024 offset")}  # fmt: skip
    assert {k: v for k, v in held(ledger).items() if v} == {2023: 15}
    assert result.seq == max(p.seq for p in result.parts if p.seq is not None)
    assert ledger.verify() == []


def test_a_transfer_by_total_and_a_stated_vintage(ledger: Ledger) -> None:
    setup = [*SETUP, issue(2021, 10), issue(2022, 15)]
    assert {r.status for r in ledger.apply(setup)} == {"ok"}
    total = {"op": "transfer", "id": "t1", "from": HOLDER, "to": "rival/holding",
             "project": "pv", "quantity": 12}  # fmt: skip
    (result,) = ledger.apply([total])
    assert (result.status, [p.id for p in result.parts]) == ("ok", ["t1", "t1.2"])
    assert {k: v for k, v in held(ledger, "rival/holding").items() if v} == {2021: 10, 2022: 2}
    # a stated vintage is a retirement of that vintage only, as before
    (stated,) = ledger.apply([{**retire_total("r1", 5), "vintage": 2022}])
    assert (stated.status, stated.parts) == ("ok", ())
    assert {k: v for k, v in held(ledger).items() if v} == {2022: 8}
    assert ledger.verify() == []


def test_a_total_the_holder_lacks_is_refused_and_nothing_is_recorded(ledger: Ledger) -> None:
    early = {"effective_date": "2022-04-01"}
    setup = [*SETUP, issue(2021, 10) | early, issue(2022, 15) | early]
    assert {r.status for r in ledger.apply(setup)} == {"ok"}
    before = history(ledger)
    (refused,) = ledger.apply([retire_total("r1", 26)])
    assert refused.status == "insufficient_balance"
    assert refused.message.endswith("(acme/holding holds 25 of pv over all vintages, needs 26)")
    assert refused.to_json()["message_ja"]  # in Japanese too
    assert history(ledger) == before
    # One part's rule broken refuses all: for a FY2021 温対法 claim, the FY2021 credits may be
    # retired, the FY2022 ones (the second part) may not.
    ghg = retire_total("r2", 20, purpose="ghg_act", claim_fy=2021, effective_date="2022-05-01")
    (broken,) = ledger.apply([ghg])
    assert (broken.id, broken.status) == ("r2", "vintage_after_claim")
    assert history(ledger) == before
    (nothing,) = ledger.apply([{**retire_total("r4", 1), "project": "no-such-project"}])
    assert nothing.status == "unknown_class"
    # On another party's behalf, another party's account reads as unknown, whatever it holds.
    (masked,) = ledger.apply([{**retire_total("r3", 5), "from": "town/holding"}], party="rival")
    assert masked.status == "unknown_account"
    assert history(ledger) == before


def test_a_request_sent_again_answers_as_it_first_did(ledger: Ledger) -> None:
    setup = [*SETUP, issue(2021, 10), issue(2022, 15)]
    assert {r.status for r in ledger.apply(setup)} == {"ok"}
    (first,) = ledger.apply([retire_total("r1", 12)])
    recorded = history(ledger)
    # The books have changed since (FY2021 is gone): the request is split as it was then.
    (again,) = ledger.apply([retire_total("r1", 12)])
    assert again.status == "exists"
    assert [(p.id, p.status, p.seq) for p in again.parts] == [
        (p.id, "exists", p.seq) for p in first.parts
    ]
    assert history(ledger) == recorded
    for other in (retire_total("r1", 11), {**retire_total("r1", 12), "reason": "another"}):
        (reused,) = ledger.apply([other])
        assert reused.status == "id_reused"
    assert history(ledger) == recorded


def test_a_total_line_through_the_cli_shape(ledger: Ledger) -> None:
    """A `retire` line without a vintage is read as a request by total; with `serials` and no
    vintage it is refused (serial numbers belong to one vintage)."""
    assert {r.status for r in ledger.apply([*SETUP, issue(2021, 10)])} == {"ok"}
    (refused,) = ledger.apply([retire_total("r1", 5, serials=["0-4"])])
    assert refused.status == "invalid_operation"
    assert "serials" in refused.message


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    vintages=st.dictionaries(st.integers(2015, 2024), st.integers(1, 30), min_size=1, max_size=5),
    asked=st.integers(1, 160),
)
def test_retiring_by_total_takes_exactly_what_is_asked_oldest_first(
    tmp_path_factory: Any, vintages: dict[int, int], asked: int
) -> None:
    """Whatever the holder holds: the retirements add up to what was asked (or nothing is
    recorded when it holds less), the oldest vintages are emptied first, credits are
    conserved (issued = held + retired) and the ledger verifies."""
    path: Path = tmp_path_factory.mktemp("total") / "ledger.db"
    book = Ledger.open(f"sqlite:///{path}")
    try:
        issues = [issue(v, q) for v, q in vintages.items()]
        assert {r.status for r in book.apply([*SETUP, *issues])} == {"ok"}
        (result,) = book.apply([retire_total("r", asked)], today=dt.date(2025, 5, 1))
        retired = {r.vintage: r.quantity for r in book.retirements()}
        total = sum(vintages.values())
        if asked > total:
            assert (result.status, retired) == ("insufficient_balance", {})
        else:
            assert result.status == "ok"
            assert sum(retired.values()) == asked
            taken = sorted(retired)
            # every vintage before the newest one taken is emptied; none after it is touched
            assert all(retired[v] == vintages[v] for v in taken[:-1])
            assert all(v not in retired for v in vintages if v > taken[-1])
            assert all(v in retired for v in vintages if v < taken[-1])
        left = {b.vintage: b.quantity for b in book.balances() if b.account == HOLDER}
        for vintage, issued in vintages.items():
            assert left.get(vintage, 0) + retired.get(vintage, 0) == issued
        assert book.verify() == []
    finally:
        book.engine.dispose()
