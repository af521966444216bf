"""A dashboard table as a file (`?format=csv` or `?format=xlsx`): the same rows the page shows,
for the same caller, headed in the page's language. CSV is UTF-8 with a BOM (Japanese Excel
opens it right); both are written formula-safe (`cells`), and the workbook in the formats of
`figures`."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from fastapi.responses import Response

from offset.common.cells import neutral_frame
from offset.common.messages import Lang
from offset.documents.figures import column_kinds
from offset.documents.output import DEFAULT_CSV_ENCODING, write_sheets_to
from offset.documents.terms import column_label

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnknownFormat(ValueError):
    """A `format` the pages do not offer."""


def frame_of(rows: Iterable[Any]) -> pd.DataFrame:
    """Rows (dataclasses or dicts) as a frame; nested values (serial ranges) as text."""
    records = [
        dataclasses.asdict(r)
        if dataclasses.is_dataclass(r) and not isinstance(r, type)
        else dict(r)
        for r in rows
    ]
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns:
        values = [r[column] for r in records if r.get(column) is not None]
        if any(isinstance(v, list | tuple | dict) for v in values):
            frame[column] = frame[column].map(str)
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            # whole numbers stay whole beside an empty cell (a FY claimed for: 2024, not 2024.0)
            frame[column] = frame[column].astype("Int64")
    return frame


def download(frame: pd.DataFrame, name: str, fmt: str, lang: Lang = "en") -> Response:
    """`frame` (offset's column names) as an attachment named `name.<fmt>`, its headers in
    `lang` (`offset.documents.terms`), each figure in the format of its kind."""
    if fmt not in FORMATS:
        raise UnknownFormat(f"format {fmt!r}: choose {' or '.join(FORMATS)}")
    kinds = column_kinds(frame)
    frame = frame.set_axis([column_label(str(c), lang) for c in frame.columns], axis=1)
    filename = f"{name}.{fmt}"
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    if fmt == "csv":
        body = neutral_frame(frame).to_csv(index=False).encode(DEFAULT_CSV_ENCODING)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / filename
        write_sheets_to({name[:31]: frame}, path, {name[:31]: kinds})
        body = path.read_bytes()
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})
