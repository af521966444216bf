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
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

from offset.api.keys import Caller
from offset.ledger import Ledger, Rejected, queries
from offset.ledger.database import reading
from offset.ledger.rows import AccountRow, BalanceLine, Retirement, StatementLine

OTHER = "(another party)"
# The name of the party that holds a transaction's destination, as a public registry shows it.
HOLDER_OF_TO_ACCOUNT = (
    "LEFT JOIN accounts ta ON ta.id = t.to_account LEFT JOIN parties tp ON tp.id = ta.party_id"
)
HOLDER_NAME = "COALESCE(NULLIF(tp.name, ''), tp.id)"


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
    _retirement_visible(book, caller, tx_id)
    from offset.documents.certificate import certificate_page

    return certificate_page(book, tx_id)


def certificate_pdf(book: Ledger, caller: Caller, tx_id: str) -> bytes:
    _retirement_visible(book, caller, tx_id)
    from offset.documents import certificate as printed

    return printed.certificate_pdf(book, tx_id)


def _retirement_visible(book: Ledger, caller: Caller, tx_id: str) -> None:
    """The rule of `retirements`, for one: the caller's own, or made under an agreement of
    which it is the beneficiary (read once, not the caller's whole list)."""
    with reading(book.engine) as conn:
        try:
            found = queries.retirement(conn, tx_id)
        except Rejected as e:
            raise NotVisible(tx_id) from e
    if caller.is_registry or found.party == caller.party:
        return
    if found.agreement is None or found.agreement not in _beneficiary_agreements(book, caller):
        raise NotVisible(tx_id)


