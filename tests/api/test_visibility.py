"""What a party may see of the ledger, read through the library (`offset.ledger.visibility`)
without HTTP: the rule the API and the dashboard render (`test_access.py` holds the endpoints
to it). The world: East Town delivers to Acme, West Town retires for Rival (conftest)."""

from __future__ import annotations

import dataclasses

import pytest

from offset.ledger import visibility
from offset.ledger.visibility import OTHER, NotVisible
from tests.api.conftest import World


@dataclasses.dataclass(frozen=True)
class Party:
    party: str
    is_registry: bool = False


ACME, RIVAL, EAST = Party("acme-kk"), Party("rival-kk"), Party("east-town")
REGISTRY = Party("registry", is_registry=True)


def test_retirements_own_and_made_on_ones_behalf(world: World) -> None:
    book = world.book
    (own,) = visibility.retirements(book, ACME)
    assert own.retirement.from_account == "acme-kk/holding"
    assert own.retired_by == "Acme KK"
    on_behalf = visibility.retirements(book, RIVAL)
    assert {r.retirement.agreement for r in on_behalf} == {"west-rival"}
    assert {r.retirement.from_account for r in on_behalf} == {OTHER}  # West Town's account
    assert {r.retired_by for r in on_behalf} == {"West Town"}
    registry = visibility.retirements(book, REGISTRY)
    assert {r.retirement.from_account for r in registry} >= {"west-town/holding"}
    # one retirement: the same rule
    assert visibility.retirement(book, ACME, own.retirement.id).id == own.retirement.id
    with pytest.raises(NotVisible):
        visibility.retirement(book, RIVAL, own.retirement.id)
    made_for_rival = on_behalf[0].retirement.id
    assert visibility.retirement(book, RIVAL, made_for_rival).agreement == "west-rival"
    with pytest.raises(NotVisible):
        visibility.retirement(book, ACME, made_for_rival)
    with pytest.raises(NotVisible):
        visibility.retirement(book, ACME, "no-such-retirement")


def test_accounts_balances_and_statements_are_the_parties_own(world: World) -> None:
    book = world.book
    assert {a.party for a in visibility.accounts(book, ACME)} == {"acme-kk"}
    assert {b.account for b in visibility.balances(book, ACME)} <= {
        "acme-kk/holding",
        "acme-kk/retirement",
    }
    assert visibility.balances(book, RIVAL) == []
    assert visibility.statement(book, ACME, "acme-kk/holding")
    with pytest.raises(NotVisible):
        visibility.statement(book, RIVAL, "acme-kk/holding")
    assert visibility.party(book, ACME).name == "Acme KK"
    held = visibility.holdings(book, ACME)
    assert held
    assert {h.account for h in held} == {"acme-kk/holding"}
    assert visibility.receiver(book, "acme-kk/holding") == "Acme KK"
    assert visibility.receiver(book, "acme-kk/retirement") is None  # not a holding account


def test_a_serial_shows_other_parties_as_a_public_registry_does(world: World) -> None:
    book = world.book
    history = visibility.serial(book, ACME, "east-pv", 2022, 0)
    issue, transfer = history.events[:2]
    assert (issue.from_account, issue.to_account, issue.id) == (None, "East Town (holding)", None)
    assert issue.source is not None
    assert set(issue.source) == {"method", "scenario", "input"}
    assert (transfer.from_account, transfer.to_account) == (
        "East Town (holding)",
        "acme-kk/holding",
    )
    full = visibility.serial(book, REGISTRY, "east-pv", 2022, 0)
    assert full.events[0].to_account == "east-town/holding"
    with pytest.raises(NotVisible):
        visibility.serial(book, RIVAL, "east-pv", 2022, 0)
    with pytest.raises(NotVisible):
        visibility.serial(book, ACME, "east-pv", 1999, 0)


def test_reservations_transactions_and_origins(world: World) -> None:
    book = world.book
    reserve = {"op": "reserve", "id": "acme-kk:vis-1", "from": "acme-kk/holding",
               "to": "east-town/holding", "project": "east-pv", "vintage": 2023, "quantity": 1}  # fmt: skip
    (result,) = book.apply([reserve], party="acme-kk")
    assert result.status in ("ok", "exists")
    (open_one,) = [r for r in visibility.reservations(book, ACME) if r.id == "acme-kk:vis-1"]
    assert (open_one.quantity, open_one.to_name) == (1, "East Town")
    assert visibility.reservations(book, RIVAL) == []
    seen = visibility.transaction(book, ACME, "acme-kk:vis-1")
    assert (seen.kind, seen.to_name) == ("reserve", "East Town")
    assert visibility.transaction(book, EAST, "acme-kk:vis-1").to_name is None  # its own account
    with pytest.raises(NotVisible):
        visibility.transaction(book, RIVAL, "acme-kk:vis-1")
    origins = visibility.origins(book, ACME)
    assert {o.account for o in origins} == {"acme-kk/holding"}
    for origin in origins:
        assert origin.quantity == sum(b.stop - b.start for b in origin.serials)
        assert {i.issuer for i in origin.issuances} == {"East Town"}
    assert visibility.origins(book, RIVAL) == []
