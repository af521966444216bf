"""The signed checkpoint a printed entry can be checked against (issue 27): a certificate names
the latest checkpoint that covers its ledger entry, so that whoever holds the certificate and
that checkpoint can prove the entry was in the history the signer saw.

Checkpoints are kept outside the database (`offset ledger checkpoint --out`): the files in the
directory `OFFSET_CHECKPOINTS` names are read, each signature checked (`checkpoint.load`); a
file that is not a checkpoint, or whose signature fails, is left out. One covers an entry when
it is of this ledger, at or after the entry's sequence number, and signed the hash the ledger
holds at its own: the document's proof (`proof.py`) has checked the chain from the entry to
the head, so that hash is the history's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, text

from offset.ledger import queries
from offset.ledger.checkpoint import Checkpoint, CheckpointError, load

VARIABLE = "OFFSET_CHECKPOINTS"  # a directory of signed checkpoint files
MAX_FILES = 10_000  # a directory is read whole for each certificate: a limit on it


def kept(directory: Path | None = None) -> list[Checkpoint]:
    """The checkpoints in `directory` (default: `OFFSET_CHECKPOINTS`; none when unset)."""
    if directory is None:
        value = os.environ.get(VARIABLE, "").strip()
        if not value:
            return []
        directory = Path(value)
    try:
        paths = sorted(p for p in directory.iterdir() if p.is_file())[:MAX_FILES]
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            found.append(load(path))
        except CheckpointError:
            continue  # not a checkpoint, or a forged one: it covers nothing
    return found


def covering(conn: Connection, seq: int, checkpoints: Iterable[Checkpoint]) -> Checkpoint | None:
    """The latest of `checkpoints` that covers entry `seq` of this ledger (None: none does)."""
    ledger_id = queries.ledger_identity(conn)
    candidates = sorted(
        (c for c in checkpoints if c.ledger == ledger_id and c.seq >= seq),
        key=lambda c: (c.seq, c.time),
        reverse=True,
    )
    for found in candidates:
        held = conn.execute(
            text("SELECT hash FROM transactions WHERE seq = :s"), {"s": found.seq}
        ).scalar()
        if held == found.hash:
            return found
    return None
