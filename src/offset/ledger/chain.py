"""The hash chain: each transaction's hash covers the previous hash and its own content."""

from __future__ import annotations

import datetime as dt
import hashlib
import json


def chain_hash(
    prev_hash: str,
    seq: int,
    tx_id: str,
    kind: str,
    effective: dt.date,
    content: str,
    postings: list[tuple[str, int, int]],
) -> str:
    """sha256(prev_hash || canonical content): what `verify` recomputes."""
    body = json.dumps(
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
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
