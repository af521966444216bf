"""What a caller may see: every read of the API and the dashboard goes through here.

The rule: a party sees its own accounts and what moved through them, the retirements made from
them or on its behalf under its agreements, the agreements it is a party to, and the reductions
of its municipality or its projects. Anything else does not exist for it (`NotVisible`, answered
404, so that a probe cannot learn that another party's account or retirement exists). The
registry sees everything.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import text

from offset.api.keys import Caller
from offset.ledger import Ledger, Rejected
from offset.ledger.context import REGISTRY
from offset.ledger.database import reading

OTHER = "(another party)"


class NotVisible(Exception):
    """The resource does not exist, or is not the caller's: the same answer for both."""


def _rows(book: Ledger, sql: str, **params: Any) -> list[dict[str, Any]]:
    with reading(book.engine) as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def party(book: Ledger, caller: Caller) -> dict[str, Any]:
    (row,) = _rows(
        book,
        "SELECT id, kind, name, jis_code, prefecture FROM parties WHERE id = :p",
        p=caller.party,
    )
    return row


def accounts(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    where = "" if caller.is_registry else " WHERE party_id = :p"
    return _rows(
        book,
        f"SELECT id AS account, party_id AS party, kind, status FROM accounts{where} ORDER BY id",
        p=caller.party,
    )


def own_accounts(book: Ledger, caller: Caller) -> set[str]:
    return {a["account"] for a in accounts(book, caller)}


def balances(book: Ledger, caller: Caller, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Non-zero balances of the caller's accounts, with each class's instrument."""
    if as_of is None:  # one indexed query for the caller's rows, not a scan of everyone's
        where = "" if caller.is_registry else " AND a.party_id = :p"
        return _rows(
            book,
            "SELECT b.account_id AS account, c.instrument, c.project, c.vintage, b.quantity"
            " FROM balances b JOIN accounts a ON a.id = b.account_id"
            f" JOIN credit_classes c ON c.id = b.class_id WHERE b.quantity <> 0{where}"
            " ORDER BY 1, 3, 4",
            p=caller.party,
        )
    instruments = {
        (r["project"], r["vintage"]): r["instrument"]
        for r in _rows(book, "SELECT project, vintage, instrument FROM credit_classes")
    }
    rows = (
        book.balances(as_of)
        if caller.is_registry
        else [b for a in sorted(own_accounts(book, caller)) for b in book.balances(as_of, a)]
    )
    return [{**b, "instrument": instruments[(b["project"], b["vintage"])]} for b in rows]


def statement(
    book: Ledger,
    caller: Caller,
    account: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[dict[str, Any]]:
    if account not in own_accounts(book, caller):
        raise NotVisible(account)
    return book.statement(account, start, end)


def retirements(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """Retirements from the caller's accounts, or made on its behalf under its agreements."""
    condition = (
        ""
        if caller.is_registry
        else " AND (EXISTS (SELECT 1 FROM postings p JOIN accounts a ON a.id = p.account_id"
        " WHERE p.tx_seq = t.seq AND a.party_id = :party)"
        " OR t.agreement IN (SELECT name FROM agreements WHERE beneficiary = :party))"
    )
    rows = _rows(
        book,
        "SELECT t.id, t.effective_date, t.fiscal_year, t.quantity, t.agreement, t.operation,"
        " c.instrument, c.project, c.vintage FROM transactions t"
        " JOIN credit_classes c ON c.id = t.class_id"
        f" WHERE t.kind = 'retire'{condition} ORDER BY t.seq",
        party=caller.party,
    )
    own = own_accounts(book, caller)
    out = []
    for row in rows:
        operation = json.loads(row.pop("operation"))
        source = operation["from"]
        out.append(
            {
                **row,
                "from_account": source if caller.is_registry or source in own else OTHER,
                "beneficiary": operation["beneficiary"],
                "reason": operation["reason"],
                "claim_period": operation.get("claim_period"),
            }
        )
    return out


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


def serial(book: Ledger, caller: Caller, project: str, vintage: int, number: int) -> dict[str, Any]:
    """One credit's history, if it ever passed through the caller's accounts.

    Accounts of other parties are shown as "(another party)", and the details of events that
    did not touch the caller (provenance, beneficiary) are left out.
    """
    try:
        history = book.serial(project, vintage, number)
    except Rejected as e:
        raise NotVisible(str(e)) from e
    if caller.is_registry:
        return history
    own = own_accounts(book, caller)
    registry = _rows(book, "SELECT id FROM accounts WHERE party_id = :p", p=REGISTRY)
    system = {a["id"] for a in registry}
    visible = own | system
    events = history["events"]
    if not any(e["from_account"] in own or e["to_account"] in own for e in events):
        raise NotVisible(f"{project} {vintage} {number}")
    for event in events:
        touches = event["from_account"] in own or event["to_account"] in own
        for key in ("from_account", "to_account"):
            if event[key] is not None and event[key] not in visible:
                event[key] = OTHER
        if not touches:
            for key in ("source", "beneficiary", "reason", "id"):
                event.pop(key, None)
    if history["holder"] not in visible:
        history["holder"] = OTHER
    return history
