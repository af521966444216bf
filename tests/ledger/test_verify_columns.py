"""The columnar chain pass's bodies and hashes (`verify/bodies.py`) are the writer's, byte for
byte: each generated entry's body and link equal `chain.body` and `chain.link` of its rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from offset.ledger.chain import body, link
from offset.ledger.rows import EVENT_COLUMNS, HEADER_COLUMNS, POSTING_COLUMNS, Header
from offset.ledger.verify.bodies import bodies, digests, hexdigests, quoted

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
