"""Connecting to a ledger database (SQLite embedded, or PostgreSQL) and migrating it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///offset.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per connection (SQLite's default is 2 MiB): the indexes of a large ledger are
# written at random places, and a small cache turns each insert into page reads.
SQLITE_CACHE_KIB = 64 * 1024
HEAD_REVISION = "0009"  # the newest revision in migrations/versions (a test compares)
READ_ONLY = "offset_read_only"  # execution option of a connection that only reads (`reading`)


class V1History(RuntimeError):
    """The ledger holds v1 history: upgrading it in place would re-chain it, so it is left
    unchanged (revision 0004; `offset ledger replay` copies it into a new ledger)."""


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def connect(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite: WAL, a busy timeout, foreign keys, a larger page cache, and
    BEGIN IMMEDIATE for every transaction that may write (a deferred read-then-write
    transaction can fail with SQLITE_BUSY); a plain BEGIN for one that only reads (`reading`)."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def read_only(conn: Connection) -> Connection:
    """Make `conn`, before it begins, read one committed state and never write. SQLite: a
    deferred transaction, a snapshot of the WAL (it neither waits for writers nor holds them
    up; a writer's BEGIN IMMEDIATE would). PostgreSQL: REPEATABLE READ, read only (under READ
    COMMITTED, each statement would see what committed since the previous one)."""
    if conn.dialect.name == "sqlite":
        return conn.execution_options(**{READ_ONLY: True})
    return conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads that must agree with each other (see `read_only`)."""
    with engine.connect() as conn:
        yield read_only(conn)


def read_rows(engine: Engine, query: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one statement (`:name` parameters) that reads one committed state by itself,
    on a pooled connection used through its driver: an SQLAlchemy `Connection` around it costs
    twice the CPU of the statement, and the API's key check runs on every request. PostgreSQL:
    autocommit, one round trip; SQLite: its autocommit mode, one snapshot (every row fetched,
    so the statement ends before the connection goes back). A lost connection is dropped with
    every other the pool held before it, as SQLAlchemy's own `Connection` does (after a server
    restart, one request fails, not one for each pooled connection)."""
    fairy = engine.raw_connection()
    driver: Any = fairy.driver_connection
    try:
        if engine.dialect.name == "sqlite":
            return driver.execute(query, params).fetchall()  # type: ignore[no-any-return]
        driver.autocommit = True
        try:
            return driver.execute(pyformat(query), params).fetchall()  # type: ignore[no-any-return]
        finally:
            if not driver.closed:
                driver.autocommit = False  # as the pool lends it out
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, driver, None):
            fairy.invalidate(error)
            engine.dispose(close=False)  # the others opened before it: a new pool
        raise
    finally:
        fairy.close()


def read_row(engine: Engine, query: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of `read_rows`, or None."""
    rows = read_rows(engine, query, params)
    return rows[0] if rows else None


@functools.lru_cache(maxsize=1024)
def pyformat(query: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (sqlite3 takes `:name` as it is); a `::`
    cast and a time such as `12:30` are left alone."""
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", query.replace("%", "%%"))


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # imported when needed: a third of a second

    config = Config()
    config.set_main_option("script_location", str(resources.files("offset.ledger") / "migrations"))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escaping
    return config


def at_head(engine: Engine) -> bool:
    """The schema is at the newest revision and holds its first entries: opening the ledger
    needs no migration, nor alembic (a third of a second at every CLI command)."""
    try:
        with reading(engine) as conn:
            # PostgreSQL: the ledger's own schema only (the first on the search path), never a
            # ledger found further along it (another one's in `public`, say)
            own = "" if is_sqlite(engine) else f"{_current_schema(conn)}."
            version = conn.execute(text(f"SELECT version_num FROM {own}alembic_version")).scalar()
            started = conn.execute(text(f"SELECT seq FROM {own}ledger_head WHERE id = 1")).scalar()
    except DBAPIError:  # no schema yet (or no server: `upgrade` will say so)
        return False
    return version == HEAD_REVISION and bool(started)


def _current_schema(conn: Connection) -> str:
    name = str(conn.execute(text("SELECT current_schema()")).scalar())
    return '"' + name.replace('"', '""') + '"'


# PostgreSQL's advisory lock a migration holds (one key for the database: two ledgers' first
# migrations in one database also create the one btree_gist extension)
MIGRATION_LOCK = 0x6F66667365743A6D  # "offset:m"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent), one process at a time: processes opening
    a new or older ledger at once (`offset serve --workers N`, two servers, a server and a
    command) would otherwise each create or alter it. The migration's one transaction first
    takes the migration lock (PostgreSQL: an advisory lock, held until it commits; SQLite:
    the write lock, which its BEGIN IMMEDIATE takes: `connect`); the next process to hold it
    finds the schema at `revision` and changes nothing."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        if not is_sqlite(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def redacted(url: str) -> str:
    """The URL without its password, for manifests and messages."""
    return make_url(url).render_as_string(hide_password=True)
