"""Check 7: each of the database's guards (`offset.ledger.guards`) is installed, with the
definition the ledger gave it, and enabled.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from offset.common.messages import Msg
from offset.ledger import guards

_PG_TRIGGERS = """
SELECT t.tgname, c.relname, t.tgenabled, p.proname, p.prosrc
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
"""

_PG_CONSTRAINTS = """
SELECT con.conname, pg_get_constraintdef(con.oid), con.convalidated
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relnamespace = current_schema()::regnamespace AND con.contype IN ('c', 'x')
"""


def _guards(conn: Connection) -> list[str]:
    """Check 7: each guard of `guards.py` is in place, as defined there, and enabled."""
    return _sqlite_guards(conn) if conn.dialect.name == "sqlite" else _postgresql_guards(conn)


def _missing(name: str) -> str:
    return Msg("verify.guard_missing", name=name)


def _sqlite_guards(conn: Connection) -> list[str]:
    problems: list[str] = []
    installed = {
        str(name): guards.normal(str(sql))
        for name, sql in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    for name, definition in sorted(guards.sqlite_triggers().items()):
        if name not in installed:
            problems.append(_missing(name))
        elif installed[name] != definition:
            problems.append(Msg("verify.guard_trigger", name=name))
    tables = {
        str(name): guards.normal(str(sql))
        for name, sql in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        )
    }
    for table, (name, check) in sorted(guards.CHECKS.items()):
        if f"CONSTRAINT {name} CHECK ({check})" not in tables.get(table, ""):
            problems.append(_missing(name))
    return problems


def _postgresql_guards(conn: Connection) -> list[str]:
    problems: list[str] = []
    triggers = {str(r[0]): r for r in conn.execute(text(_PG_TRIGGERS))}
    functions = guards.postgresql_functions()
    for name, function in sorted(guards.postgresql_triggers().items()):
        trigger = triggers.get(name)
        if trigger is None:
            problems.append(_missing(name))
            continue
        _, _, enabled, proname, source = trigger
        if enabled == "D":
            problems.append(Msg("verify.guard_disabled", name=name))
        if proname != function or guards.normal(str(source)) != functions[function]:
            problems.append(Msg("verify.guard_function", name=name, function=function))
    constraints = {str(r[0]): (str(r[1]), bool(r[2])) for r in conn.execute(text(_PG_CONSTRAINTS))}
    expected = {name: f"CHECK {check}" for name, check in guards.CHECKS.values()}
    expected["blocks_no_overlap"] = guards.EXCLUSION
    for name, definition in sorted(expected.items()):
        found = constraints.get(name)
        if found is None:
            problems.append(_missing(name))
        elif not found[1] or _bare(found[0]) != _bare(definition):
            problems.append(Msg("verify.guard_constraint", name=name))
    return problems


def _bare(sql: str) -> str:
    """A constraint's definition without the parentheses PostgreSQL adds when it prints it."""
    return guards.normal(sql.replace("(", " ").replace(")", " "))
