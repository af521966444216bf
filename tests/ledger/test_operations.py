"""Each operation and each rejection code, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from offset.documents.certificate import certificate_page
from offset.ledger import MESSAGES, Ledger
from tests.ledger.conftest import ISSUE_LINES, history, holdings, seq_of, serial_blocks

PROJECT = {"project": "ina-forest", "vintage": 2024}


def statuses(book: Ledger, *ops: dict[str, Any], **options: Any) -> list[str]:
    return [r.status for r in book.apply(list(ops), **options)]


def test_the_issue_lines_work_as_written(ledger: Ledger) -> None:
    assert statuses(ledger, *ISSUE_LINES) == ["ok"] * 6
    # 120 issued: 6 withheld into the buffer, 114 to Ina; 50 to Shinjuku, 20 retired, 10 back.
    assert holdings(ledger) == {
        "issuance:ina-forest": -120,
        "buffer:J-Credit": 6,
        "ina/holding": 74,
        "shinjuku/holding": 20,
        "shinjuku/retirement": 20,
    }
    assert ledger.verify() == []


def test_replay_is_idempotent_and_reuse_is_refused(ledger: Ledger) -> None:
    ledger.apply(ISSUE_LINES)
    before = holdings(ledger)
    assert statuses(ledger, *ISSUE_LINES) == ["exists"] * 6
    changed = dict(ISSUE_LINES[3], quantity=51)
    assert statuses(ledger, changed) == ["id_reused"]
    assert holdings(ledger) == before


@pytest.fixture
def issued(ledger: Ledger) -> Ledger:
    ledger.apply(ISSUE_LINES[:3])
    return ledger


def transfer(
    tx: str, quantity: int, source: str = "ina/holding", to: str = "shinjuku/holding"
) -> dict[str, Any]:
    return {"op": "transfer", "id": tx, "from": source, "to": to, "quantity": quantity, **PROJECT}


def test_rejections_change_nothing(issued: Ledger) -> None:
    before = holdings(issued)
    cases = {
        "insufficient_balance": transfer("x1", 1000),
        "unknown_account": transfer("x2", 1, to="nobody/holding"),
        "same_account": transfer("x3", 1, to="ina/holding"),
        "unknown_class": {**transfer("x4", 1), "vintage": 2019},
        "invalid_operation": {**transfer("x5", 1), "quantity": 1.5},
        "unknown_transaction": {"op": "reverse", "id": "x6", "of": "nope"},
        "not_a_reservation": {"op": "post", "id": "x7", "reservation": "t1"},
        "unknown_instrument": {
            "op": "issue",
            "id": "x8",
            "to": "ina/holding",
            "instrument": "Gold",
            "quantity": 1,
            **PROJECT,
        },
        "class_mismatch": {
            "op": "issue",
            "id": "x9",
            "to": "ina/holding",
            "instrument": "J-VER",
            "quantity": 1,
            **PROJECT,
        },
        "wrong_account_kind": transfer("x10", 1, to="issuance:ina-forest"),
        "backdated": {**transfer("x11", 1), "effective_date": "2000-01-01"},
        "future_date": {**transfer("x12", 1), "effective_date": "9999-12-31"},
        "quantity_too_large": {
            "op": "issue",
            "id": "x13",
            "to": "ina/holding",
            "instrument": "J-Credit",
            "quantity": 10**15,
            **PROJECT,
        },
        "reserved_name": {
            "op": "open_account",
            "account": "ina/retirement",
            "party": "ina",
            "kind": "holding",
        },
    }
    results = issued.apply(list(cases.values()))
    assert [r.status for r in results] == list(cases)
    assert all(r.message.startswith(f"{r.status}: {MESSAGES[r.status]}") for r in results)
    assert holdings(issued) == before
    assert issued.verify() == []


def test_non_transferable_certificates(ledger: Ledger) -> None:
    ledger.apply(ISSUE_LINES[:2])
    cert = {"project": "nagano-cert", "vintage": 2024}
    issue = {
        "op": "issue",
        "id": "c1",
        "to": "ina/holding",
        "instrument": "prefectural-certificate",
        "quantity": 10,
        **cert,
    }
    move = {
        "op": "transfer",
        "id": "c2",
        "from": "ina/holding",
        "to": "shinjuku/holding",
        "quantity": 1,
        **cert,
    }
    reserve = {**move, "op": "reserve", "id": "c3"}
    retire = {
        "op": "retire",
        "id": "c4",
        "from": "ina/holding",
        "quantity": 4,
        "beneficiary": "Ina City",
        "reason": "CSR report",
        **cert,
    }
    assert statuses(ledger, issue, move, reserve, retire) == [
        "ok",
        "non_transferable",
        "non_transferable",
        "ok",
    ]
    assert holdings(ledger)["ina/holding"] == 6


def test_retired_and_cancelled_credits_never_move(issued: Ledger) -> None:
    retire = {
        "op": "retire",
        "id": "r1",
        "from": "ina/holding",
        "quantity": 5,
        "beneficiary": "Ina",
        "reason": "FY2024",
        **PROJECT,
    }
    cancel = {
        "op": "cancel",
        "id": "c1",
        "from": "buffer:J-Credit",
        "quantity": 2,
        "reason": "natural disturbance",
        **PROJECT,
    }
    assert statuses(issued, retire, cancel) == ["ok", "ok"]
    assert (
        statuses(
            issued,
            transfer("m1", 1, source="ina/retirement"),
            transfer("m2", 1, source="cancellation:natural-disturbance"),
            {"op": "reverse", "id": "m3", "of": "r1"},
            {"op": "reverse", "id": "m4", "of": "c1"},
        )
        == ["retired_credits"] * 4
    )


def test_reversal_never_exceeds_the_original(issued: Ledger) -> None:
    issued.apply([transfer("t2", 50)])
    assert statuses(
        issued,
        {"op": "reverse", "id": "v1", "of": "t2", "quantity": 30},
        {"op": "reverse", "id": "v2", "of": "t2", "quantity": 30},
        {"op": "reverse", "id": "v3", "of": "t2"},
        {"op": "reverse", "id": "v4", "of": "t2", "quantity": 1},
        {"op": "reverse", "id": "v5", "of": "v1"},
    ) == ["ok", "exceeds_original", "ok", "already_reversed", "not_reversible"]
    assert holdings(issued)["ina/holding"] == 114
    assert "shinjuku/holding" not in holdings(issued)


def test_a_reversal_obeys_the_rules_of_what_it_reverses(issued: Ledger) -> None:
    """Credits go back only where they could have gone: not into a closed or suspended
    account (the source of the transfer, or the holder of an issuance)."""
    issued.apply([transfer("t2", 50)])

    def status_of(account: str, status: str) -> dict[str, Any]:
        return {"op": "account_status", "account": account, "status": status}

    assert statuses(
        issued,
        status_of("ina/holding", "closed"),
        {"op": "reverse", "id": "v1", "of": "t2"},  # back into closed ina/holding
        status_of("ina/holding", "open"),
        status_of("shinjuku/holding", "suspended"),
        {"op": "reverse", "id": "v2", "of": "t2"},  # out of suspended shinjuku/holding
        status_of("shinjuku/holding", "open"),
        {"op": "reverse", "id": "v3", "of": "t2", "quantity": 5},
    ) == ["ok", "account_closed", "ok", "ok", "account_closed", "ok", "ok"]
    assert holdings(issued)["shinjuku/holding"] == 45


def test_reserve_post_void(issued: Ledger) -> None:
    reserve = {
        "op": "reserve",
        "id": "r1",
        "from": "ina/holding",
        "to": "shinjuku/holding",
        "quantity": 30,
        **PROJECT,
    }
    assert statuses(issued, reserve) == ["ok"]
    assert holdings(issued)["ina/pending"] == 30
    assert statuses(
        issued,
        {"op": "post", "id": "p1", "reservation": "r1", "quantity": 31},
        {"op": "post", "id": "p2", "reservation": "r1", "quantity": 20},
        {"op": "void", "id": "p3", "reservation": "r1"},
        {"op": "post", "id": "p4", "reservation": "r1"},
    ) == ["exceeds_reservation", "ok", "reservation_resolved", "reservation_resolved"]
    # 20 delivered, the other 10 returned to Ina; nothing left pending.
    assert holdings(issued)["shinjuku/holding"] == 20
    assert holdings(issued)["ina/holding"] == 94
    assert "ina/pending" not in holdings(issued)
    assert statuses(
        issued, {**reserve, "id": "r2"}, {"op": "void", "id": "v2", "reservation": "r2"}
    ) == ["ok", "ok"]
    assert holdings(issued)["ina/holding"] == 94
    assert issued.verify() == []


def test_closed_and_suspended_accounts(issued: Ledger) -> None:
    suspend = {"op": "account_status", "account": "shinjuku/holding", "status": "suspended"}
    assert statuses(issued, suspend, transfer("s1", 1)) == ["ok", "account_closed"]
    assert statuses(issued, {**suspend, "status": "open"}, transfer("s2", 1)) == ["ok", "ok"]


def test_parties_are_created_on_first_use_or_described(ledger: Ledger) -> None:
    ina = {
        "op": "open_party",
        "party": "ina",
        "kind": "municipality",
        "name": "伊那市",
        "jis_code": "202096",
        "prefecture": "nagano",
    }
    reserve = {"op": "open_account", "account": "registry/reserve", "party": "registry"}
    assert statuses(
        ledger,
        {"op": "open_account", "account": "ina/holding", "party": "ina", "kind": "holding"},
        ina,
        ina,
        {"op": "open_party", "party": "ina", "kind": "company"},
        {**reserve, "kind": "holding"},
        {**reserve, "kind": "holding"},
        {**reserve, "kind": "buffer"},
    ) == ["ok", "ok", "exists", "id_reused", "ok", "exists", "account_exists"]


@pytest.mark.parametrize(
    ("account", "party", "kind"),
    [
        # The ledger's own accounts, opened by a caller before the ledger opens them: with them
        # a company would receive what shinjuku retires, or what is cancelled.
        ("shinjuku/retirement", "evil", "holding"),
        ("evil/retirement", "evil", "holding"),
        ("ina/pending", "ina", "holding"),
        ("buffer:J-VER", "evil", "holding"),
        ("cancellation:fraud", "evil", "holding"),
        ("issuance:newp", "evil", "holding"),
        # Another party's namespace, and kinds only the ledger opens.
        ("shinjuku/holding2", "evil", "holding"),
        ("evil/retired", "evil", "retirement"),
        ("evil/vault", "evil", "issuance"),
        ("evil/vault", "evil", "pending"),
        ("evil/buffer", "evil", "buffer"),
        ("registry/holding", "issuance", "holding"),
    ],
)
def test_names_of_the_ledger_and_of_other_parties_cannot_be_taken(
    ledger: Ledger, account: str, party: str, kind: str
) -> None:
    op = {"op": "open_account", "account": account, "party": party, "kind": kind}
    [result] = ledger.apply([op])
    assert result.status == "reserved_name", result
    assert all(a.id != account for a in ledger.accounts())


def test_names_that_are_no_names_are_invalid(ledger: Ledger) -> None:
    cases = [
        {"op": "open_account", "account": "Ina/Holding", "party": "ina", "kind": "holding"},
        {"op": "open_account", "account": "ina/hold ing", "party": "ina", "kind": "holding"},
        {"op": "open_account", "account": "ina", "party": "ina", "kind": "holding"},
        {"op": "open_account", "account": "a:b/holding", "party": "a:b", "kind": "holding"},
        {"op": "open_party", "party": "Shinjuku", "kind": "company"},
        {"op": "open_party", "party": "新宿区", "kind": "company"},
    ]
    assert statuses(ledger, *cases) == ["invalid_operation"] * len(cases)
    reserved = [
        {"op": "open_party", "party": name, "kind": "company"} for name in ("registry", "issuance")
    ]
    assert statuses(ledger, *reserved) == ["reserved_name", "reserved_name"]
    assert statuses(
        ledger, {"op": "open_party", "party": "registry", "kind": "registry", "name": "県"}
    ) == ["ok"]


def test_finality_holds_whatever_an_account_is_called(ledger: Ledger) -> None:
    """Retired credits stay retired: no operation takes them out of a retirement account,
    whatever its name, and its kind cannot change."""
    ledger.apply(ISSUE_LINES[:5])
    out_of_retirement = [
        transfer("f1", 1, source="shinjuku/retirement", to="ina/holding"),
        {**transfer("f2", 1, source="shinjuku/retirement"), "op": "reserve"},
        {
            "op": "cancel",
            "id": "f3",
            "from": "shinjuku/retirement",
            "reason": "x",
            **PROJECT,
            "quantity": 1,
        },
        {
            "op": "retire",
            "id": "f4",
            "from": "shinjuku/retirement",
            "beneficiary": "b",
            "reason": "r",
            **PROJECT,
            "quantity": 1,
        },
        {"op": "reverse", "id": "f5", "of": "t3"},
        {
            "op": "open_account",
            "account": "shinjuku/retirement",
            "party": "shinjuku",
            "kind": "holding",
        },
    ]
    assert statuses(ledger, *out_of_retirement) == [
        "retired_credits",
        "retired_credits",
        "retired_credits",
        "retired_credits",
        "retired_credits",
        "reserved_name",
    ]
    assert holdings(ledger)["shinjuku/retirement"] == 20


def test_dates_are_bounded_so_that_no_line_blocks_the_ledger(issued: Ledger) -> None:
    """An effective date may be tomorrow (a caller a time zone ahead), not later: a line dated
    9999-12-31 would otherwise make every ordinary write after it `backdated`. (Today is the
    real one: the fixture's issuance is dated by the clock, and a fixed date falls behind it.)"""
    today = dt.date.today()
    tomorrow = str(today + dt.timedelta(days=1))
    assert statuses(
        issued,
        {**transfer("d1", 1), "effective_date": "9999-12-31"},
        {**transfer("d2", 1), "effective_date": str(today + dt.timedelta(days=2))},
        transfer("d3", 1),
        {**transfer("d4", 1), "effective_date": tomorrow},
        transfer("d5", 1),  # dated tomorrow too: an undated write never goes backwards
        today=today,
    ) == ["future_date", "future_date", "ok", "ok", "ok"]
    assert [line.effective_date for line in issued.statement("shinjuku/holding")][-1] == (
        today + dt.timedelta(days=1)
    )


def test_totals_stay_in_the_databases_range(issued: Ledger) -> None:
    """Quantities are bounded so that no sum can pass 2**63 - 1: 10**15 serials a class ever,
    10**18 in all. Before, 9,300 issues of 10**15 overflowed with a traceback after committing
    part of the batch."""
    issue = {"op": "issue", "to": "ina/holding", "instrument": "J-Credit", "vintage": 2030}
    big = 10**15 - 10
    assert statuses(
        issued,
        {**issue, "id": "b1", "project": "big", "quantity": big},
        {**issue, "id": "b2", "project": "big", "quantity": 10},
        {**issue, "id": "b3", "project": "big", "quantity": 1},
        {**issue, "id": "b4", "project": "big2", "quantity": 10**20},
        {**issue, "id": "b5", "project": "big2", "quantity": 10**4000},
        today=dt.date(2030, 5, 1),
    ) == ["ok", "ok", "quantity_too_large", "quantity_too_large", "quantity_too_large"]
    assert issued.verify() == []


def test_every_line_gets_its_answer_and_nothing_else_happens(issued: Ledger) -> None:
    """Lone surrogates, control characters and strings no encoder writes, in every text field,
    are refused line by line; the lines around them commit, and each gets one result."""
    lines: list[object] = [
        transfer("ok1", 1),
        {**transfer("bad1", 1), "memo": "\ud800"},
        {**transfer("bad2", 1), "memo": "line\nbreak"},
        {**transfer("bad3", 1), "memo": "\u202eevil"},
        {**transfer("bad4", 1), "id": "\udfff"},
        {"op": "open_party", "party": "x", "kind": "company", "name": "\ud83d"},
        {
            "op": "retire",
            "id": "bad5",
            "from": "ina/holding",
            **PROJECT,
            "quantity": 1,
            "beneficiary": "\x00",
            "reason": "r",
        },
        ["not", "an", "object"],
        None,
        transfer("ok2", 1),
    ]
    results = issued.apply(lines)
    assert [r.status for r in results] == ["ok", *["invalid_operation"] * 8, "ok"]
    assert results[4].id == "\\udfff"  # escaped: the result line can always be printed
    for result in results:
        result.id.encode("utf-8")
        result.message.encode("utf-8")
    assert holdings(issued)["shinjuku/holding"] == 2


def test_atomic_batch_is_all_or_nothing(issued: Ledger) -> None:
    before = holdings(issued)
    results = issued.apply(
        [transfer("a1", 10), transfer("a2", 1000), transfer("a3", 1)], atomic=True
    )
    assert [r.status for r in results] == ["linked_failed", "insufficient_balance", "linked_failed"]
    assert holdings(issued) == before
    results = issued.apply([transfer("a1", 10), transfer("a3", 1)], atomic=True)
    assert [r.status for r in results] == ["ok", "ok"]


def test_balances_as_of_a_date(issued: Ledger) -> None:
    day = dt.date(2030, 4, 1)
    issued.apply([{**transfer("d1", 10), "effective_date": str(day)}], today=day)
    issued.apply([{**transfer("d2", 5), "effective_date": "2030-05-01"}], today=dt.date(2030, 5, 1))
    as_of = {r.account: r.quantity for r in issued.balances(as_of=day)}
    assert as_of["shinjuku/holding"] == 10
    assert holdings(issued)["shinjuku/holding"] == 15
    assert issued.balances(as_of=dt.date(1999, 1, 1)) == []
    [only] = issued.balances(as_of=day, account="ina/holding")
    assert (only.account, only.project, only.vintage, only.quantity) == (
        "ina/holding",
        "ina-forest",
        2024,
        104,
    )


def test_statement_serial_and_certificate(ledger: Ledger) -> None:
    ledger.apply(ISSUE_LINES)
    rows = ledger.statement("shinjuku/holding")
    assert [(r.id, r.amount, r.balance_after) for r in rows] == [
        ("t2", 50, 50),
        ("t3", -20, 30),
        ("t4", -10, 20),
    ]
    found = ledger.serial("ina-forest", 2024, 5)
    assert [e.id for e in found.events] == ["t1", "t2", "t3"]
    assert found.events[0].from_account is None  # minted by the issuance
    assert found.holder == "shinjuku/retirement"
    retirement = ledger.retirement("t3")
    assert (retirement.beneficiary, retirement.reason, retirement.quantity) == (
        "Shinjuku City",
        "FY2024 offset",
        20,
    )
    assert retirement.seq == seq_of(ledger, "t3")
    page = certificate_page(ledger, "t3")
    assert "Shinjuku City" in page
    assert "FY2024 offset" in page
    assert "0-19" in page  # the 20 serials retired
    assert "記載なし" in page  # no claim period given: none is made up


def test_a_class_keeps_its_methodology(ledger: Ledger) -> None:
    ledger.apply(ISSUE_LINES[:1])
    issue = {
        "op": "issue",
        "to": "ina/holding",
        "instrument": "J-Credit",
        "project": "ina-pv",
        "vintage": 2024,
        "quantity": 5,
    }
    assert statuses(
        ledger,
        {**issue, "id": "m1", "methodology": "EN-R-002"},
        {**issue, "id": "m2"},  # may omit it
        {**issue, "id": "m3", "methodology": "EN-S-006"},  # may not name another
    ) == ["ok", "ok", "class_mismatch"]


def test_nul_characters_are_refused_on_both_databases(ledger: Ledger) -> None:
    # PostgreSQL text cannot hold NUL: found by schemathesis through the API (it was a 500).
    line = {**ISSUE_LINES[0], "account": "ina/hold\x00ing"}
    (result,) = ledger.apply([line])
    assert result.status == "invalid_operation"
    assert "not allowed" in result.message
    assert ledger.accounts() == []


def test_one_atomic_batch_records_what_one_by_one_records(ledger: Ledger, tmp_path: Path) -> None:
    """Operations that read what the same batch recorded (a reversal of its transfer, a post
    and a void of its reservations, a transfer of its issuance) record the same history, books
    and serials in one atomic batch as one operation per commit."""
    other = {
        "op": "open_account",
        "account": "kawabe/holding",
        "party": "kawabe",
        "kind": "holding",
    }
    batch = [
        *ISSUE_LINES[:4],  # t1 issues 120 (6 to the buffer), t2 moves 50 to shinjuku
        other,
        {"op": "transfer", "id": "b1", "from": "ina/holding", "to": "kawabe/holding"}
        | PROJECT
        | {"quantity": 7},
        {"op": "reverse", "id": "b2", "of": "t2", "quantity": 5},
        {"op": "reserve", "id": "b3", "from": "ina/holding", "to": "kawabe/holding"}
        | PROJECT
        | {"quantity": 9},
        {"op": "post", "id": "b4", "reservation": "b3", "quantity": 4},
        {"op": "reserve", "id": "b5", "from": "kawabe/holding", "to": "ina/holding"}
        | PROJECT
        | {"quantity": 3},
        {"op": "void", "id": "b6", "reservation": "b5"},
        {"op": "reverse", "id": "b7", "of": "t2"},  # the rest of t2: 45
        {"op": "retire", "id": "b8", "from": "kawabe/holding", "beneficiary": "Kawabe"}
        | PROJECT
        | {"quantity": 2, "reason": "FY2024"},
        # Repeats inside the batch: the batch's own records answer them.
        {"op": "post", "id": "b9", "reservation": "b3"},
        {"op": "reverse", "id": "b10", "of": "t2", "quantity": 1},
    ]
    day = dt.date(2025, 6, 1)
    results = ledger.apply(batch, atomic=True, today=day)
    assert [r.status for r in results][-2:] == ["reservation_resolved", "linked_failed"]
    batch = batch[:-2]
    results = ledger.apply(batch, atomic=True, today=day)
    assert [r.status for r in results] == ["ok"] * len(batch)
    # By hand: ina 114 - 50 - 7 + 5 - 9 + 5 + 45; kawabe 7 + 4 - 3 + 3 - 2; shinjuku 50 - 5 - 45.
    assert holdings(ledger)["ina/holding"] == 103
    assert holdings(ledger)["kawabe/holding"] == 9
    assert holdings(ledger).get("shinjuku/holding", 0) == 0  # zero balances are not listed
    one_by_one = Ledger.open(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    try:
        assert [r.status for r in one_by_one.apply(batch, today=day)] == ["ok"] * len(batch)
        assert ledger.verify() == []
        assert holdings(ledger) == holdings(one_by_one)
        assert serial_blocks(ledger) == serial_blocks(one_by_one)
        assert history(ledger) == history(one_by_one)
        # Replayed as a batch, everything exists already and nothing changes.
        again = ledger.apply(batch, atomic=True, today=day)
        assert {r.status for r in again if r.id.startswith(("t", "b"))} == {"exists"}
        assert history(ledger) == history(one_by_one)
    finally:
        one_by_one.engine.dispose()


def test_a_party_moves_only_its_own_credits_and_hears_only_of_its_own_accounts(
    issued: Ledger,
) -> None:
    """`party=`: what the API passes for a caller. The rule is checked in the write itself,
    so no read before it can go stale."""
    issued.apply([{"op": "account_status", "account": "shinjuku/holding", "status": "suspended"}])
    before = holdings(issued)
    unknown = issued.apply([transfer("p0", 1, to="nobody/holding")], party="ina")[0]
    cases = {
        # another party's account as the source: as if it did not exist
        "taken": (transfer("p1", 1), "shinjuku"),
        # another party's suspended account as the destination: its status does not show
        "closed": (transfer("p2", 1), "ina"),
        # the registry's operations and reference data
        "issue": (dict(ISSUE_LINES[2], id="p3"), "shinjuku"),
        "open": ({"op": "open_account", "account": "shinjuku/x", "party": "shinjuku",
                  "kind": "holding"}, "shinjuku"),
        "reverse": ({"op": "reverse", "id": "p4", "of": "t2"}, "ina"),
    }  # fmt: skip
    got = {name: issued.apply([op], party=party)[0] for name, (op, party) in cases.items()}
    assert (got["taken"].status, got["taken"].message) == (unknown.status, unknown.message)
    assert (got["closed"].status, got["closed"].message) == (unknown.status, unknown.message)
    assert unknown.status == "unknown_account"
    assert "nobody" not in unknown.message
    assert {got[k].status for k in ("issue", "open", "reverse")} == {"not_permitted"}
    assert holdings(issued) == before
    # its own account's refusal keeps its detail; the operator (party=None) hears everything
    own = issued.apply([transfer("p5", 10**6)], party="ina")[0]
    assert own.status == "insufficient_balance"
    assert issued.apply([transfer("p6", 1)])[0].status == "account_closed"
    assert [r.status for r in issued.apply([transfer("p7", 1, to="ina/holding")], party="ina")] == [
        "same_account"
    ]


def test_a_party_cannot_send_credits_into_the_registrys_buffer(issued: Ledger) -> None:
    """A buffer is the registry's reserve: a party's transfer into it answers as one to an
    account that is not there (README, "Access rules"), and moves nothing; the registry (the
    operator, party=None) still moves credits into it."""
    assert holdings(issued)["buffer:J-Credit"] > 0  # the account is there, holding credits
    before = holdings(issued)
    unknown = issued.apply([transfer("b0", 1, to="nobody/holding")], party="ina")[0]
    into_buffer = issued.apply([transfer("b1", 1, to="buffer:J-Credit")], party="ina")[0]
    assert (into_buffer.status, into_buffer.message) == (unknown.status, unknown.message)
    assert holdings(issued) == before
    assert issued.apply([transfer("b2", 1, to="buffer:J-Credit")])[0].status == "ok"
