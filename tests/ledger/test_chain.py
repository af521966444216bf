"""The chain's hand-written canonical JSON equals json.dumps', so every stored hash still holds."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from offset.ledger.chain import chain_body

text = st.text(max_size=30)  # any characters: quotes, backslashes, control and non-ASCII ones


def reference(
    seq: int,
    tx_id: str,
    kind: str,
    effective: dt.date,
    content: str,
    postings: list[tuple[str, int, int]],
) -> str:
    return json.dumps(
        {
            "seq": seq,
            "id": tx_id,
            "kind": kind,
            "effective_date": effective.isoformat(),
            "content": content,
            "postings": sorted(postings),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


@given(
    st.integers(1, 2**62),
    text,
    text,
    st.dates(),
    text,
    st.lists(st.tuples(text, st.integers(1, 2**31), st.integers(-(2**62), 2**62)), max_size=5),
)
def test_chain_body_is_canonical_json(
    seq: int,
    tx_id: str,
    kind: str,
    effective: dt.date,
    content: str,
    postings: list[tuple[str, int, int]],
) -> None:
    body = chain_body(seq, tx_id, kind, effective, content, postings)
    assert body == reference(seq, tx_id, kind, effective, content, postings)
    assert json.loads(body)["postings"] == [list(p) for p in sorted(postings)]
