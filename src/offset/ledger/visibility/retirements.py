"""Retirements a party may see (its own, and those made on its behalf under agreements of
which it is the beneficiary), and whether it may see their source account.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from offset.ledger import queries
from offset.ledger.codes import Rejected
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.rows import Retirement
from offset.ledger.visibility.viewer import (
    OTHER,
    NotVisible,
    Viewer,
    rows_of,
)


@dataclass(frozen=True)
class SeenRetirement:
    """A retirement as the viewer sees it: its source account only if it is the viewer's
    (else `OTHER`), and the name of the party that retired it (public, as a registry shows)."""

    retirement: Retirement
    retired_by: str


def _beneficiary_agreements(book: Ledger, viewer: Viewer) -> list[str]:
    """The agreements (of scenario runs) of which the viewer is the beneficiary."""
    rows = rows_of(book, "SELECT name FROM agreements WHERE beneficiary = :p", p=viewer.party)
    return [r["name"] for r in rows]


def retirements(book: Ledger, viewer: Viewer) -> list[SeenRetirement]:
    """Retirements from the viewer's accounts, made on its behalf under its agreements, or of
    credits issued to it (whoever retired them: what happened to a provider's credits, as
    J-Credit's public 無効化 lists show; the retiring party's account stays hidden)."""
    with reading(book.engine) as conn:
        found = (
            queries.retirements(conn)
            if viewer.is_registry
            else queries.retirements(
                conn, [viewer.party], _beneficiary_agreements(book, viewer), [viewer.party]
            )
        )
        names = queries.parties(conn, {r.party for r in found})
    return [
        SeenRetirement(
            r if sees_source(viewer, r) else dataclasses.replace(r, from_account=OTHER),
            names[r.party].name or r.party,
        )
        for r in found
    ]  # fmt: skip


def retirement(book: Ledger, viewer: Viewer, tx_id: str) -> Retirement:
    """One retirement, by the rule of `retirements`: the viewer's own, made under an agreement
    of which it is the beneficiary, or of credits issued to it (read once, not the viewer's
    whole list)."""
    with reading(book.engine) as conn:
        try:
            found = queries.retirement(conn, tx_id)
        except Rejected as e:
            raise NotVisible(tx_id) from e
    if viewer.is_registry or found.party == viewer.party:
        return found
    if found.agreement is not None and found.agreement in _beneficiary_agreements(book, viewer):
        return found
    with reading(book.engine) as conn:
        if queries.issued_to(conn, tx_id, viewer.party):  # the viewer's own credits
            return found
    raise NotVisible(tx_id)


def sees_source(viewer: Viewer, found: Retirement) -> bool:
    """Whether the viewer may see the account a retirement came from: its own retirements (and
    the registry); one made on its behalf says who retired it, not from which account."""
    return viewer.is_registry or found.party == viewer.party
