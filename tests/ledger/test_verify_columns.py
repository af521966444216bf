"""The columnar chain pass's bodies and hashes (`verify/bodies.py`) are the writer's, byte for
byte: each generated entry's body and link equal `chain.body` and `chain.link` of its rows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.ledger.chain import body, link
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS, Header
from offset.ledger.verify import entries as entry_checks
from offset.ledger.verify.bodies import bodies, digests, hexdigests, quoted, unlinked
from offset.ledger.verify.headers import suspects
from offset.ledger.verify.ranges import _add_steps, merged

# any characters (quotes, backslashes, control and non-ASCII ones, astral planes), and strings
# made mostly of the ones JSON escapes
text = st.text(max_size=20) | st.text(st.sampled_from('"\\\n\t\x00\x1f\x7f\u2028é日😀'), max_size=8)
maybe = st.none() | text
big = st.integers(-(2**63), 2**63 - 1)  # what a BIGINT column holds, ends included
moments = st.datetimes(timezones=st.just(dt.UTC))


@st.composite
def entries(draw: st.DrawFn) -> tuple[Header, list[Any], list[Any]]:
    values: dict[str, Any] = {name: draw(maybe) for name in HEADER_COLUMNS}
    values |= {name: draw(text) for name in ("kind", "memo", "content_hash", "operation")}
    values |= {name: draw(big) for name in ("quantity", "buffer", "fiscal_year")}
    values |= {"class_id": draw(st.none() | big), "claim_fy": draw(st.none() | big)}
    values["effective_date"] = draw(st.dates()).isoformat()  # as SQLite and the reader hand it
    values["recorded_at"] = draw(moments).isoformat(sep=" ")
    values["prev_hash"], values["hash"] = draw(text), draw(text)
    posted = draw(st.lists(st.tuples(text, big, big, big), max_size=4, unique_by=lambda p: p[:2]))
    moved = draw(
        st.lists(st.tuples(big, big, big, maybe, text), max_size=4, unique_by=lambda e: e[:2])
    )
    return Header(seq=0, **{k: v for k, v in values.items() if k != "seq"}), posted, moved


def _table(rows: list[tuple[Any, ...]], names: tuple[str, ...], ints: set[str]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pa.table(
        {
            n: pa.array(c, pa.int64() if n in ints else pa.string())
            for n, c in zip(names, columns, strict=True)
        }
    )


_INTS = {
    "seq",
    "fiscal_year",
    "class_id",
    "quantity",
    "buffer",
    "claim_fy",
    "tx_seq",
    "amount",
    "balance_after",
    "start",
    "stop",
}


@settings(max_examples=200, deadline=None)
@given(st.lists(entries(), max_size=6), text)
def test_columnar_bodies_and_hashes_are_the_writers(drawn: list[Any], first: str) -> None:
    heads = [header._replace(seq=seq) for seq, (header, _, _) in enumerate(drawn, 1)]
    posted = sorted((seq, *p) for seq, (_, ps, _) in enumerate(drawn, 1) for p in ps)
    moved = sorted(
        ((seq, *e) for seq, (_, _, es) in enumerate(drawn, 1) for e in es),
        key=lambda e: (*e[:4], e[4] is None, e[4] or "", e[5]),
    )
    table = _table(heads, HEADER_COLUMNS, _INTS)
    built = bodies(
        table, _table(posted, POSTING_COLUMNS, _INTS), _table(moved, EVENT_COLUMNS, _INTS)
    )
    expected = [
        body(h, [p for p in posted if p[0] == h.seq], [e for e in moved if e[0] == h.seq])
        for h in heads
    ]
    assert built.to_pylist() == expected
    previous = [first, *(h.hash for h in heads)][: len(heads)]
    assert digests(pa.array(previous, pa.string()), built) == [
        link(p, b) for p, b in zip(previous, expected, strict=True)
    ]
    assert hexdigests(pa.array([h.operation for h in heads], pa.string())) == [
        link("", h.operation) for h in heads
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(maybe, text, st.sampled_from(["same", "upper", "other", "none", "short"])),
        max_size=8,
    ),
    text,
)
def test_a_link_is_flagged_exactly_where_the_stored_hash_differs(
    drawn: list[tuple[str | None, str, str]], other: str
) -> None:
    """`unlinked` flags an entry where the row pass's `link(prefix, text) != stored` would,
    and wherever there is no prefix to link to."""
    stored = []
    for prefix, body_text, how in drawn:
        right = link(prefix or "", body_text)
        stored.append(
            {"same": right, "upper": right.upper(), "other": other, "none": None}.get(
                how, right[:-1]
            )
        )
    mask = unlinked(
        pa.array([p for p, _, _ in drawn], pa.string()),
        pa.array([t for _, t, _ in drawn], pa.string()),
        pa.array(stored, pa.string()),
    )
    assert mask.tolist() == [
        prefix is None or held != link(prefix, body_text)
        for (prefix, body_text, _), held in zip(drawn, stored, strict=True)
    ]


steps = st.integers(-3, 3)
points = st.integers(-4, 4) | big


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(points, steps.filter(bool), max_size=6),
    st.lists(st.tuples(points, steps), max_size=12),
)
def test_coverage_steps_summed_in_numpy_are_the_ones_added_one_by_one(
    held: dict[int, int], more: list[tuple[int, int]]
) -> None:
    """`ranges.merged` (the columnar pass's coverage, and large ranges joined) leaves the steps
    `_add_steps` leaves, those that sum to zero dropped."""
    expected = dict(held)
    _add_steps(expected, more)
    found = merged(
        dict(held),
        np.array([p for p, _ in more], np.int64),
        np.array([v for _, v in more], np.int64),
    )
    assert found == expected


def test_text_is_quoted_as_json_and_none_is_null() -> None:
    # hand-checked literals: a quote, a backslash, a newline, a unit separator, kept non-ASCII
    values = pa.array(['a"b', "c\\d", "e\nf", "\x1f", "日本", None, ""])
    assert quoted(values).to_pylist() == [
        '"a\\"b"',
        '"c\\\\d"',
        '"e\\nf"',
        '"\\u001f"',
        '"日本"',
        "null",
        '""',
    ]


# --- each header against its operation (`headers.suspects`) ----------------------------------

KINDS = ["transfer", "reserve", "retire", "cancel", "post", "void", "issue", "party"]
names = st.sampled_from(["a", "b", "ア", 'q"', "x\\y", "l\nm", ""])
fields = {
    "id": st.none() | names,
    "from": st.none() | names,
    "to": st.none() | names,
    "quantity": st.none() | st.integers(-3, 3) | st.just(2.0) | st.just(2**70) | st.booleans(),
    "memo": st.none() | names,
    "effective_date": st.none() | st.sampled_from(["2024-04-01", "2025-03-31", "x"]),
    "agreement": st.none() | names | st.integers(0, 2),
    "claim_fy": st.none() | st.integers(2023, 2025) | st.just("2024"),
    "override": st.none() | names,
    "of": st.none() | names,
    "reservation": st.none() | names,
}


@st.composite
def recorded(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """An operation's text (some written otherwise than `json.dumps` would, some not JSON) and
    the header columns it should give, some of them changed."""
    kind = draw(st.sampled_from(KINDS))
    op: dict[str, Any] = {"op": draw(st.sampled_from([kind, kind, "transfer"]))}
    op |= {k: draw(v) for k, v in fields.items() if draw(st.booleans())}
    text = json.dumps(op, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1])))
    text = draw(
        st.sampled_from(
            [text, text, text, text + " ", "[1]", "", text.replace("{", '{"id": "z", ', 1), "{NaN}"]
        )
    )
    day = draw(st.sampled_from(["2024-04-01", "2025-03-31"]))
    columns: dict[str, Any] = {
        "id": op.get("id"), "kind": kind, "effective_date": day,
        "fiscal_year": draw(st.sampled_from([2024, 2024, 2023])), "memo": op.get("memo") or "",
        "agreement": op.get("agreement"), "claim_fy": op.get("claim_fy"),
        "rule_override": op.get("override"), "reverses": op.get("of"),
        "resolves": op.get("reservation"), "quantity": draw(st.integers(-3, 3)),
        "from_account": op.get("from"), "to_account": op.get("to"), "buffer": 0,
        "operation": text,
    }  # fmt: skip
    changeable = sorted(set(columns) - {"effective_date"})  # a DATE column: always a date
    for column in draw(st.lists(st.sampled_from(changeable), max_size=2)):
        columns[column] = draw(st.none() | names)  # a column changed (maybe to another type)
    if not isinstance(columns["claim_fy"], int | None) or isinstance(columns["claim_fy"], bool):
        columns["claim_fy"] = None
    if not isinstance(columns["agreement"], str | None):
        columns["agreement"] = str(columns["agreement"])
    for column in ("kind", "memo", "effective_date", "operation"):
        columns[column] = columns[column] or ""
    columns["content_hash"] = draw(st.sampled_from([link("", text), "0" * 64]))
    return text, columns


@settings(max_examples=300, deadline=None)
@given(st.lists(recorded(), min_size=1, max_size=8))
def test_every_header_with_a_problem_is_a_suspect(drawn: list[tuple[str, dict[str, Any]]]) -> None:
    """No header `entries._header_problems` finds a problem in is left out of the mask."""
    rows = []
    for seq, (_, columns) in enumerate(drawn, 1):
        values = dict.fromkeys(HEADER_COLUMNS) | columns | {"seq": seq}
        values["recorded_at"], values["prev_hash"], values["hash"] = "t", "", ""
        for name in ("fiscal_year", "quantity", "buffer"):
            values[name] = values[name] if isinstance(values[name], int) else 0
        for name in ("kind", "memo", "content_hash", "operation", "effective_date"):
            values[name] = values[name] if isinstance(values[name], str) else ""
        rows.append(tuple(values[name] for name in HEADER_COLUMNS))
    flagged = suspects(_table(rows, HEADER_COLUMNS, _INTS))
    for row, suspect in zip(rows, flagged.tolist(), strict=True):
        try:
            found = entry_checks._header_problems(row)
        except (ValueError, TypeError, AttributeError):  # the row pass fails on it too
            found = ["fails"]
        assert suspect or not found, (row, found)
