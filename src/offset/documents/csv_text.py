"""A frame as CSV text, byte for byte what `frame.to_csv(index=False)` writes, in a fraction of
its time.

pandas formats every cell and hands each row to the `csv` module; for a results file of 25
columns that was half of `offset calc`. Here each column becomes an Arrow string array as a
whole, and Arrow joins the rows (`binary_join_element_wise`), a chunk of rows at a time, into
UTF-8 bytes that go to the file as they are (no Python string per cell, none per row):

- a categorical column: its categories formatted once, then taken by code;
- an integer or boolean column: Arrow's cast, which writes what `str` writes;
- a float column: orjson's shortest round-trip digits (`_floats`), which are `repr`'s (what
  numpy's `astype(str)`, which pandas uses, prints) wherever the two write the same form:
  finite values of magnitude 1e-4 or more, and zero; the rest (NaN: an empty field; a tiny
  value, which `repr` writes as 1e-05; inf) by `repr`, cell by cell;
- a text column: the cells as they are, quoted by the `csv` module's own rule, asked only for
  the rare cell that holds a delimiter, a quote or a line break;
- a column of dates (every time at midnight, no time zone: a PV file's commissioning dates),
  each distinct date written once as pandas writes it (2024-04-01).

A column of another kind (times of day, mixed objects, nullable integers, text Arrow cannot
hold)
sends the whole frame through pandas, so the text never depends on which path ran
(`tests/test_csv_text.py` compares the two, and every float's text with `repr`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa

CHUNK_ROWS = 1 << 16  # rows joined at a time: one chunk's bytes are held at once
# a text cell holding one of these goes through the csv module's quoting
QUOTE_CHARACTERS = (",", '"', "\n", "\r")
_QUOTE_PATTERN = '[,"\n\r]'
# below this many rows pandas writes faster: the column-wise setup costs about a row's worth of
# pandas per column and value kind (measured: crossing at a few hundred rows)
SMALL_ROWS = 500
# orjson writes a float as `repr` does from this magnitude up (below it, 0.00001 for 1e-05)
SHORTEST_FROM = 1e-4


def write_csv(frame: pd.DataFrame, handle: BinaryIO, encoding: str = "utf-8") -> None:
    """Write `frame` without its index to the binary `handle` in `encoding` (a BOM first for
    utf-8-sig) as `frame.to_csv(path, index=False, encoding=encoding)` would; a character the
    encoding has not raises UnicodeEncodeError."""
    name = codecs.lookup(encoding).name
    if name == "utf-8-sig":
        handle.write(codecs.BOM_UTF8)
    plain = name in ("utf-8", "utf-8-sig")
    for chunk in csv_chunks(frame):
        handle.write(chunk if plain else str(chunk, "utf-8").encode(encoding))


def csv_text(frame: pd.DataFrame) -> str:
    """`frame.to_csv(index=False)`: the text `write_csv` writes."""
    return b"".join(csv_chunks(frame)).decode("utf-8")


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes | memoryview]:
    """`frame.to_csv(index=False)` encoded as UTF-8, a chunk of rows at a time."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = None
    if (
        len(frame) >= SMALL_ROWS
        and len(frame.columns) > 1
        and not isinstance(frame.columns, pd.MultiIndex)
    ):
        columns = _columns(frame)
    if columns is None:
        yield frame.to_csv(index=False).encode("utf-8")
        return
    header = ",".join(_quoted_all([str(c) for c in frame.columns])) + "\n"
    yield header.encode("utf-8")
    fields = [_shared_or(c) for c in _joined_neighbours(columns)]
    # a line break ends each row: written into the last field's few distinct texts where it
    # has them, so the rows are joined once (not joined, then joined again to a line break)
    fields[-1] = _line_ended(fields[-1])
    ends_each = isinstance(fields[-1], pa.Array)  # a field per row: each gets its line break
    if all(isinstance(f, pa.Scalar) for f in fields):  # one line repeated: as many rows
        fields[0] = pa.repeat(fields[0], len(frame))
    for start in range(0, len(frame), CHUNK_ROWS):
        # a few distinct fields are taken a chunk at a time: the chunk is joined while in cache
        parts = [f.rows(start, start + CHUNK_ROWS) if isinstance(f, Taken)
                 else f.slice(start, CHUNK_ROWS) if isinstance(f, pa.Array) else f
                 for f in fields]  # fmt: skip
        if ends_each:
            parts[-1] = pc.binary_join_element_wise(parts[-1], _NOTHING, "\n")
        yield _text_bytes(pc.binary_join_element_wise(*parts, ","))


_NOTHING = ""  # joined after a field with a line break between: the field and a line break


