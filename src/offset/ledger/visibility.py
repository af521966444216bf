"""What a party may see of the ledger: every read the HTTP API and the dashboard make of it.

The rule: a party sees its own accounts and what moved through them, and the retirements made
from them or on its behalf under the agreements of which it is the beneficiary. Anything else
does not exist for it (`NotVisible`: the API answers 404, so that a probe cannot learn that
another party's account or retirement exists). Of other parties it sees what a public registry
shows: who holds, retired or issued (party and account kind), never their account names,
balances, reasons or memos. The registry sees everything.

Each function takes the ledger and the `Viewer` and returns typed rows; the callers render them.
What a party sees of scenario runs (agreements, fulfilment, reductions) is
`offset.scenario.run_records`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import text

from offset.ledger import queries
from offset.ledger.blocks import Block
from offset.ledger.codes import Rejected
from offset.ledger.database import reading
from offset.ledger.ledger import Ledger
from offset.ledger.rows import (
    AccountRow,
    BalanceLine,
    PartyRow,
    Retirement,
    SerialEvent,
    SerialHistory,
    StatementLine,
)

OTHER = "(another party)"
# The name of the party that holds a transaction's destination, as a public registry shows it.
HOLDER_OF_TO_ACCOUNT = (
    "LEFT JOIN accounts ta ON ta.id = t.to_account LEFT JOIN parties tp ON tp.id = ta.party_id"
)
HOLDER_NAME = "COALESCE(NULLIF(tp.name, ''), tp.id)"


class Viewer(Protocol):
    """Who reads: a party, or the registry (an API key's caller is one)."""

    @property
    def party(self) -> str: ...

    @property
    def is_registry(self) -> bool: ...


class NotVisible(Exception):
    """The resource does not exist, or is not the viewer's: the same answer for both."""


def _rows(book: Ledger, sql: str, **params: Any) -> list[dict[str, Any]]:
    with reading(book.engine) as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def _day(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10]) if not isinstance(value, dt.date) else value


def _own_party(viewer: Viewer) -> str | None:
    """The party whose rows the viewer reads; None for the registry (every party's)."""
    return None if viewer.is_registry else viewer.party


# --- accounts, balances, statements ------------------------------------------------------------


def party(book: Ledger, viewer: Viewer) -> PartyRow:
    with reading(book.engine) as conn:
        return queries.parties(conn, [viewer.party])[viewer.party]


def accounts(book: Ledger, viewer: Viewer) -> list[AccountRow]:
    return book.accounts(_own_party(viewer))


def own_accounts(book: Ledger, viewer: Viewer) -> set[str]:
    return {a.id for a in accounts(book, viewer)}


def balances(book: Ledger, viewer: Viewer, as_of: dt.date | None = None) -> list[BalanceLine]:
    """Non-zero balances of the viewer's accounts (one query, the viewer's rows only)."""
    return book.balances(as_of, party=_own_party(viewer))


