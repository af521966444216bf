"""A consistent copy of a live ledger.

SQLite: `VACUUM INTO`, which reads one snapshot of the database (what the WAL holds included)
while writers go on, and writes a compact copy; the copy is then verified. PostgreSQL: the
server's own tool does the same (`POSTGRESQL_HOW`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

POSTGRESQL_HOW = (
    "On PostgreSQL use the server's own tool, which reads one consistent snapshot while writers"
    " go on: pg_dump --format=custom --serializable-deferrable --schema=SCHEMA"
    " --file=ledger.dump DATABASE (restore with pg_restore into an empty database or schema,"
    " then run `offset ledger verify` on it)."
)


class BackupError(Exception):
    """The copy could not be made, or did not verify; the message says why."""


def backup(engine: Engine, target: Path) -> tuple[int, str]:
    """Copy the ledger to `target` and verify the copy; the chain head it copied (sequence
    number and hash), to check a restored copy against later (a checkpoint names a copy older
    than itself)."""
    if engine.dialect.name != "sqlite":
        raise BackupError(POSTGRESQL_HOW)
    if target.exists():
        raise BackupError(f"{target} exists: a backup never overwrites a file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM runs on its own
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(target),))  # type: ignore[union-attr]
    finally:
        raw.close()
    from offset.ledger.ledger import Ledger

    copy = Ledger.open(f"sqlite:///{target}", migrate=False)
    try:
        problems = copy.verify(workers=1)
        with copy.engine.connect() as conn:
            entries = conn.execute(text("SELECT COUNT(*) FROM transactions")).scalar_one()
            seq, head_hash = conn.execute(text("SELECT seq, hash FROM ledger_head")).one()
    finally:
        copy.engine.dispose()
    if problems:
        raise BackupError(f"the copy at {target} does not verify: {problems[0]}")
    if not entries:
        raise BackupError(f"the copy at {target} holds no history")
    return int(seq), str(head_hash)
