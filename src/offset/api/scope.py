"""What a caller may see: every read of the API and the dashboard goes through here.

The rule: a party sees its own accounts and what moved through them, the retirements made from
them or on its behalf under its agreements, the agreements it is a party to, and the reductions
of its municipality or its projects. Anything else does not exist for it (`NotVisible`, answered
404, so that a probe cannot learn that another party's account or retirement exists). Of other
parties it sees what a public registry shows: who holds, retired or issued (party and account
kind), never their account names, balances, reasons or memos. The registry sees everything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlalchemy import text

from offset.api.keys import Caller
from offset.ledger import Ledger, Rejected, queries
from offset.ledger.database import reading
from offset.ledger.rows import AccountRow, BalanceLine, Retirement, StatementLine

OTHER = "(another party)"


class NotVisible(Exception):
    """The resource does not exist, or is not the caller's: the same answer for both."""


def _rows(book: Ledger, sql: str, **params: Any) -> list[dict[str, Any]]:
    with reading(book.engine) as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def party(book: Ledger, caller: Caller) -> dict[str, Any]:
    with reading(book.engine) as conn:
        found = queries.parties(conn, [caller.party])[caller.party]
    return dataclasses.asdict(found)


def accounts(book: Ledger, caller: Caller) -> list[AccountRow]:
    return book.accounts(None if caller.is_registry else caller.party)


def own_accounts(book: Ledger, caller: Caller) -> set[str]:
    return {a.id for a in accounts(book, caller)}


def balances(book: Ledger, caller: Caller, as_of: dt.date | None = None) -> list[BalanceLine]:
    """Non-zero balances of the caller's accounts (one query, the caller's rows only)."""
    return book.balances(as_of, party=None if caller.is_registry else caller.party)


def statement(
    book: Ledger,
    caller: Caller,
    account: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[StatementLine]:
    if account not in own_accounts(book, caller):
        raise NotVisible(account)
    return book.statement(account, start, end)


def _beneficiary_agreements(book: Ledger, caller: Caller) -> list[str]:
    rows = _rows(book, "SELECT name FROM agreements WHERE beneficiary = :p", p=caller.party)
    return [r["name"] for r in rows]


def retirements(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """Retirements from the caller's accounts, or made on its behalf under its agreements:
    each with who retired it (a party's name: public, as a registry shows it), and the source
    account only if it is the caller's."""
    with reading(book.engine) as conn:
        found = (
            queries.retirements(conn)
            if caller.is_registry
            else queries.retirements(conn, [caller.party], _beneficiary_agreements(book, caller))
        )
        names = queries.parties(conn, {r.party for r in found})
    return [_retirement(r, caller, names[r.party].name or r.party) for r in found]


def _retirement(found: Retirement, caller: Caller, retired_by: str) -> dict[str, Any]:
    own = caller.is_registry or found.party == caller.party
    row = dataclasses.asdict(found)
    row["serials"] = [{"start": b.start, "stop": b.stop} for b in found.serials]
    row["from_account"] = found.from_account if own else OTHER
    row["retired_by"] = retired_by
    return row


def certificate(book: Ledger, caller: Caller, tx_id: str) -> str:
    if tx_id not in {r["id"] for r in retirements(book, caller)}:
        raise NotVisible(tx_id)
    return book.certificate(tx_id)


def agreements(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """The caller's agreements (as provider, beneficiary or other party), with fulfilment."""
    rows = _rows(book, "SELECT * FROM agreements ORDER BY name")
    fulfilment = _rows(book, "SELECT * FROM agreement_fulfilment ORDER BY agreement, fy")
    out = []
    for row in rows:
        row["others"] = json.loads(row["others"])
        row["projects"] = json.loads(row["projects"])
        parties = {row["provider"], row["beneficiary"], *row["others"]}
        if caller.is_registry or caller.party in parties:
            row["fulfilment"] = [
                {k: v for k, v in f.items() if k != "agreement"}
                for f in fulfilment
                if f["agreement"] == row["name"]
            ]
            out.append(row)
    return out


def reductions(book: Ledger, caller: Caller, fy: int | None = None) -> list[dict[str, Any]]:
    """Computed reductions of the caller's municipality or of the projects it owns."""
    conditions = [] if caller.is_registry else ["(municipality = :p OR owner = :p)"]
    if fy is not None:
        conditions.append("fy = :fy")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return _rows(
        book,
        "SELECT scenario, project, fy, municipality, owner, method, rows, reduction_tco2e,"
        f" creditable_tco2e FROM reductions{where} ORDER BY fy, municipality, project",
        p=caller.party,
        fy=fy,
    )


def public_name(account: AccountRow | None, names: dict[str, str]) -> str:
    """Another party's account as a public registry shows it: its party and its kind (never
    its name, which may say more: a cancellation account is named after its reason)."""
    if account is None:
        return OTHER
    return f"{names.get(account.party) or account.party} ({account.kind})"


def serial(book: Ledger, caller: Caller, project: str, vintage: int, number: int) -> dict[str, Any]:
    """One credit's history, if it ever passed through the caller's accounts. Other parties'
    accounts read as their party and kind; events that did not touch the caller carry no
    details (no id, provenance, beneficiary, reason or claim period)."""
    try:
        history = book.serial(project, vintage, number)
    except Rejected as e:
        raise NotVisible(str(e)) from e
    found = dataclasses.asdict(history)
    if caller.is_registry:
        return found
    own = own_accounts(book, caller)
    events = found["events"]
    if not any(e["from_account"] in own or e["to_account"] in own for e in events):
        raise NotVisible(f"{project} {vintage} {number}")
    with reading(book.engine) as conn:
        every = {a.id: a for a in queries.accounts(conn)}
        names = {p.id: p.name for p in queries.parties(conn).values()}

    def shown(account: str | None) -> str | None:
        if account is None or account in own:
            return account
        return public_name(every.get(account), names)

    for event in events:
        touches = event["from_account"] in own or event["to_account"] in own
        event["from_account"], event["to_account"] = (
            shown(event["from_account"]),
            shown(event["to_account"]),
        )
        if not touches:
            for key in ("id", "source", "beneficiary", "reason", "claim_period"):
                event[key] = None
    found["holder"] = shown(found["holder"])
    return found
