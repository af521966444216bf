"""Where the credits a party holds come from: the issuances of their classes, as a public
registry shows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from offset.ledger import queries
from offset.ledger.blocks import Block
from offset.ledger.ledger import Ledger
from offset.ledger.rows import BalanceLine
from offset.ledger.visibility.accounts import accounts
from offset.ledger.visibility.viewer import (
    HOLDER_NAME,
    HOLDER_OF_TO_ACCOUNT,
    OTHER,
    Viewer,
    rows_of,
)


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
class Origin(BalanceLine):
    """One credit class in one of the viewer's holding accounts (its balance line's fields,
    declared once in `rows.BalanceLine`): the serial ranges held and every issuance of the
    class."""

    methodology: str | None
    serials: tuple[Block, ...]
    issuances: tuple[Issued, ...]


def origins(book: Ledger, viewer: Viewer) -> list[Origin]:
    """Where the viewer's credits come from, as a public registry shows it: for each credit
    class in each of its holding accounts, the serial ranges held, the instrument, methodology,
    and each issuance of the class (the issuing party's name, the date, the method, the input
    data's SHA-256), never another party's balances."""
    usable = {a.id for a in accounts(book, viewer) if a.kind == "holding"}
    among, params = queries.in_list("a", usable)
    ranges = rows_of(
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
    rows = rows_of(
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
