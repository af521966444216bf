"""Alembic environment: the URL or connection comes from `offset.ledger.database.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool, text

from offset.ledger.schema import metadata

config = context.config
connection = config.attributes.get("connection")


def _own_schema(conn: Connection) -> str | None:
    """PostgreSQL: the version table in the ledger's own schema (the first on its search path),
    never one found further along it (another ledger's in `public`, say)."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.execute(text("SELECT current_schema()")).scalar())


def run() -> None:
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            version_table_schema=_own_schema(connection),
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=metadata,
            render_as_batch=True,
            version_table_schema=_own_schema(conn),
        )
        with context.begin_transaction():
            context.run_migrations()


run()
