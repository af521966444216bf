"""What a certificate prints beside a retirement's own columns, read from the ledger: where its
credits were created (the party and place of the class's first issuance, and the method it
names), the project's title and creating municipality (`titles`), the agreement's title (both as the chain records them), the certificate's number, and the entry's place in the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from offset.ledger import queries
from offset.ledger.rows import Retirement
from offset.ledger.titles import agreement_title, project_titles, title_of


@dataclass(frozen=True)
class Context:
    retirement: Retirement
    retired_by: str  # the retiring party's name
    number: int  # the retirement's ordinal among the FY's retirements, in commit order
    origin_party: str  # the name of the party the class was first issued to
    origin_party_id: str | None  # its id (a certificate proves its name before printing it)
    origin_seq: int | None  # the first issuance's entry (its provenance names the method)
    origin_code: str | None  # its JIS code
    origin_prefecture: str | None
    method: str | None  # the method the first issuance's provenance names (solar, forest, ...)
    project_title: str  # プロジェクト名 as its scenario's run stored it ("" if none)
    place_name: str  # 創出場所: the municipality its credits are created in ("" if not known)
    agreement_title: str
    prev_hash: str
    registry_name: str  # the ledger's operator, who issues certificates


def context(conn: Connection, tx_id: str) -> Context:
    """A retirement and what its certificate prints beside it (Rejected if there is none)."""
    found = queries.retirement(conn, tx_id)
    names = queries.parties(conn, [found.party, "registry"])
    origin = conn.execute(
        text(
            "SELECT p.name, p.jis_code, p.prefecture, t.source, p.id, t.seq FROM transactions t"
            " JOIN credit_classes c ON c.id = t.class_id"
            " JOIN accounts a ON a.id = t.to_account JOIN parties p ON p.id = a.party_id"
            " WHERE t.kind = 'issue' AND c.project = :p AND c.vintage = :v ORDER BY t.seq LIMIT 1"
        ),
        {"p": found.project, "v": found.vintage},
    ).first()
    source = json.loads(origin[3]) if origin is not None and origin[3] else {}
    number = conn.execute(
        text(
            "SELECT COUNT(*) FROM transactions WHERE kind = 'retire' AND fiscal_year = :fy"
            " AND seq <= :s"
        ),
        {"fy": found.fiscal_year, "s": found.seq},
    ).scalar_one()
    prev_hash = conn.execute(
        text("SELECT prev_hash FROM transactions WHERE seq = :s"), {"s": found.seq}
    ).scalar_one()
    title = ""
    if found.agreement is not None:
        title = agreement_title(conn, found.agreement)
    project = title_of(project_titles(conn, [found.project]), found.project)
    retired_by = names.get(found.party)
    registry = names.get("registry")
    return Context(
        retirement=found,
        retired_by=retired_by.name if retired_by and retired_by.name else found.party,
        number=int(number),
        origin_party=str(origin[0]) if origin is not None and origin[0] else "",
        origin_party_id=str(origin[4]) if origin is not None else None,
        origin_seq=int(origin[5]) if origin is not None else None,
        origin_code=origin[1] if origin is not None else None,
        origin_prefecture=origin[2] if origin is not None else None,
        method=source.get("method") if isinstance(source, dict) else None,
        project_title=project.title,
        place_name=project.place_name,
        agreement_title=title,
        prev_hash=str(prev_hash),
        registry_name=registry.name if registry and registry.name else "",
    )


def by_hash(conn: Connection, entry_hash: str) -> str | None:
    """The id of the retirement whose entry has this hash (the public check page's key)."""
    row = conn.execute(
        text("SELECT id FROM transactions WHERE hash = :h AND kind = 'retire'"), {"h": entry_hash}
    ).first()
    return None if row is None else str(row[0])
