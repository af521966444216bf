"""Whether any cell of an Arrow string array holds one of a few ASCII characters, answered by
one numpy look over the array's bytes (a pattern or a search per character passes over every
cell each time): the white space of identifiers (`intake.identity`), the characters a CSV
field is quoted for (`documents.csv_text`)."""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc


def holds_any(text: pa.Array | pa.ChunkedArray, characters: str) -> bool:
    """Whether a cell of `text` holds one of `characters` (ASCII). A null's bytes, which Arrow
    may leave in the buffer, can only make it answer yes: a caller then looks cell by cell."""
    if isinstance(text, pa.ChunkedArray):
        return any(holds_any(chunk, characters) for chunk in text.chunks)
    if not isinstance(text, pa.StringArray):  # large strings, or not text: search per character
        return any(pc.any(pc.match_substring(text, c)).as_py() for c in characters)
    _, offsets, data = text.buffers()
    if data is None or len(text) == 0:
        return False
    bounds = np.frombuffer(offsets, dtype=np.int32, count=len(text) + 1, offset=text.offset * 4)
    raw = np.frombuffer(data, dtype=np.uint8)[int(bounds[0]) : int(bounds[-1])]
    return bool(_table(characters)[raw].any())


@functools.cache
def _table(characters: str) -> npt.NDArray[np.bool_]:
    """A byte -> is-one-of-`characters` lookup."""
    if not characters.isascii():
        raise ValueError(f"not ASCII: {characters!r}")  # a UTF-8 byte is not a character
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in characters]] = True
    return table
