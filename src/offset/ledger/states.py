"""The verified state at a checkpoint: what `verify` knows of the history up to an entry once it
has checked it (running balances, posting counts, the coverage the block events leave, the
serials minted, the reference entries), kept so that a later `verify` can start from there and
read only what came after.

It is stored beside the ledger (`side_tables.VerifiedStateRecord`) as canonical JSON, and a signed
checkpoint carries its SHA-256: a state changed in the database no longer matches what was
signed, and is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Connection, text

from offset.ledger.verify import ChainPart


def encode(part: ChainPart) -> str:
    """The state of a checked range that started at the first entry, as canonical JSON."""
    keys = sorted(part.closing)
    value = {
        "seq": part.expected_seq - 1,
        "hash": part.last_hash,
        "effective": part.last_effective,
        "entries": part.entries,
        "postings": part.posting_count,
        "events": part.event_count,
        "balances": [
            [a, c, part.closing[(a, c)], part.counts[(a, c)], part.sums[(a, c)]] for a, c in keys
        ],
        "coverage": [
            [a, c, sorted(steps.items())]
            for (a, c), steps in sorted(part.coverage.items())
            if steps
        ],
        "minted": sorted(part.minted),
        "sent": sorted(part.sent),
        "references": part.references,
        "reserved": sorted([rid, *value] for rid, value in part.reserved.items()),
        "resolved": sorted(part.resolved),
    }
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def decode(state: str) -> ChainPart:
    value: dict[str, Any] = json.loads(state)
    part = ChainPart(
        expected_seq=value["seq"] + 1,
        last_hash=value["hash"],
        last_effective=value["effective"],
        entries=value["entries"],
        posting_count=value["postings"],
        event_count=value.get("events", -1),  # -1: a state kept before it was counted
    )
    for account, class_id, closing, count, total in value["balances"]:
        key = (account, class_id)
        part.closing[key], part.counts[key], part.sums[key] = closing, count, total
    part.coverage = {(a, c): dict(steps) for a, c, steps in value["coverage"]}
    part.minted = [tuple(m) for m in value["minted"]]
    part.sent = {(a, c) for a, c in value["sent"]}
    part.references = [tuple(r) for r in value["references"]]
    if "reserved" not in value:  # kept before reservations were followed: never read unproved
        part.event_count = -1
    part.reserved = {r[0]: (r[1], int(r[2]), int(r[3])) for r in value.get("reserved", [])}
    part.resolved = [(int(seq), rid) for seq, rid in value.get("resolved", [])]
    return part


def digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def store(conn: Connection, part: ChainPart) -> str:
    """Keep the state (once per sequence number); its digest."""
    state = encode(part)
    found = digest(state)
    seq = part.expected_seq - 1
    held = conn.execute(
        text("SELECT digest FROM verified_states WHERE seq = :s"), {"s": seq}
    ).scalar()
    if held is None:
        conn.execute(
            text(
                "INSERT INTO verified_states (seq, digest, state, created_at)"
                " VALUES (:s, :d, :t, :c)"
            ),
            {"s": seq, "d": found, "t": state, "c": dt.datetime.now(dt.UTC)},
        )
    return found


def load(conn: Connection, seq: int, expected: str) -> tuple[ChainPart | None, bool]:
    """The state kept at `seq` if it is the one with the `expected` digest, and whether one is
    kept there at all."""
    row = conn.execute(
        text("SELECT digest, state FROM verified_states WHERE seq = :s"), {"s": seq}
    ).first()
    if row is None:
        return None, False
    if digest(row[1]) != expected:
        return None, True
    return decode(row[1]), True
