"""API keys: one per client of a party, shown once, stored only as a SHA-256 hash.

A key is `ofk_<id>_<secret>`: the id (8 hex digits) names the key in lists and logs; the secret
is 256 random bits (hex), so a plain hash is enough (no password stretching is needed for a key that
cannot be guessed). A key of the `registry` party may issue credits and sees everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

from offset.ledger.codes import Rejected
from offset.ledger.database import read_rows, reading
from offset.ledger.queries.sql_values import in_list

PREFIX = "ofk"


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: a party, found by its key."""

    party: str
    kind: str
    name: str
    key_id: str

    @property
    def is_registry(self) -> bool:
        return self.kind == "registry"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(engine: Engine, party: str, label: str = "") -> tuple[str, str]:
    """A new key for `party`: (its id, the key). The key is not stored and cannot be shown again."""
    key_id = secrets.token_hex(4)
    key = f"{PREFIX}_{key_id}_{secrets.token_hex(32)}"
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM parties WHERE id = :p"), {"p": party}).first() is None:
            raise Rejected("unknown_party", party)
        conn.execute(
            text(
                "INSERT INTO api_keys (id, party_id, key_hash, label, created_at)"
                " VALUES (:id, :p, :h, :l, :t)"
            ),
            {"id": key_id, "p": party, "h": _hash(key), "l": label, "t": dt.datetime.now(dt.UTC)},
        )
    return key_id, key


def revoke(engine: Engine, key_or_id: str) -> bool:
    """Revoke a key, given the key itself or its id; False if there is no such live key."""
    key_id = key_or_id.split("_")[1] if key_or_id.startswith(f"{PREFIX}_") else key_or_id
    with engine.begin() as conn:
        result = conn.execute(
            text("UPDATE api_keys SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL"),
            {"t": dt.datetime.now(dt.UTC), "id": key_id},
        )
    return bool(result.rowcount)


KEY_QUERY = (
    "SELECT k.id, k.key_hash, k.revoked_at, p.id, p.kind, p.name FROM api_keys k"
    " JOIN parties p ON p.id = k.party_id WHERE k.id {IN}"
)


def authenticate(engine: Engine, key: str) -> Caller | None:
    """The caller a live key belongs to, or None (unknown, malformed or revoked)."""
    return authenticate_all(engine, [key])[0]


def authenticate_all(engine: Engine, keys: list[str]) -> list[Caller | None]:
    """`authenticate` for each of `keys` (requests that arrived together), in one statement:
    every request is still checked against the database (a revoked key stops at once)."""
    ids = {parts[1] for parts in map(_parts, keys) if parts is not None}
    found: dict[str, tuple[Any, ...]] = {}
    if ids:
        marks, named = in_list("k", ids)
        query = KEY_QUERY.replace("{IN}", marks)
        found = {row[0]: row for row in read_rows(engine, query, named)}  # one round trip
    return [_caller(key, found) for key in keys]


def _parts(key: str) -> list[str] | None:
    parts = key.split("_")
    return parts if len(parts) == 3 and parts[0] == PREFIX else None


def _caller(key: str, found: dict[str, tuple[Any, ...]]) -> Caller | None:
    parts = _parts(key)
    row = None if parts is None else found.get(parts[1])
    if row is None or row[2] is not None or not hmac.compare_digest(row[1], _hash(key)):
        return None
    return Caller(party=row[3], kind=row[4], name=row[5] or row[3], key_id=row[0])


def listed(engine: Engine, party: str | None = None) -> list[dict[str, object]]:
    with reading(engine) as conn:
        rows = conn.execute(
            text(
                "SELECT id, party_id, label, created_at, revoked_at FROM api_keys"
                + (" WHERE party_id = :p" if party else "")
                + " ORDER BY created_at"
            ),
            {"p": party},
        )
        return [dict(r._mapping) for r in rows]
