"""What outputs print for a project or an agreement instead of its key: its title and a
project's creating place (創出場所), as the chain records them (`describe` entries, derived into
`schema.Title`, which `verify` checks as it checks parties). A project no run described
(operations sent to the ledger directly) prints by its key.

`describing` makes the `describe` operations a scenario's (or programme's) run sends; `replace`
keeps the run records (`side_tables.ProjectRecord`: which scenario names which project), which
no output prints.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.sql import delete, insert, select

from offset.ledger.database import read_rows
from offset.ledger.side_tables import ProjectRecord
from offset.ledger.verify.tables import compare

_TABLE = ProjectRecord.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ProjectTitle:
    name: str  # the key, kept for a detail line
    title: str
    place_code: str = ""
    place_name: str = ""

    @property
    def shown(self) -> str:
        """The title, or the key when the project has none."""
        return self.title or self.name


# The chained titles (`describe` entries, derived into `titles`), never the run records' copy.
PROJECT_TITLES = "SELECT name, title, place_code, place_name FROM titles WHERE subject = 'project'"


def project_titles(conn: Connection, names: Iterable[str] | None = None) -> dict[str, ProjectTitle]:
    """The stored title of each project (all, or those named); a project with none is absent."""
    query = PROJECT_TITLES
    if names is None:
        rows = conn.execute(text(query)).all()
    else:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        by_name = text(f"{query} AND name IN :names").bindparams(bindparam("names", expanding=True))
        rows = conn.execute(by_name, {"names": wanted}).all()
    return {str(r[0]): ProjectTitle(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}


def titles_on(engine: Engine, names: Iterable[str] | None = None) -> dict[str, ProjectTitle]:
    """`project_titles` in one statement of its own, through the driver (`read_rows`: on
    PostgreSQL one round trip, not three; every titled answer of the API asks)."""
    query = PROJECT_TITLES
    params: dict[str, str] = {}
    if names is not None:
        params = {f"n{i}": name for i, name in enumerate(sorted(set(names)))}
        if not params:
            return {}
        query += f" AND name IN ({', '.join(f':{mark}' for mark in params)})"
    rows = read_rows(engine, query, params)
    return {str(r[0]): ProjectTitle(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}


def title_of(found: dict[str, ProjectTitle], project: str) -> ProjectTitle:
    """`project`'s title, or one that prints its key."""
    return found.get(project) or ProjectTitle(project, "")


def agreement_title(conn: Connection, name: str) -> str:
    """The agreement's title as the chain records it ("" if none)."""
    found = conn.execute(
        text("SELECT title FROM titles WHERE subject = 'agreement' AND name = :n"), {"n": name}
    ).first()
    return str(found[0]) if found is not None and found[0] else ""


def proved(conn: Connection, keys: Collection[tuple[str, str]]) -> tuple[list[int], list[str]]:
    """The titles of `keys` ((subject, name): what a document prints) against the chain: the
    sequence numbers of the entries that last described them (for `proof` to check up to the
    head), and a problem, in `verify`'s words, for each whose stored row is not what its entry
    recorded. Reads every `describe` entry: they are few, one per title and change."""
    wanted = set(keys)
    if not wanted:
        return [], []
    latest: dict[tuple[str, str], tuple[int, tuple[str, str, str]]] = {}
    for seq, operation in conn.execute(
        text("SELECT seq, operation FROM transactions WHERE kind = 'describe' ORDER BY seq")
    ):
        change = json.loads(operation)
        key = (change.get("subject"), change.get("name"))
        if key in wanted:
            values = (change.get("title"), change.get("place_code"), change.get("place_name"))
            latest[key] = (int(seq), values)
    stored = {
        f"{r[0]} {r[1]}": (r[2], r[3], r[4])
        for r in conn.execute(
            text("SELECT subject, name, title, place_code, place_name FROM titles")
        )
        if (r[0], r[1]) in wanted
    }
    expected = {f"{key[0]} {key[1]}": values for key, (_, values) in latest.items()}
    problems = compare("title", expected, stored)  # in verify's words
    return sorted(seq for seq, _ in latest.values()), problems


def describing(subject: str, rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """The `describe` operations that record `rows` (a name, a title, and a project's
    place_code and place_name) in the chain; one already recorded as it is changes nothing."""
    return [
        {
            "op": "describe",
            "subject": subject,
            "name": row["name"],
            "title": row.get("title", ""),
            "place_code": row.get("place_code", ""),
            "place_name": row.get("place_name", ""),
        }
        for row in rows
    ]


def carried_over(conn: Connection) -> list[dict[str, Any]]:
    """The `describe` operations that chain the titles a ledger made before they were chained
    held in its run records (`projects`, `agreements`), for those not chained yet: sent once,
    when the schema is migrated (`Ledger.initialise`). What they held then is what every later
    `verify` attests; an edit of the file before that migration is not seen."""
    projects = conn.execute(
        text(
            "SELECT name, title, place_code, place_name FROM projects p WHERE NOT EXISTS"
            " (SELECT 1 FROM titles t WHERE t.subject = 'project' AND t.name = p.name)"
            " ORDER BY name"
        )
    ).mappings()
    agreements = conn.execute(
        text(
            "SELECT name, title FROM agreements a WHERE NOT EXISTS"
            " (SELECT 1 FROM titles t WHERE t.subject = 'agreement' AND t.name = a.name)"
            " ORDER BY name"
        )
    ).mappings()
    return describing("project", [dict(r) for r in projects]) + describing(
        "agreement", [dict(r) for r in agreements]
    )


def replace(conn: Connection, source: str, rows: list[dict[str, str]]) -> None:
    """Store the projects `source` (a scenario's name, or a programme's) describes, in place of
    what it stored before; `rows` have `ProjectRecord`'s columns but `scenario`."""
    named = {row["name"] for row in rows}
    earlier = select(_TABLE.c.name).where(_TABLE.c.scenario == source)
    gone = set(conn.execute(earlier).scalars()) | named
    if gone:
        conn.execute(delete(_TABLE).where(_TABLE.c.name.in_(sorted(gone))))
    if rows:
        conn.execute(insert(_TABLE), [{**row, "scenario": source} for row in rows])
