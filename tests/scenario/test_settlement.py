"""Settlement per FY: every volume rule, shortfall, priority and delivery mode, by hand."""

from __future__ import annotations

from typing import Any

from offset.common import memos
from offset.scenario.model import Agreement, Party, Volume
from offset.scenario.settlement import Fulfilment, Supply, settle_year

PARTIES = {
    "city": Party(kind="municipality", name="City", jis_code="209901", prefecture="nagano"),
    "village": Party(kind="municipality", name="Village", jis_code="209902", prefecture="nagano"),
    "firm": Party(kind="company", name="Firm KK"),
}
SUPPLY = {
    "forest": Supply("forest", "village", 100),
    "pv": Supply("pv", "city", 40),
}


def agreement(**changes: Any) -> Agreement:
    fields: dict[str, Any] = {
        "provider": "village",
        "beneficiary": "city",
        "projects": ("forest",),
        "period": (2022, 2024),
        "volume": Volume(rule="fixed", tonnes=30),
        "delivery": "transfer",
    }
    return Agreement(**(fields | changes))


def settle(
    agreements: dict[str, Agreement], fy: int = 2022, carried: dict[str, int] | None = None
) -> Any:
    return settle_year("s", fy, agreements, PARTIES, SUPPLY, carried or {})


def test_fixed_volume_transfers_to_the_beneficiary() -> None:
    out = settle({"a": agreement()})
    assert out.operations == [
        {
            "op": "transfer",
            "id": "s:a:fy2022:forest:transfer",
            "from": "village/holding",
            "to": "city/holding",
            "project": "forest",
            "vintage": 2022,
            "quantity": 30,
            "agreement": "a",
            "memo": memos.memo("delivery", agreement="a"),
        }
    ]
    assert out.fulfilment == [
        Fulfilment(
            agreement="a",
            fy=2022,
            committed=30,
            carried_in=0,
            delivered=30,
            retired=0,
            shortfall=0,
            carried_out=0,
        )
    ]
    assert out.left == {"forest": 70, "pv": 40}


def test_share_volume_is_rounded_down() -> None:
    out = settle({"a": agreement(volume=Volume(rule="share", share=0.333))})
    assert out.fulfilment[0].committed == 33  # 100 x 0.333 = 33.3


def test_all_volume_takes_what_is_left_across_projects() -> None:
    deal = agreement(projects=("pv", "forest"), others=("city",), volume=Volume(rule="all"))
    out = settle({"a": deal})
    assert [(o["project"], o["quantity"]) for o in out.operations] == [("pv", 40), ("forest", 100)]
    assert out.left == {"forest": 0, "pv": 0}
    assert out.fulfilment[0].shortfall == 0


def test_retire_on_behalf_of_the_beneficiary() -> None:
    out = settle({"a": agreement(delivery="retire")})
    (op,) = out.operations
    assert op["op"] == "retire"
    assert op["from"] == "village/holding"
    assert (op["beneficiary"], op["reason"], op["claim_period"]) == (
        "City",
        "carbon-offset agreement a, FY2022",
        "2022年度 (FY2022)",  # as the dashboard's retirement form writes it
    )
    # J-Credit's 用途: a carbon-offset agreement's credits offset, claimed for their FY
    assert (op["purpose"], op["claim_fy"], "offset_target" in op) == ("carbon_offset", 2022, False)
    assert out.fulfilment[0].retired == 30


def test_a_japanese_scenarios_retirement_says_its_purpose_in_japanese() -> None:
    """目的詳細 is stored as text and printed on the certificate as it is: in the scenario's
    language (a Japanese certificate read 'carbon-offset agreement watershed, FY2021')."""
    out = settle_year("s", 2022, {"a": agreement(delivery="retire")}, PARTIES, SUPPLY, {}, "ja")
    (op,) = out.operations
    assert op["reason"] == "カーボン・オフセット協定 a に基づく2022年度分の無効化"


def test_an_agreement_names_the_use_of_what_it_retires() -> None:
    deal = agreement(beneficiary="firm", beneficiary_retires=True, purpose="ghg_act",
                     offset_target="Firm KK 本社の2022年度の電力使用による排出")  # fmt: skip
    retire = settle({"a": deal}).operations[1]
    assert (retire["purpose"], retire["claim_fy"], retire["offset_target"]) == (
        "ghg_act", 2022, "Firm KK 本社の2022年度の電力使用による排出",
    )  # fmt: skip


def test_transfer_then_the_beneficiary_retires() -> None:
    out = settle({"a": agreement(beneficiary="firm", beneficiary_retires=True)})
    assert [(o["op"], o["from"]) for o in out.operations] == [
        ("transfer", "village/holding"),
        ("retire", "firm/holding"),
    ]
    assert out.operations[1]["beneficiary"] == "Firm KK"
    assert out.fulfilment[0].retired == 30


def test_shortfall_carried_until_the_last_fy() -> None:
    deal = {"a": agreement(volume=Volume(rule="fixed", tonnes=130), carry_shortfall=True)}
    first = settle(deal, 2022)
    assert first.fulfilment == [
        Fulfilment(
            agreement="a",
            fy=2022,
            committed=130,
            carried_in=0,
            delivered=100,
            retired=0,
            shortfall=30,
            carried_out=30,
        )
    ]
    second = settle(deal, 2023, first.carried)
    assert second.fulfilment == [
        Fulfilment(
            agreement="a",
            fy=2023,
            committed=160,
            carried_in=30,
            delivered=100,
            retired=0,
            shortfall=60,
            carried_out=60,
        )
    ]
    last = settle(deal, 2024, second.carried)
    assert last.fulfilment == [
        Fulfilment(
            agreement="a",
            fy=2024,
            committed=190,
            carried_in=60,
            delivered=100,
            retired=0,
            shortfall=90,
            carried_out=0,
        )
    ]  # unmet at the end
    assert last.carried == {}


def test_shortfall_not_carried_unless_agreed() -> None:
    deal = {"a": agreement(volume=Volume(rule="fixed", tonnes=130))}
    out = settle(deal, 2022)
    assert out.carried == {}
    assert settle(deal, 2023, {"a": 30}).fulfilment[0].committed == 130


def test_priority_decides_who_draws_first_then_the_name() -> None:
    big = agreement(volume=Volume(rule="fixed", tonnes=80))
    small = agreement(volume=Volume(rule="fixed", tonnes=50), beneficiary="firm")
    out = settle({"z-first": big.model_copy(update={"priority": 1}), "a-second": small})
    assert [(f.agreement, f.delivered, f.shortfall) for f in out.fulfilment] == [
        ("z-first", 80, 0),
        ("a-second", 20, 30),
    ]
    tie = settle({"b": big, "a": small})  # same priority: by name
    assert [(f.agreement, f.delivered) for f in tie.fulfilment] == [("a", 50), ("b", 50)]


def test_inactive_outside_the_period() -> None:
    out = settle({"a": agreement(period=(2023, 2024))}, 2022)
    assert out.operations == []
    assert out.fulfilment == []


def test_nothing_issued_is_all_shortfall() -> None:
    out = settle_year("s", 2022, {"a": agreement()}, PARTIES, {}, {})
    assert out.operations == []
    assert out.fulfilment == [
        Fulfilment(
            agreement="a",
            fy=2022,
            committed=30,
            carried_in=0,
            delivered=0,
            retired=0,
            shortfall=30,
            carried_out=0,
        )
    ]