def statement(
    book: Ledger,
    viewer: Viewer,
    account: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[StatementLine]:
    if account not in own_accounts(book, viewer):
        raise NotVisible(account)
    return book.statement(account, start, end)


def holdings(book: Ledger, viewer: Viewer) -> list[BalanceLine]:
    """What the viewer may act on: its credits in open holding accounts (never what it has
    retired, cancelled or reserved)."""
    usable = {a.id for a in accounts(book, viewer) if a.kind == "holding" and a.status == "open"}
    return [b for b in balances(book, viewer) if b.account in usable]


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


def counterparties(book: Ledger, viewer: Viewer) -> list[tuple[str, str]]:
    """(account, its holder's name) of every open holding account of another party, by name:
    whom a transfer may go to, as a public registry lists the holders of accounts (no
    balances)."""
    rows = _rows(
        book,
        "SELECT a.id, p.id AS party, p.name FROM accounts a JOIN parties p ON p.id = a.party_id"
        " WHERE a.kind = 'holding' AND a.status = 'open' AND p.id <> :me ORDER BY p.name, a.id",
        me=viewer.party,
    )
    return [(row["id"], row["name"] or row["party"]) for row in rows]


def party_names(book: Ledger, parties: Iterable[str]) -> dict[str, str]:
    """The names of parties (a public registry names account holders), by id; a party without
    one keeps its id."""
    among, params = queries.in_list("p", sorted(set(parties)))
    rows = _rows(book, f"SELECT id, name FROM parties WHERE id {among}", **params)
    return {row["id"]: row["name"] or row["id"] for row in rows}


def public_name(account: AccountRow | None, names: dict[str, str]) -> str:
    """Another party's account as a public registry shows it: its party and its kind (never
    its name, which may say more: a cancellation account is named after its reason)."""
    if account is None:
        return OTHER
    return f"{names.get(account.party) or account.party} ({account.kind})"


# --- retirements and certificates --------------------------------------------------------------


@dataclass(frozen=True)
class SeenRetirement:
    """A retirement as the viewer sees it: its source account only if it is the viewer's
    (else `OTHER`), and the name of the party that retired it (public, as a registry shows)."""

    retirement: Retirement
    retired_by: str


def _beneficiary_agreements(book: Ledger, viewer: Viewer) -> list[str]:
    """The agreements (of scenario runs) of which the viewer is the beneficiary."""
    rows = _rows(book, "SELECT name FROM agreements WHERE beneficiary = :p", p=viewer.party)
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


# --- one credit's history ----------------------------------------------------------------------


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


# --- reservations and transactions -------------------------------------------------------------


@dataclass(frozen=True)
class Reservation:
    """An open reservation (not yet posted or voided), with the name of who it is for."""

    id: str
    effective_date: dt.date
    project: str
    vintage: int
    quantity: int
    from_account: str
    to_account: str
    to_name: str  # the destination's holder, as a public registry shows it


def reservations(book: Ledger, viewer: Viewer) -> list[Reservation]:
    """The viewer's open reservations: from its accounts, not yet posted or voided."""
    among, params = queries.in_list("a", own_accounts(book, viewer))
    found = _rows(
        book,
        "SELECT t.id, t.effective_date, c.project, c.vintage, t.quantity, t.from_account,"
        f" t.to_account, {HOLDER_NAME} AS to_name"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id"
        f" {HOLDER_OF_TO_ACCOUNT} WHERE t.kind = 'reserve' AND t.from_account {among}"
        " AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.resolves = t.id) ORDER BY t.seq",
        **params,
    )
    return [
        Reservation(**(row | {"effective_date": _day(row["effective_date"]),
                              "to_name": row["to_name"] or OTHER}))
        for row in found
    ]  # fmt: skip


@dataclass(frozen=True)
class Transaction:
    """A credit transaction from or to the viewer's accounts (what a page shows after an
    action); `to_name` and `from_name` name another party's destination or source as a public
    registry does (None: the viewer's own), and then its account is not given."""

    id: str
    seq: int
    kind: str
    effective_date: dt.date
    project: str
    vintage: int
    quantity: int
    from_account: str | None
    to_account: str | None
    beneficiary: str | None
    reason: str | None
    claim_period: str | None
    memo: str
    to_name: str | None = None
    from_name: str | None = None


def transaction(book: Ledger, viewer: Viewer, tx_id: str) -> Transaction:
    found = _rows(
        book,
        "SELECT t.id, t.seq, t.kind, t.effective_date, c.project, c.vintage, t.quantity,"
        " t.from_account, t.to_account, t.beneficiary, t.reason, t.claim_period, t.memo"
        " FROM transactions t JOIN credit_classes c ON c.id = t.class_id WHERE t.id = :id",
        id=tx_id,
    )
    own = own_accounts(book, viewer)
    row = found[0] if found else None
    if row is None or not (viewer.is_registry or {row["from_account"], row["to_account"]} & own):
        raise NotVisible(tx_id)
    row["effective_date"] = _day(row["effective_date"])
    if not viewer.is_registry and row["to_account"] not in own:
        row["to_name"] = receiver(book, row["to_account"]) or OTHER
    if not viewer.is_registry and row["from_account"] not in own:
        # the receiver of a transfer or reservation sees who sent it, not from which account
        row["from_name"] = _holder_name(book, row["from_account"])
        row["from_account"] = None
    return Transaction(**row)


def _holder_name(book: Ledger, account: str | None) -> str:
    rows = _rows(
        book,
        "SELECT p.id, p.name FROM accounts a JOIN parties p ON p.id = a.party_id WHERE a.id = :a",
        a=account,
    )
    return (rows[0]["name"] or rows[0]["id"]) if rows else OTHER


def sees_source(viewer: Viewer, found: Retirement) -> bool:
    """Whether the viewer may see the account a retirement came from: its own retirements (and
    the registry); one made on its behalf says who retired it, not from which account."""
    return viewer.is_registry or found.party == viewer.party


# --- where held credits come from --------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """One issuance of a credit class, as a public registry shows it."""

    id: str
    effective_date: str  # the day, YYYY-MM-DD
    issuer: str  # the name of the party the credits were issued to
    quantity: int
    method: str | None
    scenario: str | None
    data_sha256: str | None  # of the input data file


@dataclass(frozen=True)
class Origin:
    """One credit class in one of the viewer's holding accounts: the serial ranges held and
    every issuance of the class."""

    account: str
    instrument: str
    project: str
    vintage: int
    methodology: str | None
    quantity: int
    serials: tuple[Block, ...]
    issuances: tuple[Issued, ...]


def origins(book: Ledger, viewer: Viewer) -> list[Origin]:
    """Where the viewer's credits come from, as a public registry shows it: for each credit
    class in each of its holding accounts, the serial ranges held, the instrument, methodology,
    and each issuance of the class (the issuing party's name, the date, the method, the input
    data's SHA-256), never another party's balances."""
    usable = {a.id for a in accounts(book, viewer) if a.kind == "holding"}
    among, params = queries.in_list("a", usable)
    ranges = _rows(
        book,
        "SELECT b.account_id AS account, c.id AS class_id, c.instrument, c.project, c.vintage,"
        " c.methodology, b.start, b.stop FROM blocks b JOIN credit_classes c ON c.id = b.class_id"
        f" WHERE b.account_id {among} ORDER BY b.account_id, c.project, c.vintage, b.start",
        **params,
    )
    held: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in ranges:
        held.setdefault((r["account"], r["class_id"]), []).append(r)
    issued = _issuances(book, sorted({c for _, c in held}))
    return [
        Origin(
            **{k: blocks[0][k] for k in ("account", "instrument", "project", "vintage",
                                          "methodology")},
            quantity=sum(int(b["stop"]) - int(b["start"]) for b in blocks),
            serials=tuple(Block(int(b["start"]), int(b["stop"])) for b in blocks),
            issuances=tuple(issued[class_id]),
        )
        for (_, class_id), blocks in held.items()
    ]  # fmt: skip


def _issuances(book: Ledger, classes: list[int]) -> dict[int, list[Issued]]:
    """Every issuance of each credit class, in commit order."""
    issued: dict[int, list[Issued]] = {c: [] for c in classes}
    if not classes:
        return issued
    of_class, params = queries.in_list("c", classes)
    rows = _rows(
        book,
        f"SELECT t.class_id, t.id, t.effective_date, t.quantity, t.source, {HOLDER_NAME}"
        f" AS issuer FROM transactions t {HOLDER_OF_TO_ACCOUNT}"
        f" WHERE t.kind = 'issue' AND t.class_id {of_class} ORDER BY t.seq",
        **params,
    )
    for row in rows:
        found = json.loads(row["source"]) if row["source"] else {}
        data = found.get("input") or {}
        issued[row["class_id"]].append(
            Issued(
                id=row["id"],
                effective_date=str(row["effective_date"])[:10],
                issuer=row["issuer"] or OTHER,
                quantity=int(row["quantity"]),
                method=found.get("method"),
                scenario=found.get("scenario"),
                data_sha256=data.get("sha256") if isinstance(data, dict) else None,
            )
        )
    return issued
