"""The chain's canonical bodies (`chain.body`) and hashes (`chain.link`) over columns: every
entry of a range at once, for the columnar chain pass (`columnar.py`).

Each body is built as `chain.body` writes it, piece by piece, with Arrow's string kernels: text
becomes its JSON literal by wrapping it in quotes, and only the few values holding a quote, a
backslash or a control character are escaped one by one (`json.encoder.encode_basestring`, as
the writer does); numbers are cast to their decimal text. The hashes are then taken in one pass
over the bodies' bytes, without a Python string an entry. `tests/ledger/test_verify_columns.py`
checks every body and hash against the per-entry ones, over generated entries.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from operator import methodcaller
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from offset.ledger.chain import FORMAT, time_text

#: what `encode_basestring` escapes besides a quote and a backslash (non-ASCII is kept)
_CONTROL = r"[\x00-\x1f]"


def quoted(values: Any, few: bool = False) -> Any:
    """Each text value as its JSON string literal (`encode_basestring`), None as `null` (a
    column of None: `"null"`, one `str`). With `few` (few distinct values, such as accounts),
    each distinct value is quoted once."""
    if (null := _constant(values, "null")) is not None:
        return null  # the same in every value: joined as text (`_join`)
    values = _array(values).cast(pa.large_string())
    if few:
        distinct = pc.dictionary_encode(values)
        return pc.fill_null(quoted(distinct.dictionary).take(distinct.indices), "null")
    # a quote or a backslash is escaped by a backslash, in Arrow; a control character (rare)
    # by the writer's function, value by value
    control = pc.fill_null(pc.match_substring_regex(values, _CONTROL), False)
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    literal = _join('"', escaped, '"', "")
    if pc.any(control).as_py():
        where = np.flatnonzero(control.to_numpy(zero_copy_only=False))
        fixed = [encode_basestring(value) for value in values.take(where).to_pylist()]
        literal = pc.replace_with_mask(literal, control, pa.array(fixed, pa.large_string()))
    return pc.fill_null(literal, "null")


def numbers(values: Any, null: str = "null") -> Any:
    """Each integer as its decimal text (`str`), None as `null` (or as given; a column of None:
    that text, one `str`)."""
    if (constant := _constant(values, null)) is not None:
        return constant  # the same in every value: joined as text (`_join`)
    return pc.fill_null(_array(values).cast(pa.int64()).cast(pa.large_string()), null)


def _optional(key: str, values: Any, literal: Any) -> Any:
    """`"key":literal,` where the value is there, nothing where it is None (`chain._optional`)."""
    if _constant(values, "") is not None:
        return ""  # the same in every value: joined as text (`_join`)
    text = _join(f'"{key}":', literal, ",", "")
    return pc.if_else(pc.is_null(_array(values)), "", text)


def _join(*pieces: Any) -> pa.Array:
    """The pieces joined value by value (the last is the separator); text given as `str` is
    the same in every value, and joined to its neighbours first."""
    *parts, separator = pieces
    merged: list[Any] = []
    for piece in parts:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str) and not separator:
            merged[-1] += piece
        else:
            merged.append(piece)
    return pc.binary_join_element_wise(
        *(
            pa.scalar(piece, pa.large_string())
            if isinstance(piece, str)
            else _array(piece).cast(pa.large_string())
            for piece in [*merged, separator]
        )
    )


def _constant(values: Any, text: str) -> str | None:
    """`text` if every value is None (a column the range never fills), else None."""
    return text if _array(values).null_count == len(values) and len(values) else None


def _array(values: Any) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _times(values: Any) -> pa.Array:
    """`chain.time_text` of each recorded time, computed once a distinct value (a batch of
    entries shares one)."""
    values = _array(values).cast(pa.large_string())
    distinct = pc.unique(values)
    texts = pa.array([time_text(value) for value in distinct.to_pylist()], pa.large_string())
    return texts.take(pc.index_in(values, distinct))


def header_bodies(heads: pa.Table) -> pa.Array:
    """`chain.header_body` of every header (columns named as `rows.HEADER_COLUMNS`)."""
    c = heads.column
    text = {name: quoted(c(name), name in _FEW) for name in _TEXT}
    pieces = [
        '"agreement":', text["agreement"], ',"beneficiary":', text["beneficiary"],
        ',"buffer":', numbers(c("buffer"), "None"), ",",
        _optional("claim_fy", c("claim_fy"), numbers(c("claim_fy"))),
        '"claim_period":', text["claim_period"], ',"class_id":', numbers(c("class_id")),
        ',"content_hash":', text["content_hash"],
        ',"effective_date":"', _array(c("effective_date")).cast(pa.large_string()),
        '","fiscal_year":', numbers(c("fiscal_year"), "None"),
        ',"from_account":', text["from_account"], ',"id":', text["id"],
        ',"kind":', text["kind"], ',"memo":', text["memo"], ",",
        _optional("offset_place", c("offset_place"), text["offset_place"]),
        _optional("offset_target", c("offset_target"), text["offset_target"]),
        '"operation":', text["operation"], ",",
        _optional("purpose", c("purpose"), text["purpose"]),
        '"quantity":', numbers(c("quantity"), "None"), ',"reason":', text["reason"],
        ',"recorded_at":"', _times(c("recorded_at")), '","resolves":', text["resolves"],
        ',"reverses":', text["reverses"], ",",
        _optional("rule_override", c("rule_override"), text["rule_override"]),
        '"seq":', numbers(c("seq"), "None"), ',"source":', text["source"],
        ',"to_account":', text["to_account"],
    ]  # fmt: skip
    return _join(*pieces, "")


_TEXT = (
    "agreement", "beneficiary", "claim_period", "content_hash", "from_account", "id", "kind",
    "memo", "offset_place", "offset_target", "operation", "purpose", "reason", "resolves",
    "reverses", "rule_override", "source", "to_account",
)  # fmt: skip


#: header columns of few distinct values (accounts, kinds, memos left empty)
_FEW = {"from_account", "to_account", "kind", "memo", "agreement", "beneficiary", "reason"}


def _grouped(pieces: pa.Array, bounds: np.ndarray) -> pa.Array:
    """The pieces of each entry joined by commas: entry i's are `pieces[bounds[i]:bounds[i+1]]`."""
    lists = pa.LargeListArray.from_arrays(pa.array(bounds, pa.int64()), pieces)
    return pc.binary_join(lists, pa.scalar(",", pa.large_string()))


