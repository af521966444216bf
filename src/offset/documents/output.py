"""Writing results: by extension, atomically (a failed write leaves no partial file)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from offset.common.cells import neutral_frame
from offset.common.messages import Msg
from offset.documents.csv_text import write_csv

FORMATS = (".csv", ".xlsx", ".parquet")
# UTF-8 with a BOM by default: Japanese Excel opens it by double-click without mojibake.
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "cp932")
DEFAULT_CSV_ENCODING = "utf-8-sig"
EXCEL_MAX_ROWS = 1_048_575  # one sheet holds 1,048,576 rows including the header


class UnwritableText(OSError):
    """A cell holds a character the chosen CSV encoding cannot write (CP932 has no emoji)."""


def _write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    try:
        with path.open("wb") as handle:
            write_csv(neutral_frame(frame), handle, encoding)
    except UnicodeEncodeError as e:
        raise UnwritableText(
            f"{e.object[e.start : e.end]!r} cannot be written in {encoding}:"
            " choose --csv-encoding utf-8-sig"
        ) from e


def _write_xlsx(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    write_sheets_to({"results": frame}, path)


def _write_parquet(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    frame.to_parquet(path, index=False)


WRITERS: dict[str, Callable[[pd.DataFrame, Path, str], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(temporary))
        # mkstemp makes the file private (0600); a report is for handing round, as a plain
        # open() would have made it under the usual umask.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def target_problem(path: Path) -> Msg | None:
    """Why results cannot be written to `path` (a directory, an extension no writer has), said
    before anything is computed; None when they can."""
    if path.is_dir():
        return Msg("out.directory", formats=", ".join(FORMATS))
    if path.suffix.lower() not in WRITERS:
        return Msg("out.format", suffix=path.suffix or "(none)", formats=", ".join(FORMATS))
    return None


def write_frame(frame: pd.DataFrame, path: Path, csv_encoding: str = DEFAULT_CSV_ENCODING) -> None:
    """Write `frame` by the extension of `path` (a CSV in `csv_encoding`)."""
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise ValueError(f"cannot write {path.name}: use one of {', '.join(FORMATS)}")
    _atomic(path, lambda p: WRITERS[suffix](frame, p, csv_encoding))


def write_sheets_to(
    frames: dict[str, pd.DataFrame],
    path: Path,
    kinds: Mapping[str, Sequence[str | None]] | None = None,
) -> None:
    """One Excel workbook, a sheet per frame (sheet names are cut to Excel's 31 characters);
    every cell a value, never a formula; `kinds` as `workbook.write_workbook` takes them, per
    sheet."""
    from offset.documents.workbook import write_workbook  # xlsxwriter: only when one is written

    for frame in frames.values():
        if len(frame) > EXCEL_MAX_ROWS:
            raise ValueError(
                f"{len(frame)} rows do not fit in one Excel sheet: write .csv or .parquet"
            )
    write_workbook(frames, path, kinds)


def write_sheets(
    frames: dict[str, pd.DataFrame],
    path: Path,
    kinds: Mapping[str, Sequence[str | None]] | None = None,
) -> None:
    _atomic(path, lambda target: write_sheets_to(frames, target, kinds))


def write_text(text: str, path: Path) -> None:
    def write(target: Path) -> None:
        target.write_text(text, encoding="utf-8")

    _atomic(path, write)


def write_bytes(data: bytes, path: Path) -> None:
    def write(target: Path) -> None:
        target.write_bytes(data)

    _atomic(path, write)


def write_json(data: dict[str, Any], path: Path) -> None:
    write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", path)


def manifest_path(results_path: Path) -> Path:
    return results_path.with_name(results_path.stem + ".manifest.json")