def _line_ended(field: Taken | pa.Array | pa.Scalar) -> Taken | pa.Array | pa.Scalar:
    """The last field of a row with its line break, where the field has its texts once (a
    field per row gets it as its chunk is joined: `csv_chunks`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(field, Taken):
        return Taken(field.codes, pc.binary_join_element_wise(field.table, _NOTHING, "\n"))
    if isinstance(field, pa.Scalar):
        return pa.scalar(field.as_py() + "\n", pa.string())
    return field


def _shared_or(column: Taken | pa.Array) -> Taken | pa.Array | pa.Scalar:
    """A column whose every row has one field as that field (Arrow repeats it), else itself."""
    shared = column.shared() if isinstance(column, Taken) else None
    return column if shared is None else shared


class Taken:
    """A column of few distinct fields: each row's code into `table` (the fields, formatted
    once)."""

    def __init__(self, codes: npt.NDArray[Any], table: pa.Array) -> None:
        self.codes, self.table = codes, table

    @classmethod
    def missing_empty(cls, codes: npt.NDArray[Any], shown: pa.Array) -> Taken:
        """Fields looked up by code in `shown`; a negative code (missing) is an empty field."""
        import numpy as np
        import pyarrow as pa

        table = pa.concat_arrays([shown, pa.array([""], pa.string())])
        return cls(np.where(codes < 0, len(shown), codes), table)

    def shared(self) -> pa.Scalar | None:
        """The one field of every row, when the column has one."""
        if len(self.codes) and (self.codes == self.codes[0]).all():
            return self.table[int(self.codes[0])]
        return None

    def rows(self, start: int, stop: int) -> pa.Array:
        """The fields of rows [start, stop)."""
        import pyarrow as pa

        return self.table.take(pa.array(self.codes[start:stop]))

    def beside(self, right: Taken) -> Taken:
        """This column and `right` as one field (joined by a comma): each combination that
        occurs is joined once, so rows join fewer fields."""
        import pyarrow as pa
        import pyarrow.compute as pc

        width = len(right.table)
        codes, combinations = _combined(self.codes.astype("int64") * width + right.codes,
                                         len(self.table) * width)  # fmt: skip
        left, other = divmod(combinations, width)
        joined = pc.binary_join_element_wise(
            self.table.take(pa.array(left)), right.table.take(pa.array(other)), ","
        )
        return Taken(codes, joined)


def _combined(keys: npt.NDArray[np.int64], span: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Each key's code into the distinct keys (`pd.factorize`'s pair, in another order), keys
    in [0, span): by a table of every key that can occur where it is no larger than the rows
    (no hashing), else by `pd.factorize`."""
    import numpy as np
    import pandas as pd

    if span > max(len(keys), 1 << 16):
        codes, distinct = pd.factorize(keys)
        return codes, distinct
    occurs = np.zeros(span, dtype=bool)
    occurs[keys] = True
    distinct = np.flatnonzero(occurs)
    code_of = np.cumsum(occurs, dtype=np.int64) - 1
    return code_of[keys], distinct


def _joined_neighbours(columns: list[Taken | pa.Array]) -> list[Taken | pa.Array]:
    """Neighbouring columns of few distinct fields as one (municipality, its name and its
    prefecture; a factor's id and value), while their combinations stay few."""
    out: list[Taken | pa.Array] = []
    for column in columns:
        last = out[-1] if out else None
        if isinstance(last, Taken) and isinstance(column, Taken):
            joined = last.beside(column)
            if len(joined.table) * 4 <= len(joined.codes):
                out[-1] = joined
                continue
        out.append(column)
    return out


def _text_bytes(strings: pa.Array) -> memoryview:
    """The UTF-8 bytes of a string array's values, one after the other: a view of Arrow's
    buffer, not a copy (a results file's 300 MB were copied twice on their way to the file)."""
    import numpy as np

    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(
        offsets, dtype=np.int32, count=len(strings) + 1, offset=strings.offset * 4
    )
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]


def _columns(frame: pd.DataFrame) -> list[Taken | pa.Array] | None:
    """Each column's fields, or None when a column is of a kind only pandas formats."""
    columns = []
    for _, values in frame.items():
        fields = _fields(values)
        if fields is None:
            return None
        columns.append(fields)
    return columns


def _fields(values: pd.Series) -> Taken | pa.Array | None:
    """A column's fields: a string array, or codes into its few distinct fields (`Taken`)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        shown = _fields(pd.Series(values.cat.categories))
        if shown is None:
            return None
        return Taken.missing_empty(values.cat.codes.to_numpy(), _array(shown))
    if isinstance(dtype, np.dtype):
        if dtype.kind == "b":
            return Taken(values.to_numpy().view(np.int8), pa.array(["False", "True"]))
        if dtype.kind in "iu" or dtype == np.float64:
            return _numbers(values.to_numpy())
        if dtype.kind == "M":
            return _dates(values.to_numpy())
        if dtype.kind == "O":
            return _text(values.to_numpy(dtype=object))
        return None
    if pd.api.types.is_string_dtype(dtype):
        if getattr(dtype, "storage", None) == "pyarrow":  # Arrow's strings already
            return _text_fields(_arrow_strings(values))
        return _text(values.to_numpy(dtype=object))
    return None


def _arrow_strings(values: pd.Series) -> pa.Array:
    """An Arrow-backed text column's strings as one array (no Python string made)."""
    import pyarrow as pa

    strings = pa.chunked_array(pa.array(values.array)).combine_chunks()
    return strings if strings.type == pa.string() else strings.cast(pa.string())