def _visible_agreements(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """The agreements the caller is a party to (as provider, beneficiary or other party)."""
    out = []
    for row in _rows(book, "SELECT * FROM agreements ORDER BY name"):
        row["others"] = json.loads(row["others"])
        row["projects"] = json.loads(row["projects"])
        row["parties"] = {row["provider"], row["beneficiary"], *row["others"]}
        if caller.is_registry or caller.party in row["parties"]:
            out.append(row)
    return out


def agreement_names(book: Ledger, caller: Caller) -> list[str]:
    """The agreements a party may name on its own transactions: those it is a party to."""
    return [a["name"] for a in _visible_agreements(book, caller)]


def agreements(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """The caller's agreements, with the plan's fulfilment and what the ledger did under them."""
    rows = _visible_agreements(book, caller)
    fulfilment = _rows(book, "SELECT * FROM agreement_fulfilment ORDER BY agreement, fy")
    named, params = queries.in_list("g", [r["name"] for r in rows])
    # One read for every agreement: each transaction naming one, with its source's party.
    moves = _rows(
        book,
        "SELECT t.agreement, t.kind, c.vintage, t.quantity, a.party_id AS party"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
        f" JOIN accounts a ON a.id = t.from_account WHERE t.agreement {named}",
        **params,
    )
    for row in rows:
        row["fulfilment"] = [
            {k: v for k, v in f.items() if k != "agreement"}
            for f in fulfilment
            if f["agreement"] == row["name"]
        ]
        row["ledger"] = _from_ledger(row, [m for m in moves if m["agreement"] == row["name"]])
        del row["parties"]
    return rows


def _from_ledger(agreement: dict[str, Any], moves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the ledger's transactions naming the agreement did, per vintage FY: delivered (the
    provider's transfers and on-behalf retirements) and retired (every retirement by one of
    its parties: the provider's on the partner's behalf, the partner's own against it). A
    transaction by a party outside the agreement counts for nothing, whatever it names."""
    years: dict[int, dict[str, int]] = {
        f["fy"]: {"fy": f["fy"], "committed": f["committed"], "delivered": 0, "retired": 0}
        for f in agreement["fulfilment"]
    }
    for move in moves:
        if move["party"] not in agreement["parties"]:
            continue
        fy = int(move["vintage"])
        year = years.setdefault(fy, {"fy": fy, "committed": 0, "delivered": 0, "retired": 0})
        if move["party"] == agreement["provider"] and move["kind"] in ("transfer", "retire"):
            year["delivered"] += int(move["quantity"])
        if move["kind"] == "retire":
            year["retired"] += int(move["quantity"])
    return [years[fy] for fy in sorted(years)]


def reductions(book: Ledger, caller: Caller, fy: int | None = None) -> list[dict[str, Any]]:
    """Computed reductions of the caller's municipality (by its 団体コード, which a run's rows
    carry, or its key, which runs before the codes carried) or of the projects it owns."""
    conditions = []
    if not caller.is_registry:
        conditions.append("(municipality = :p OR municipality = :code OR owner = :p)")
    if fy is not None:
        conditions.append("fy = :fy")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return _rows(
        book,
        "SELECT scenario, project, fy, municipality, owner, method, rows, reduction_tco2e,"
        f" creditable_tco2e FROM reductions{where} ORDER BY fy, municipality, project",
        p=caller.party,
        code=_code(party(book, caller).get("jis_code")) or caller.party,
        fy=fy,
    )


def _code(jis_code: object) -> str:
    """A party's jis_code as the rows carry it: 6 digits (a 5-digit code gets its check digit);
    a code that is not one (a fictional party's) as it is."""
    from offset.intake.places import municipality_code

    if not jis_code:
        return ""
    found = municipality_code(str(jis_code))
    return found.code if found is not None and found.code else str(jis_code)


def municipality_names(book: Ledger, codes: Iterable[str]) -> dict[str, str]:
    """The name each municipality code is printed with: the official name from the list of
    local governments, else the name of the party with that jis_code, else the code."""
    from offset.intake.municipalities import shipped

    with reading(book.engine) as conn:
        parties = queries.parties(conn)
    by_code = {_code(p.jis_code): p.name for p in parties.values() if p.jis_code}
    table = shipped().places
    return {c: table[c].name if c in table else by_code.get(c, c) for c in dict.fromkeys(codes)}


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
            # an issuance's method and input data hash are public, as in `origins`
            public = _public_source(event["source"]) if event["kind"] == "issue" else None
            for key in ("id", "source", "beneficiary", "reason", "claim_period"):
                event[key] = None
            event["source"] = public
    found["holder"] = shown(found["holder"])
    return found


def _public_source(source: Any) -> dict[str, Any] | None:
    """What a public registry shows of an issuance's provenance: its method, scenario and the
    input data's SHA-256 (never the file's path, rows or the rest of the record)."""
    if not isinstance(source, dict):
        return None
    data = source.get("input")
    sha256 = data.get("sha256") if isinstance(data, dict) else None
    return {"method": source.get("method"), "scenario": source.get("scenario"),
            "input": {"sha256": sha256}}  # fmt: skip


def holdings(book: Ledger, caller: Caller) -> list[BalanceLine]:
    """What the caller may act on: its credits in open holding accounts (never what it has
    retired, cancelled or reserved)."""
    usable = {a.id for a in accounts(book, caller) if a.kind == "holding" and a.status == "open"}
    return [b for b in balances(book, caller) if b.account in usable]


def receiver(book: Ledger, account: str) -> str | None:
    """The name of the party holding an open holding account, as a public registry shows the
    holder of an account; None if there is no such account."""
    rows = _rows(
        book,
        "SELECT p.id, p.name FROM accounts a JOIN parties p ON p.id = a.party_id"
        " WHERE a.id = :a AND a.kind = 'holding' AND a.status = 'open'",
        a=account,
    )
    return (rows[0]["name"] or rows[0]["id"]) if rows else None


def reservations(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """The caller's open reservations: from its accounts, not yet posted or voided."""
    among, params = queries.in_list("a", own_accounts(book, caller))
    found = _rows(
        book,
        "SELECT t.id, t.effective_date, c.project, c.vintage, t.quantity, t.from_account,"
        f" t.to_account, {HOLDER_NAME} AS to_name"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
        f" {HOLDER_OF_TO_ACCOUNT} WHERE t.kind = 'reserve' AND t.from_account {among}"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.resolves = t.id) ORDER BY t.seq",
        **params,
    )
    for row in found:
        row["to_name"] = row["to_name"] or OTHER
    return found


def transaction(book: Ledger, caller: Caller, tx_id: str) -> dict[str, Any]:
    """One credit transaction from or to the caller's accounts (what a page shows after an
    action)."""
    found = _rows(
        book,
        "SELECT t.id, t.seq, t.kind, t.effective_date, c.project, c.vintage, t.quantity,"
        " t.from_account, t.to_account, t.beneficiary, t.reason, t.claim_period, t.memo"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id WHERE t.id = :id",
        id=tx_id,
    )
    own = own_accounts(book, caller)
    row = found[0] if found else None
    if row is None or not (caller.is_registry or {row["from_account"], row["to_account"]} & own):
        raise NotVisible(tx_id)
    if not caller.is_registry and row["to_account"] not in own:
        row["to_name"] = receiver(book, row["to_account"]) or OTHER
    return row


def origins(book: Ledger, caller: Caller) -> list[dict[str, Any]]:
    """Where the caller's credits come from, as a public registry shows it: for each credit
    class in each of its holding accounts, the serial ranges held, the instrument, methodology,
    and each issuance of the class (the issuing party's name, the date, the method, the input
    data's SHA-256), never another party's balances."""
    usable = {a.id for a in accounts(book, caller) if a.kind == "holding"}
    among, params = queries.in_list("a", usable)
    ranges = _rows(
        book,
        "SELECT b.account_id AS account, c.id AS class_id, c.instrument, c.project, c.vintage,"
        " c.methodology, b.start, b.stop FROM blocks b JOIN credit_classes c ON c.id = b.class_id"
        f" WHERE b.account_id {among} ORDER BY b.account_id, c.project, c.vintage, b.start",
        **params,
    )
    held: dict[tuple[str, int], dict[str, Any]] = {}
    for r in ranges:
        item = held.setdefault(
            (r["account"], r["class_id"]),
            {k: r[k] for k in ("account", "instrument", "project", "vintage", "methodology")}
            | {"quantity": 0, "serials": [], "class_id": r["class_id"]},
        )
        item["quantity"] += r["stop"] - r["start"]
        item["serials"].append({"start": int(r["start"]), "stop": int(r["stop"])})
    classes = sorted({c for _, c in held})
    issued: dict[int, list[dict[str, Any]]] = {c: [] for c in classes}
    if classes:
        of_class, class_params = queries.in_list("c", classes)
        rows = _rows(
            book,
            f"SELECT t.class_id, t.id, t.effective_date, t.quantity, t.source, {HOLDER_NAME}"
            f" AS issuer FROM transactions t {HOLDER_OF_TO_ACCOUNT}"
            f" WHERE t.kind = 'issue' AND t.class_id {of_class} ORDER BY t.seq",
            **class_params,
        )
        for row in rows:
            found = json.loads(row["source"]) if row["source"] else {}
            data = found.get("input") or {}
            issued[row["class_id"]].append(
                {
                    "id": row["id"],
                    "effective_date": str(row["effective_date"])[:10],
                    "issuer": row["issuer"] or OTHER,
                    "quantity": int(row["quantity"]),
                    "method": found.get("method"),
                    "scenario": found.get("scenario"),
                    "data_sha256": data.get("sha256") if isinstance(data, dict) else None,
                }
            )
    out = []
    for item in held.values():
        item["issuances"] = issued[item.pop("class_id")]
        out.append(item)
    return out
