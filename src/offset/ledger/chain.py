"""The hash chain: each transaction's hash covers the previous hash and its own content."""

from __future__ import annotations

import datetime as dt
import hashlib
from json.encoder import encode_basestring  # JSON string literal, non-ASCII kept (C-accelerated)


def chain_body(
    seq: int,
    tx_id: str,
    kind: str,
    effective: dt.date | str,
    content: str,
    postings: list[tuple[str, int, int]],
) -> str:
    """The canonical JSON of a transaction: keys sorted, no spaces, postings sorted, non-ASCII
    kept. Written out by hand because `verify` recomputes it for every transaction; it equals
    `json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)` (tested)."""
    day = effective if isinstance(effective, str) else effective.isoformat()  # SQLite: ISO text
    lines = ",".join([f"[{encode_basestring(a)},{c},{n}]" for a, c, n in sorted(postings)])
    return (
        f'{{"content":{encode_basestring(content)},"effective_date":"{day}",'
        f'"id":{encode_basestring(tx_id)},"kind":{encode_basestring(kind)},'
        f'"postings":[{lines}],"seq":{seq}}}'
    )


def chain_hash(
    prev_hash: str,
    seq: int,
    tx_id: str,
    kind: str,
    effective: dt.date | str,
    content: str,
    postings: list[tuple[str, int, int]],
) -> str:
    """sha256(prev_hash || canonical content): what `verify` recomputes."""
    body = chain_body(seq, tx_id, kind, effective, content, postings)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
