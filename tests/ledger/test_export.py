"""Exports: Beancount loads the ledger without errors, agrees on every balance and keeps what the
ledger prints; neither export can be injected."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from beancount import loader
from beancount.core import data, realization

from offset.common import memos
from offset.ledger import Ledger, titles, uses
from offset.ledger.export import account_names, commodity
from tests.ledger.conftest import ISSUE_LINES

# Every text field holds what a Beancount file or a spreadsheet would misread: quotes,
# backslashes, Japanese, a directive-like text, formulas.
HOSTILE = 'x" \\ 2025-01-01 open Assets:Evil\n'.replace("\n", "")
CLAIMED = uses.claim_years(dt.date.today())[-1]  # retired today: an FY its window allows
MORE: list[dict[str, Any]] = [
    {"op": "open_party", "party": "ina", "kind": "municipality", "name": '伊那市 "森林"課 \\'},
    {"op": "open_party", "party": "shinjuku", "kind": "municipality", "name": "新宿区"},
    {
        "op": "reserve",
        "id": "r1",
        "from": "ina/holding",
        "to": "shinjuku/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 30,
        "memo": f"予約 {HOSTILE}",
    },
    {"op": "post", "id": "p1", "reservation": "r1", "quantity": 25},
    {
        "op": "retire",
        "id": "r2",
        "from": "shinjuku/holding",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 5,
        "beneficiary": '=HYPERLINK("http://evil.example","新宿区")',
        "reason": f"@SUM(A1) {HOSTILE}",
        "claim_period": "+2024年度",
        "agreement": "shinjuku-ina",
        "purpose": "carbon_offset",
        "offset_target": f"区役所の電力 {HOSTILE}",
        "offset_place": "131041",
        "claim_fy": CLAIMED,
    },
    {
        "op": "cancel",
        "id": "c1",
        "from": "buffer:J-Credit",
        "project": "ina-forest",
        "vintage": 2024,
        "quantity": 2,
        "reason": "-natural disturbance",
    },
]


def test_beancount_loads_and_balances_agree(ledger: Ledger) -> None:
    ledger.apply([*ISSUE_LINES, *MORE])
    text = ledger.export("beancount")
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert options["operating_currency"] == [commodity(1)]  # Fava opens it as it is
    root = realization.realize(entries)
    names = account_names({a.id: a.kind for a in ledger.accounts()})
    for row in ledger.balances():
        balance = realization.get(root, names[row.account]).balance
        assert balance.get_currency_units(commodity(1)).number == Decimal(row.quantity), row
    # Nothing a text field held became a directive of its own.
    opened = [e for e in entries if isinstance(e, data.Open)]
    assert {e.account for e in opened} == set(names.values())
    assert not any("Evil" in str(e.account) for e in opened)


def test_beancount_keeps_what_the_ledger_prints(ledger: Ledger) -> None:
    ledger.apply([*ISSUE_LINES, *MORE])
    entries, _, _ = loader.load_string(ledger.export("beancount"))
    by_id = {e.meta["id"]: e for e in entries if isinstance(e, data.Transaction)}
    retirement = ledger.retirement("r2")
    meta = by_id["r2"].meta
    assert meta["beneficiary"] == retirement.beneficiary  # exact, quotes and all
    assert meta["reason"] == retirement.reason
    assert meta["claim-period"] == "+2024年度"
    assert meta["agreement"] == "shinjuku-ina"
    assert meta["hash"] == retirement.hash
    # its use, as a J-Credit retirement form names it (用途, target, place, FY claimed)
    assert (meta["purpose"], meta["purpose-name"]) == ("carbon_offset", "カーボン・オフセット")
    assert meta["offset-target"] == f"区役所の電力 {HOSTILE}"
    assert (meta["offset-place"], meta["claim-fy"]) == ("131041", str(CLAIMED))
    assert meta["serials"] == ", ".join(f"{b.start}-{b.stop - 1}" for b in retirement.serials)
    assert "予約" in str(by_id["r1"].narration)
    opened = {e.meta["offset-account"]: e for e in entries if isinstance(e, data.Open)}
    assert opened["ina/holding"].meta["party-name"] == '伊那市 "森林"課 \\'
    assert opened["shinjuku/retirement"].meta["kind"] == "retirement"


def test_offsets_own_memos_are_exported_as_words_with_the_stored_text_beside(
    ledger: Ledger,
) -> None:
    """A delivery's memo is stored as JSON (`memos`): the narration and the offsets-db note
    read it as words, the Beancount entry keeps the stored text too (the hash covers it)."""
    stored = memos.memo("delivery", agreement="shinjuku-ina")
    ledger.apply([*ISSUE_LINES, *MORE[:3]])
    ledger.apply([{"op": "transfer", "id": "d1", "from": "ina/holding", "to": "shinjuku/holding",
                   "project": "ina-forest", "vintage": 2024, "quantity": 1, "memo": stored}])  # fmt: skip
    entries, errors, _ = loader.load_string(ledger.export("beancount"))
    assert errors == []
    (entry,) = [e for e in entries if isinstance(e, data.Transaction) and e.meta["id"] == "d1"]
    assert entry.narration == f"transfer d1: {memos.text(stored, 'en')}"
    assert entry.narration == "transfer d1: delivery under shinjuku-ina"
    assert entry.meta["memo"] == stored
    plain = [e for e in entries if isinstance(e, data.Transaction) and e.meta["id"] == "r1"]
    assert "memo" not in plain[0].meta  # a person's memo is its own words: not repeated


def test_beancount_names_a_project_by_its_stored_title(ledger: Ledger) -> None:
    ledger.apply(ISSUE_LINES)
    ledger.apply(
        titles.describing("project", [{"name": "ina-forest", "title": f"伊那市 {HOSTILE}"}])
    )
    entries, errors, _ = loader.load_string(ledger.export("beancount"))
    assert errors == []
    (credit,) = [e for e in entries if isinstance(e, data.Commodity)]
    assert (credit.meta["project"], credit.meta["project-title"]) == (
        "ina-forest",
        f"伊那市 {HOSTILE}",
    )


def test_account_names_stay_one_to_one() -> None:
    """Ids that reduce to the same Beancount name (here `_` and `.` both become `-`) each get
    a suffix of their own."""
    names = account_names(
        {"a_b/holding": "holding", "a.b/holding": "holding", "c/holding": "holding"}
    )
    assert len(set(names.values())) == 3
    assert names["c/holding"] == "Assets:C:Holding"
    assert names["a_b/holding"].startswith("Assets:A-b:Holding-H")


def test_offsets_db_csv_is_neutralised(ledger: Ledger) -> None:
    ledger.apply([*ISSUE_LINES, *MORE])
    rows = list(csv.DictReader(io.StringIO(ledger.export("offsets-db"))))
    assert [(r["transaction_type"], r["quantity"]) for r in rows] == [
        ("issuance", "120"),
        ("retirement", "20"),
        ("retirement", "5"),
        ("cancellation", "2"),
    ]
    assert rows[1]["retirement_beneficiary"] == "Shinjuku City"
    # OWASP's rule: a text cell that starts like a formula gets a leading apostrophe.
    assert rows[2]["retirement_beneficiary"] == "'" + MORE[4]["beneficiary"]
    assert rows[2]["retirement_reason"].startswith("'@SUM")
    assert rows[2]["retirement_note"] == "'+2024年度"
    assert rows[3]["retirement_reason"] == "'-natural disturbance"
