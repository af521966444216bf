"""Whether any cell of an Arrow string array holds one of a few ASCII characters, answered by
a byte search per character over the array's bytes (Arrow's pattern or substring search goes
cell by cell): the white space of identifiers (`intake.identity`), the characters a CSV
field is quoted for (`documents.csv_text`)."""

from __future__ import annotations

import functools

import numpy as np
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
    raw = bytes(memoryview(data)[int(bounds[0]) : int(bounds[-1])])
    # a byte search per character (memchr: a tenth of a numpy look-up table's time)
    return any(byte in raw for byte in _bytes(characters))


@functools.cache
def _bytes(characters: str) -> tuple[bytes, ...]:
    """Each of `characters` as its byte."""
    if not characters.isascii():
        raise ValueError(f"not ASCII: {characters!r}")  # a UTF-8 byte is not a character
    return tuple(c.encode("ascii") for c in characters)
