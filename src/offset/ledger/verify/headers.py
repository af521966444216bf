"""Each header against the operation it records (`entries._header_problems`), over columns: the
entries whose header may differ from its operation, for the columnar chain pass to check one by
one (`columnar.py`).

The operations are parsed together by Arrow's JSON reader into the fields the check compares.
It is stricter than `json.loads` where it matters (a key given twice, a field of another type, a
number written as a float, a lone surrogate are errors, and then every entry is checked one by
one), so a field it reads is the one `json.loads` reads. An operation it might read otherwise is
left out, and checked one by one: one holding a line break or a control character, `NaN` or
`Inf`, or not starting with `{`; so are the reference entries and issuances, whose checks read
more of the operation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import json as arrow_json

from offset.ledger.verify.bodies import unlinked
from offset.ledger.verify.entries import _FROM_TO, _VERBATIM, REFERENCE_KINDS, _fiscal_year

_STRING = ("op", "memo", "effective_date", "from", "to")
_FIELDS = pa.schema(
    [(name, pa.int64() if name in ("quantity", "claim_fy") else pa.string()) for name in _VERBATIM]
    + [(name, pa.string()) for name in _STRING]
    + [("quantity", pa.int64())]
)
_ALONE = r"[\x00-\x1f]|NaN|Inf|^[^{]|^$"  # read otherwise, or maybe: checked one by one
_ALONE_KINDS = pa.array(sorted(REFERENCE_KINDS | {"issue"}))


def suspects(heads: pa.Table) -> np.ndarray:
    """A mask over the headers: those that may not agree with their operation, content hash
    or fiscal year (every header `entries._header_problems` finds a problem in is in it)."""
    c = heads.column
    operations = c("operation").combine_chunks()
    flagged = unlinked(None, operations, c("content_hash"))
    flagged |= _differ(_fiscal_years(c("effective_date")), c("fiscal_year"))
    alone = pc.fill_null(pc.match_substring_regex(operations, _ALONE), True)
    alone = pc.or_(alone, pc.is_in(c("kind"), _ALONE_KINDS))
    alone_mask = alone.to_numpy(zero_copy_only=False)
    read = np.flatnonzero(~alone_mask)
    fields = _parse(operations.take(read)) if len(read) else pa.table({})
    if fields is None:  # not read as `json.loads` would: every entry one by one
        return np.ones(len(heads), bool)
    flagged |= alone_mask
    if len(read):
        flagged[read] |= _against(heads.take(read), fields)
    return flagged


def _parse(operations: pa.Array) -> pa.Table | None:
    """The fields of each operation (one a line), or None if the reader refuses any or reads
    other than one record a line."""
    lines = pc.binary_join_element_wise(operations, "\n", "").cast(pa.large_string())
    _, offsets, data = lines.buffers()
    ends = np.frombuffer(offsets, np.int64, len(lines) + 1, lines.offset * 8)
    try:
        fields = arrow_json.read_json(
            pa.BufferReader(data.slice(int(ends[0]), int(ends[-1] - ends[0]))),
            read_options=arrow_json.ReadOptions(use_threads=False),
            parse_options=arrow_json.ParseOptions(
                explicit_schema=_FIELDS, unexpected_field_behavior="ignore"
            ),
        )
    except pa.ArrowInvalid:
        return None
    return fields if fields.num_rows == len(operations) else None


def _against(heads: pa.Table, op: pa.Table) -> np.ndarray:
    """Where a field read differs from its header column, as `entries._header_problems`
    compares them."""
    c = heads.column
    flagged = _differ(op.column("op"), c("kind"))
    for name, column in _VERBATIM.items():
        flagged |= _differ(op.column(name), c(column))
    memo = op.column("memo")  # absent is "", but null is None: both read as null here
    flagged |= pc.is_null(memo).to_numpy(zero_copy_only=False) | _differ(memo, c("memo"))
    for name, column in (("effective_date", "effective_date"), ("quantity", "quantity")):
        given = op.column(name)  # compared only where the operation gives it
        flagged |= pc.is_valid(given).to_numpy(zero_copy_only=False) & _differ(given, c(column))
    kinds = c("kind")
    for at, name in enumerate(("from", "to")):
        for kind, sides in _FROM_TO.items():
            if kind != "issue" and sides[at] is not None:
                of_kind = pc.equal(kinds, kind).to_numpy(zero_copy_only=False)
                flagged |= of_kind & _differ(op.column(name), c(sides[at]))
    return flagged


def _differ(a: Any, b: Any) -> np.ndarray:
    """Where two columns differ, a None equal only to a None (Python's `!=`)."""
    a, b = _array(a), _array(b)
    same = pc.or_kleene(
        pc.and_kleene(pc.is_null(a), pc.is_null(b)), pc.fill_null(pc.equal(a, b), False)
    )
    return np.asarray(pc.invert(same).to_numpy(zero_copy_only=False))


def _array(values: Any) -> Any:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _fiscal_years(days: Any) -> pa.Array:
    """`entries._fiscal_year` of each effective date (text), once a distinct date."""
    days = _array(days)
    distinct = pc.unique(days)
    years = pa.array([_fiscal_year(day) for day in distinct.to_pylist()], pa.int64())
    return years.take(pc.index_in(days, distinct))