def _array(fields: Taken | pa.Array) -> pa.Array:

    return fields.rows(0, len(fields.codes)) if isinstance(fields, Taken) else fields


SAMPLE_ROWS = 4096  # a number column whose first rows are mostly distinct is formatted per row


def _numbers(array: npt.NDArray[Any]) -> Taken | pa.Array:
    """Numbers as text, NaN as an empty field; few distinct values are each formatted once."""
    import numpy as np
    import pandas as pd

    sample = array[:SAMPLE_ROWS]
    if len(pd.unique(sample)) * 4 <= len(sample):
        codes, distinct = pd.factorize(array, use_na_sentinel=True)
        if len(distinct) * 4 <= len(array):
            return Taken.missing_empty(codes, _each_number(np.asarray(distinct)))
    return _each_number(array)


def _each_number(array: npt.NDArray[Any]) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    if array.dtype.kind in "iu":
        return pc.cast(pa.array(array), pa.string())
    return _floats(array)


def _floats(array: npt.NDArray[Any]) -> pa.Array:
    """Floats as `repr` writes them, NaN as an empty field: orjson's digits where its form is
    `repr`'s, `repr` for the few others."""
    import numpy as np
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(array)
    if n == 0:
        return pa.array([], pa.string())
    with np.errstate(invalid="ignore"):
        shortest = np.isfinite(array) & ((np.abs(array) >= SHORTEST_FROM) | (array == 0))
    body = orjson.dumps(np.where(shortest, array, 0.0), option=orjson.OPT_SERIALIZE_NUMPY)
    raw = np.frombuffer(body, dtype=np.uint8)[1:-1]  # [a,b,...]: the values between commas
    comma = raw == ord(",")
    data = raw[~comma]
    offsets = np.empty(n + 1, dtype=np.int32)
    offsets[0], offsets[-1] = 0, len(data)
    offsets[1:-1] = np.flatnonzero(comma) - np.arange(n - 1)  # each comma ends a value
    text = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    if shortest.all():
        return text
    shown = ["" if v != v else repr(v) for v in array[~shortest].tolist()]
    return pc.replace_with_mask(text, pa.array(~shortest), pa.array(shown, pa.string()))


def _dates(array: npt.NDArray[Any]) -> Taken | None:
    """Dates (times at midnight, no time zone) as pandas writes a column of them: 2024-04-01,
    NaT as an empty field; each distinct date formatted once. None for a column with a time
    of day or a year of other than four digits (pandas' formats)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    days = array.astype("datetime64[D]")
    present = ~np.isnat(array)
    if not (days[present] == array[present]).all():
        return None  # a time of day: pandas writes the time too
    kept = days[present]
    four_digits = (kept >= np.datetime64("1000-01-01")) & (kept <= np.datetime64("9999-12-31"))
    if not four_digits.all():
        return None
    codes, distinct = pd.factorize(days, use_na_sentinel=True)
    shown = np.datetime_as_string(np.asarray(distinct, dtype="datetime64[D]"), unit="D")
    return Taken.missing_empty(np.asarray(codes), pa.array(shown.tolist(), pa.string()))


def _text(array: npt.NDArray[Any]) -> pa.Array | None:
    """An object column of text (missing cells empty), quoted where the csv module quotes;
    None for anything else (numbers, dates, mixed, text Arrow cannot hold)."""
    import pandas as pd
    import pyarrow as pa

    if pd.api.types.infer_dtype(array, skipna=True) not in ("string", "empty"):
        return None
    try:  # a missing cell (None, NaN, pd.NA, NaT) a null: the column is not copied to blank it
        text = pa.array(array, type=pa.string(), from_pandas=True)
    except (UnicodeEncodeError, pa.ArrowException):  # a lone surrogate: pandas says why
        return None
    return _text_fields(text)


def _text_fields(text: pa.Array) -> pa.Array:
    """Text fields, a null empty, quoted where the csv module quotes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from offset.common.arrow_text import holds_any

    if text.null_count:
        text = text.fill_null("")
    if not holds_any(text, "".join(QUOTE_CHARACTERS)):  # one look over the bytes
        return text
    quote = pc.match_substring_regex(text, _QUOTE_PATTERN)
    quoted = _quoted_all(text.filter(quote).to_pylist())
    return pc.replace_with_mask(text, quote, pa.array(quoted, pa.string()))


def _quoted_all(strings: list[str]) -> list[str]:
    return [_quoted(s) if any(c in s for c in QUOTE_CHARACTERS) else s for s in strings]


def _quoted(cell: str) -> str:
    """`cell` as pandas' writer (the csv module, minimal quoting) writes it among others."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([cell, ""])
    return buffer.getvalue()[: -len(",\n")]
