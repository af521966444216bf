"""`database.read_rows`: one statement through a pooled connection's driver (the API's key check
and titles on every request), on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from offset.ledger.database import connect, read_row, read_rows
from tests.ledger.conftest import pg_schema


def test_named_parameters_bind_on_either_driver(db_url: str) -> None:
    engine = connect(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (n INTEGER, word TEXT)"))
            conn.execute(text("INSERT INTO scratch VALUES (1, 'a:b'), (2, '50%'), (3, 'c')"))
        query = "SELECT n, word FROM scratch WHERE n IN (:low, :high) ORDER BY n"
        assert read_rows(engine, query, {"low": 1, "high": 2}) == [(1, "a:b"), (2, "50%")]
        found = read_row(
            engine, "SELECT word FROM scratch WHERE word LIKE '5%' AND n = :n", {"n": 2}
        )
        assert found == ("50%",)
        assert read_row(engine, "SELECT n FROM scratch WHERE n = :n", {"n": 4}) is None
    finally:
        engine.dispose()


def test_the_connection_goes_back_as_it_was_lent(db_url: str) -> None:
    """Left in autocommit, the pool's one connection would commit each statement of the next
    transaction on its own: a write that fails after a read would keep half of itself."""
    engine = connect(db_url, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (n INTEGER)"))
        assert read_rows(engine, "SELECT n FROM scratch WHERE n = :n", {"n": 1}) == []
        with pytest.raises(RuntimeError):
            failing_write(engine)
        assert read_rows(engine, "SELECT n FROM scratch", {}) == []
    finally:
        engine.dispose()


def failing_write(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO scratch VALUES (1)"))
        raise RuntimeError("the write fails after its first statement")


def test_a_lost_connection_takes_the_pool_with_it() -> None:
    """After the server dropped every connection (a restart), one read fails, not one for each
    connection the pool held: the next reads open new ones."""
    for url in pg_schema():
        engine = connect(url, pool_size=2, max_overflow=0)
        try:
            lent = [engine.raw_connection() for _ in range(2)]
            pids = [fairy.driver_connection.info.backend_pid for fairy in lent]  # type: ignore[union-attr]
            for fairy in lent:
                fairy.close()  # both back in the pool, idle
            with connect(url).connect() as admin:
                for pid in pids:
                    admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            with pytest.raises(Exception, match="connection"):
                read_rows(engine, "SELECT 1", {})
            assert read_rows(engine, "SELECT 1 AS one", {}) == [(1,)]
        finally:
            engine.dispose()