def bodies(heads: pa.Table, posts: pa.Table, moves: pa.Table) -> pa.Array:
    """`chain.body` of every entry. `posts` and `moves` hold the rows of these entries only, in
    the body's order (`sorted` rows: sequence number first), so that each entry's rows are
    consecutive; column names as `rows.POSTING_COLUMNS` and `rows.EVENT_COLUMNS`."""
    seqs = heads.column("seq").to_numpy()
    p, m = posts.column, moves.column
    lines = _join(
        "[", quoted(p("account_id"), True), ",", numbers(p("class_id")), ",", numbers(p("amount")),
        ",", numbers(p("balance_after")), "]", "",
    )  # fmt: skip
    # `[class,` and `,"from","to"]` take few distinct values: each is written once
    starts = _few(lambda c: _join("[", numbers(c[0]), ",", ""), m("class_id"))
    ends = _few(
        lambda c: _join(",", quoted(c[0]), ",", quoted(c[1]), "]", ""),
        m("from_account"), m("to_account"),
    )  # fmt: skip
    events = _join(starts, numbers(m("start")), ",", numbers(m("stop")), ends, "")
    return _join(
        '{"events":[',
        _grouped(events, _bounds(m("tx_seq").to_numpy(), seqs)),
        '],"header":{',
        header_bodies(heads),
        '},"postings":[',
        _grouped(lines, _bounds(p("tx_seq").to_numpy(), seqs)),
        f'],"v":{FORMAT}}}',
        "",
    )


