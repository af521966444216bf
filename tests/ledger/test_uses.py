"""A retirement's use (`ledger/uses.py`): J-Credit's purposes, the use matrix by credit type,
the 温対法 window, the place of the offset, and serials picked by the holder.

The matrix is J-Credit's 「クレジット種別による活用先一覧」 (japancredit.go.jp/case/outline/):
RE100 takes renewable electricity only; CDP and SBT renewable electricity or heat; forest
credits none of the three. The window is its 温対法 note ※1: retired within the claim FY, or by
the end of June of the next FY for either year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from offset.ledger import Ledger
from offset.ledger.blocks import Block, from_text, holds, take_chosen
from offset.ledger.uses import Claim, claim_years, credit_type, purposes, refusal, uses, window
from tests.ledger.conftest import holdings, serial_blocks

SOLAR, BIOMASS, LIGHTING, FOREST = "EN-R-002", "EN-R-001", "EN-S-006", "FO-001"


def code(purpose: str, methodology: str | None, **more: Any) -> str | None:
    claim = Claim(purpose, methodology, more.pop("vintage", 2024),
                  more.pop("retired_on", dt.date(2025, 1, 10)), **more)  # fmt: skip
    found = refusal(claim)
    return None if found is None else found.code


@pytest.mark.parametrize(
    ("purpose", "allowed", "refused"),
    [
        ("re100", [SOLAR], [BIOMASS, LIGHTING, FOREST, None]),
        ("cdp", [SOLAR, BIOMASS], [LIGHTING, FOREST]),
        ("sbt", [SOLAR, BIOMASS], [LIGHTING, FOREST]),
        ("energy_saving_act", [LIGHTING], [SOLAR, BIOMASS, FOREST]),
        ("keidanren_cn", [SOLAR, BIOMASS, LIGHTING], [FOREST]),
        ("carbon_offset", [SOLAR, BIOMASS, LIGHTING, FOREST, None], []),
        ("other", [SOLAR, FOREST, None], []),
    ],
)
def test_the_use_matrix(purpose: str, allowed: list[str | None], refused: list[str]) -> None:
    for methodology in allowed:
        assert code(purpose, methodology) is None, methodology
    for methodology in refused:
        assert code(purpose, methodology) == "purpose_not_allowed", methodology


def test_every_row_names_its_source_and_every_purpose_has_both_names() -> None:
    for purpose in purposes().values():
        assert purpose.name_ja
        assert purpose.name_en
        assert purpose.source.source
        assert purpose.source.confidence in {"confirmed", "secondary", "derived", "unverified"}
    for use in uses().values():
        assert use.purpose in purposes()
        assert use.source.url.startswith("https://japancredit.go.jp/")
    assert credit_type("fo-001") == credit_type(FOREST)
    solar = credit_type(SOLAR)
    assert solar is not None
    assert solar.code == "renewable_electricity"
    assert credit_type("XX-9") is None


def test_an_unknown_purpose_is_refused() -> None:
    assert code("tax_cut", SOLAR) == "unknown_purpose"


def test_the_ghg_act_window_on_both_sides_of_30_june() -> None:
    # FY2024 runs 2024-04-01 to 2025-03-31; retirements to 2025-06-30 may count for it too.
    assert window(2024) == (dt.date(2024, 4, 1), dt.date(2025, 6, 30))
    for day, expected in [
        (dt.date(2024, 3, 31), "claim_outside_window"),  # before FY2024
        (dt.date(2024, 4, 1), None),
        (dt.date(2025, 3, 31), None),
        (dt.date(2025, 6, 30), None),  # the next FY's June: either year
        (dt.date(2025, 7, 1), "claim_outside_window"),
    ]:
        assert code("ghg_act", SOLAR, retired_on=day, claim_fy=2024) == expected, day
    assert claim_years(dt.date(2025, 6, 30)) == (2025, 2024)
    assert claim_years(dt.date(2025, 7, 1)) == (2025,)
    assert claim_years(dt.date(2025, 3, 31)) == (2024,)
    # the case: a FY2022 vintage retired on 2026-12-07 for a FY2024 claim
    assert (
        code("ghg_act", SOLAR, vintage=2022, retired_on=dt.date(2026, 12, 7), claim_fy=2024)
        == "claim_outside_window"
    )
    assert code("ghg_act", SOLAR, vintage=2025, claim_fy=2024) == "vintage_after_claim"
    assert code("ghg_act", SOLAR) == "claim_fy_required"
    assert code("carbon_offset", SOLAR, retired_on=dt.date(2026, 12, 7)) is None  # no window


def test_the_offset_place_differs_from_the_origin() -> None:
    # Matsumoto's JIS code 20202 (with its check digit: 202029)
    assert code("carbon_offset", SOLAR, offset_place="20202", origin_place="202029") == "same_place"
    assert code("carbon_offset", SOLAR, offset_place="13104", origin_place="202029") is None
    assert code("carbon_offset", SOLAR, offset_place="13104", origin_place=None) is None
    # The J-Credit secretariat states the rule of carbon offsetting only: an RE100 report of
    # credits created where the reporting plant is, is not refused by it.
    assert code("re100", SOLAR, offset_place="20202", origin_place="202029") is None
    assert code("cdp", SOLAR, offset_place="20202", origin_place="202029") is None


def test_serial_ranges_as_printed() -> None:
    assert from_text(["0-29"]) == [Block(0, 30)]
    assert from_text(["7", "8-9"]) == [Block(7, 10)]  # adjacent ones joined
    assert from_text(["5-3"]) is None
    assert from_text(["0-9", "5-12"]) is None  # overlap
    held = [Block(0, 10), Block(20, 30)]
    assert holds(held, [Block(2, 5), Block(20, 30)])
    assert not holds(held, [Block(8, 12)])
    assert not holds([], [Block(0, 1)])
    taken = take_chosen(held, [Block(2, 5), Block(20, 30)])
    assert taken == [Block(2, 5), Block(20, 30)]
    assert held == [Block(0, 2), Block(5, 10)]


# --- through the ledger, on both databases ---------------------------------------------------

SETUP: list[dict[str, Any]] = [
    {"op": "open_party", "party": "matsumoto", "kind": "municipality", "name": "松本市",
     "jis_code": "202029"},
    {"op": "open_party", "party": "shinano", "kind": "company", "name": "信濃精機株式会社"},
    {"op": "open_account", "account": "matsumoto/holding", "party": "matsumoto", "kind": "holding"},
    {"op": "open_account", "account": "shinano/holding", "party": "shinano", "kind": "holding"},
    {"op": "issue", "id": "i1", "to": "matsumoto/holding", "instrument": "J-Credit",
     "project": "matsumoto-pv", "vintage": 2024, "quantity": 30, "methodology": SOLAR,
     "effective_date": "2025-05-01"},
    {"op": "issue", "id": "i2", "to": "matsumoto/holding", "instrument": "J-Credit",
     "project": "matsumoto-forest", "vintage": 2024, "quantity": 10, "methodology": FOREST,
     "effective_date": "2025-05-01"},
    {"op": "transfer", "id": "t1", "from": "matsumoto/holding", "to": "shinano/holding",
     "project": "matsumoto-pv", "vintage": 2024, "quantity": 30, "effective_date": "2025-05-02"},
    {"op": "transfer", "id": "t2", "from": "matsumoto/holding", "to": "shinano/holding",
     "project": "matsumoto-forest", "vintage": 2024, "quantity": 10,
     "effective_date": "2025-05-02"},
]  # fmt: skip


def retire(tx: str, **more: Any) -> dict[str, Any]:
    return {"op": "retire", "id": tx, "from": "shinano/holding", "project": "matsumoto-pv",
            "vintage": 2024, "quantity": 5, "beneficiary": "信濃精機株式会社",
            "reason": "本社の電力使用", "effective_date": "2025-06-30", **more}  # fmt: skip


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    assert [r.status for r in ledger.apply(SETUP)] == ["ok"] * len(SETUP)
    return ledger


def test_refusals_change_nothing(book: Ledger) -> None:
    before = holdings(book), serial_blocks(book)
    cases = {
        "unknown_purpose": retire("r1", purpose="tax_cut"),
        "purpose_not_allowed": retire("r2", purpose="re100", project="matsumoto-forest"),
        "claim_fy_required": retire("r3", purpose="ghg_act"),
        "claim_outside_window": retire(
            "r4", purpose="ghg_act", claim_fy=2024, effective_date="2025-07-01"
        ),
        "same_place": retire("r5", purpose="carbon_offset", offset_place="20202"),
        "serials_not_held": retire("r6", serials=["25-29", "30"], quantity=6),
        "serials_quantity": retire("r7", serials=["0-9"]),
        "not_permitted": retire(
            "r8", purpose="re100", project="matsumoto-forest", override="許可された例外"
        ),
    }
    for expected, op in cases.items():
        party = "shinano" if expected == "not_permitted" else None
        [result] = book.apply([op], party=party)
        assert result.status == expected, (expected, result.message)
    assert (holdings(book), serial_blocks(book)) == before
    assert book.verify() == []


def test_a_retirement_records_its_use_and_verify_checks_it(book: Ledger) -> None:
    op = retire("r1", purpose="ghg_act", claim_fy=2024, offset_target="本社ビルの電力(2024年度)",
                offset_place="13104", serials=["10-14"])  # fmt: skip
    [result] = book.apply([op])
    assert result.status == "ok", result.message
    [found] = book.retirements()
    assert (found.purpose, found.claim_fy, found.offset_target, found.offset_place) == (
        "ghg_act", 2024, "本社ビルの電力(2024年度)", "13104")  # fmt: skip
    assert found.serials == (Block(10, 15),)  # the holder's pick, not the lowest (0-4)
    assert (found.beneficiary, found.reason) == ("信濃精機株式会社", "本社の電力使用")
    assert book.verify() == []
    assert [r.status for r in book.apply([op])] == ["exists"]  # sent again: the first answer
    # One changed column: the hash no longer recomputes, and the header differs from its
    # operation.
    with book.engine.begin() as conn:
        if book.sqlite:
            conn.execute(text("DROP TRIGGER transactions_update_refused"))
        else:
            conn.execute(text("ALTER TABLE transactions DISABLE TRIGGER transactions_append_only"))
        conn.execute(text("UPDATE transactions SET purpose = 're100' WHERE id = 'r1'"))
    problems = book.verify()
    assert any("does not match its operation in purpose" in p for p in problems), problems
    assert any("hash does not recompute" in p for p in problems), problems


def test_the_registry_may_record_an_override(book: Ledger) -> None:
    op = retire("r1", purpose="re100", project="matsumoto-forest", override="制度の特例による")
    [result] = book.apply([op])
    assert result.status == "ok", result.message
    [found] = book.retirements()
    assert found.rule_override == "制度の特例による"
    assert book.verify() == []


def test_a_transfer_by_serials(book: Ledger) -> None:
    op = {"op": "transfer", "id": "t9", "from": "shinano/holding", "to": "matsumoto/holding",
          "project": "matsumoto-pv", "vintage": 2024, "quantity": 3, "serials": ["27-29"],
          "effective_date": "2025-06-30"}  # fmt: skip
    assert [r.status for r in book.apply([op])] == ["ok"]
    pv = [b for b in serial_blocks(book) if b[0] == serial_blocks(book)[0][0]]
    assert [(a, s, e) for _, a, s, e in pv] == [
        ("shinano/holding", 0, 27), ("matsumoto/holding", 27, 30)]  # fmt: skip
    assert book.verify() == []


def test_the_place_rule_reads_the_creating_partys_code_as_it_now_stands(ledger: Ledger) -> None:
    """Credits issued to a party opened on first use (no JIS code yet), whose details are given
    later: the place rule then knows where they were created, in the same writer that issued
    them (it had read the place before the party was described)."""
    first = [
        {"op": "open_account", "account": "azumino/holding", "party": "azumino",
         "kind": "holding"},
        {"op": "issue", "id": "i1", "to": "azumino/holding", "instrument": "J-Credit",
         "project": "azumino-pv", "vintage": 2024, "quantity": 30, "methodology": SOLAR,
         "effective_date": "2025-05-01"},
    ]  # fmt: skip
    assert [r.status for r in ledger.apply(first)] == ["ok", "ok"]
    same = {"project": "azumino-pv", "from": "azumino/holding", "offset_place": "202142",
            "purpose": "carbon_offset"}  # fmt: skip
    [unknown] = ledger.apply([retire("r1", quantity=1, **same)])
    assert unknown.status == "ok"  # nothing tells where they were created: no rule applies
    described = {"op": "open_party", "party": "azumino", "kind": "municipality",
                 "name": "安曇野市", "jis_code": "202142"}  # fmt: skip
    assert [r.status for r in ledger.apply([described])] == ["ok"]
    [refused] = ledger.apply([retire("r2", quantity=1, **same)])
    assert refused.status == "same_place", refused.message
    assert ledger.verify() == []
