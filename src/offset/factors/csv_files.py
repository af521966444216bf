"""A factor table written whole or not at all (the import commands' one write)."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pandas as pd


def write_atomically(target: Path, frame: pd.DataFrame) -> None:
    """`frame` as UTF-8 CSV at `target`, replacing it in one rename: a reader of the factor
    directory sees the old table or the new one, never half of it."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
        os.chmod(name, 0o644)  # mkstemp's 0600 would hide the table from the office's others
        Path(name).replace(target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
