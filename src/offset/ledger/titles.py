"""What outputs print for a project instead of its key: its title and creating place (創出場所),
as its scenario's run stored them (`side_tables.ProjectRecord`). A project no run described
(operations sent to the ledger directly) prints by its key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.sql import delete, insert, select

from offset.ledger.database import read_rows
from offset.ledger.side_tables import ProjectRecord

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


def project_titles(conn: Connection, names: Iterable[str] | None = None) -> dict[str, ProjectTitle]:
    """The stored title of each project (all, or those named); a project with none is absent."""
    query = "SELECT name, title, place_code, place_name FROM projects"
    if names is None:
        rows = conn.execute(text(query)).all()
    else:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        by_name = text(f"{query} WHERE name IN :names").bindparams(
            bindparam("names", expanding=True)
        )
        rows = conn.execute(by_name, {"names": wanted}).all()
    return {str(r[0]): ProjectTitle(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}


def titles_on(engine: Engine, names: Iterable[str] | None = None) -> dict[str, ProjectTitle]:
    """`project_titles` in one statement of its own, through the driver (`read_rows`: on
    PostgreSQL one round trip, not three; every titled answer of the API asks)."""
    query = "SELECT name, title, place_code, place_name FROM projects"
    params: dict[str, str] = {}
    if names is not None:
        params = {f"n{i}": name for i, name in enumerate(sorted(set(names)))}
        if not params:
            return {}
        query += f" WHERE name IN ({', '.join(f':{mark}' for mark in params)})"
    rows = read_rows(engine, query, params)
    return {str(r[0]): ProjectTitle(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}


def title_of(found: dict[str, ProjectTitle], project: str) -> ProjectTitle:
    """`project`'s title, or one that prints its key."""
    return found.get(project) or ProjectTitle(project, "")


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
