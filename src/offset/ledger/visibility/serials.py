"""One credit's history as a party may see it: events that did not touch it carry no id,
provenance, beneficiary, reason or claim period.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from offset.ledger import queries
from offset.ledger.codes import Rejected
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.rows import (
    SerialEvent,
    SerialHistory,
)
from offset.ledger.visibility.accounts import own_accounts
from offset.ledger.visibility.viewer import (
    NotVisible,
    Viewer,
    public_name,
)


def serial(book: Ledger, viewer: Viewer, project: str, vintage: int, number: int) -> SerialHistory:
    """One credit's history, if it ever passed through the viewer's accounts. Other parties'
    accounts read as their party and kind; events that did not touch the viewer carry no
    details (no id, provenance, beneficiary, reason or claim period)."""
    try:
        history = book.serial(project, vintage, number)
    except Rejected as e:
        raise NotVisible(str(e)) from e
    if viewer.is_registry:
        return history
    own = own_accounts(book, viewer)
    if not any(e.from_account in own or e.to_account in own for e in history.events):
        raise NotVisible(f"{project} {vintage} {number}")
    with reading(book.engine) as conn:
        every = {a.id: a for a in queries.accounts(conn)}
        names = {p.id: p.name for p in queries.parties(conn).values()}

    def shown(account: str) -> str:
        return account if account in own else public_name(every.get(account), names)

    def seen(event: SerialEvent) -> SerialEvent:
        source = None if event.from_account is None else shown(event.from_account)
        moved = dataclasses.replace(event, from_account=source, to_account=shown(event.to_account))
        if event.from_account in own or event.to_account in own:
            return moved
        # an issuance's method and input data hash are public, as in `origins`
        public = _public_source(event.source) if event.kind == "issue" else None
        return dataclasses.replace(
            moved, id=None, source=public, beneficiary=None, reason=None, claim_period=None
        )

    events = tuple(seen(e) for e in history.events)
    holder = None if history.holder is None else shown(history.holder)
    return dataclasses.replace(history, holder=holder, events=events)


def _public_source(source: Any) -> dict[str, Any] | None:
    """What a public registry shows of an issuance's provenance: its method, scenario and the
    input data's SHA-256 (never the file's path, rows or the rest of the record)."""
    if not isinstance(source, dict):
        return None
    data = source.get("input")
    sha256 = data.get("sha256") if isinstance(data, dict) else None
    return {"method": source.get("method"), "scenario": source.get("scenario"),
            "input": {"sha256": sha256}}  # fmt: skip