def _few(write: Callable[[list[pa.Array]], pa.Array], *columns: Any) -> pa.Array:
    """`write(columns)` for columns of few distinct combinations of values: written once a
    combination, then taken for each row."""
    combined = np.zeros(len(columns[0]), np.int64)
    for column in columns:
        encoded = pc.dictionary_encode(_array(column))
        codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64) + 1
        combined = combined * (len(encoded.dictionary) + 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    values = [_array(column).take(pa.array(first)) for column in columns]
    return write(values).take(pa.array(inverse))


def _bounds(rows: np.ndarray, seqs: np.ndarray) -> np.ndarray:
    """Where each entry's rows begin in `rows` (sorted sequence numbers), and where the last
    entry's end."""
    return np.append(np.searchsorted(rows, seqs, "left"), len(rows))


def unlinked(prefixes: Any, texts: Any, stored: Any) -> np.ndarray:
    """A mask: where `chain.link(prefix, text)` is not the `stored` hash, compared as 32 bytes
    (a stored hash that is not 64 lowercase hex digits is compared as zeros, which no SHA-256
    is; a prefix or a text that is None is always in it; `prefixes` None: no prefix)."""
    found = _sha256(texts, prefixes).reshape(-1, 32)
    stored = _array(stored).cast(pa.large_string())
    well_formed = pc.fill_null(pc.match_substring_regex(stored, "^[0-9a-f]{64}$"), False)
    hexes = pc.if_else(well_formed, stored, "0" * 64).cast(pa.large_string())
    _, offsets, data = hexes.buffers()
    ends = np.frombuffer(offsets, np.int64, len(hexes) + 1, hexes.offset * 8)
    held = bytes.fromhex(data[int(ends[0]) : int(ends[-1])].to_pybytes().decode("ascii"))
    wanted = np.frombuffer(held, np.uint8).reshape(-1, 32)
    wrong: np.ndarray = (found != wanted).any(axis=1)
    for given in (texts,) if prefixes is None else (prefixes, texts):
        wrong |= pc.is_null(_array(given)).to_numpy(zero_copy_only=False)
    return wrong


def digests(prefixes: Any, texts: pa.Array) -> list[str]:
    """`chain.link(prefix, text)` of each pair (the values must not be None)."""
    return [d.tobytes().hex() for d in _sha256(texts, prefixes).reshape(-1, 32)]


def hexdigests(texts: pa.Array) -> list[str]:
    """The SHA-256 (hex) of each value's UTF-8 bytes (the values must not be None)."""
    return [d.tobytes().hex() for d in _sha256(texts).reshape(-1, 32)]


def _sha256(texts: Any, prefixes: Any = None) -> np.ndarray:
    """The SHA-256 of each value's bytes (after its prefix's, if given), 32 bytes a value end to
    end, read straight from the Arrow buffers: the loops over values run in C (`map`), with
    one `hashlib` object a value and no copy of the texts."""
    found = list(map(hashlib.sha256, _spans(texts if prefixes is None else prefixes)))
    if prefixes is not None:
        deque(map(_UPDATE, found, _spans(texts)), maxlen=0)
    return np.frombuffer(b"".join(map(_DIGEST, found)), np.uint8)


def _spans(texts: Any) -> Iterator[memoryview]:
    """Each value's bytes (a None: none), as views of the Arrow buffer."""
    texts = _array(texts).cast(pa.large_string())
    _, offsets, data = texts.buffers()
    ends = np.frombuffer(offsets, np.int64, len(texts) + 1, texts.offset * 8).tolist()
    view = memoryview(data) if data is not None else memoryview(b"")
    return map(view.__getitem__, map(slice, ends[:-1], ends[1:]))


_UPDATE = type(hashlib.sha256()).update
_DIGEST = methodcaller("digest")
