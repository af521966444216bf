"""Settling agreements for one FY: a pure function from what the projects issued to ledger ops.

The rule, when several agreements draw on the same project:

1. Agreements active in the FY settle one after another, by `priority` (lower first), then by
   name. Each draws from its projects in the order it lists them, taking from each what is left
   after the agreements before it.
2. An agreement draws only the FY's own vintage, and only what the project issued to its owner's
   holding account (the buffer is never delivered).
3. A `fixed` agreement commits its tonnes (plus a carried shortfall, if it carries one); a
   `share` agreement commits the share of its projects' whole issuance to their owners, rounded
   down; an `all` agreement commits whatever is left of its projects when its turn comes.
4. What it cannot deliver is its shortfall. With `carry_shortfall`, the shortfall is added to
   the next FY's commitment until the agreement's last FY; after that it stays unmet.

Whatever no agreement takes stays in the owner's holding account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from offset.common import memos
from offset.common.fiscal import claim_period
from offset.common.messages import Lang, Msg
from offset.scenario.model import Agreement, Party


@dataclass(frozen=True)
class Supply:
    """What one project issued to its owner's holding account for one FY (its vintage)."""

    project: str
    owner: str
    quantity: int


@dataclass(frozen=True)
class Fulfilment:
    """What an agreement committed and delivered in one FY (credits): the one declaration of
    the record. The report's fulfilment table, the run's stored rows (the ledger's
    `agreement_fulfilment` table has these columns; a test holds them to these fields) and
    the API's answer are derived from it."""

    agreement: str
    fy: int
    committed: int  # this FY's commitment, the shortfall carried in included
    carried_in: int  # shortfall carried in from the previous FY
    delivered: int
    retired: int  # of the delivered, retired for the beneficiary
    shortfall: int
    carried_out: int  # shortfall carried to the next FY


@dataclass(frozen=True)
class Delivery:
    agreement: str
    fy: int
    project: str
    quantity: int
    mode: str  # transfer, retire, or transfer+retire


@dataclass
class YearSettlement:
    operations: list[dict[str, Any]] = field(default_factory=list)
    fulfilment: list[Fulfilment] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    left: dict[str, int] = field(default_factory=dict)  # per project, what stays with its owner
    carried: dict[str, int] = field(default_factory=dict)  # per agreement, into the next FY


def holding(party: str) -> str:
    return f"{party}/holding"


def settle_year(
    scenario: str,
    fy: int,
    agreements: Mapping[str, Agreement],
    parties: Mapping[str, Party],
    supply: Mapping[str, Supply],
    carried: Mapping[str, int],
    lang: Lang = "en",
) -> YearSettlement:
    """The ledger operations that settle every agreement active in `fy`, and their fulfilment.
    A retirement's purpose in detail (目的詳細) is written in `lang`, the scenario's language:
    it is stored as text and printed on the certificate as it is."""
    out = YearSettlement(left={p: s.quantity for p, s in supply.items()})
    active = [
        (a.priority, name) for name, a in agreements.items() if a.period[0] <= fy <= a.period[1]
    ]
    for _, name in sorted(active):
        agreement = agreements[name]
        carried_in = carried.get(name, 0) if agreement.carry_shortfall else 0
        committed = _commitment(agreement, supply, out.left) + carried_in
        delivered = 0
        for project in agreement.projects:
            take = min(out.left.get(project, 0), committed - delivered)
            if take <= 0:
                continue
            out.left[project] -= take
            delivered += take
            owner = supply[project].owner
            out.operations += _operations(
                scenario, name, agreement, parties, project, owner, fy, take, lang
            )
            mode = agreement.delivery + ("+retire" if agreement.beneficiary_retires else "")
            out.deliveries.append(Delivery(name, fy, project, take, mode))
        shortfall = committed - delivered
        carry = shortfall if agreement.carry_shortfall and fy < agreement.period[1] else 0
        if carry:
            out.carried[name] = carry
        retired = (
            delivered if agreement.delivery == "retire" or agreement.beneficiary_retires else 0
        )
        out.fulfilment.append(
            Fulfilment(
                agreement=name, fy=fy, committed=committed, carried_in=carried_in,
                delivered=delivered, retired=retired, shortfall=shortfall, carried_out=carry,
            )
        )  # fmt: skip
    return out


def _commitment(agreement: Agreement, supply: Mapping[str, Supply], left: Mapping[str, int]) -> int:
    volume = agreement.volume
    if volume.rule == "fixed":
        assert volume.tonnes is not None  # checked by Scenario.from_toml
        return volume.tonnes
    if volume.rule == "share":
        assert volume.share is not None
        issued = sum(supply[p].quantity for p in agreement.projects if p in supply)
        share = Fraction(str(volume.share))
        return issued * share.numerator // share.denominator
    return sum(left.get(p, 0) for p in agreement.projects)


def _operations(
    scenario: str,
    name: str,
    agreement: Agreement,
    parties: Mapping[str, Party],
    project: str,
    owner: str,
    fy: int,
    quantity: int,
    lang: Lang,
) -> list[dict[str, Any]]:
    """Ids are derived from scenario, agreement, FY and project: a re-run posts nothing twice."""
    base = f"{scenario}:{name}:fy{fy}:{project}"
    common = {
        "project": project,
        "vintage": fy,
        "quantity": quantity,
        "agreement": name,
    }
    retire = {
        "op": "retire",
        "beneficiary": parties[agreement.beneficiary].name,
        "reason": Msg("settle.reason", agreement=name, fy=fy).render(lang),
        "claim_period": claim_period(fy),  # as the dashboard's form writes it
        "purpose": agreement.purpose,  # J-Credit's 用途, checked by the ledger's use rules
        "claim_fy": fy,
    }
    if agreement.offset_target is not None:
        retire["offset_target"] = agreement.offset_target
    if agreement.delivery == "retire":  # on the beneficiary's behalf, from the owner's holding
        return [{**retire, **common, "id": f"{base}:retire", "from": holding(owner)}]
    transfer = {
        **common,
        "op": "transfer",
        "id": f"{base}:transfer",
        "from": holding(owner),
        "to": holding(agreement.beneficiary),
        "memo": memos.memo("delivery", agreement=name),
    }
    if not agreement.beneficiary_retires:
        return [transfer]
    own = {**retire, **common, "id": f"{base}:retire", "from": holding(agreement.beneficiary)}
    return [transfer, own]
