"""Signed checkpoints: a statement of the chain head that someone outside the database holds.

`verify` proves that the history recomputes, but a history rewritten and re-chained from some
entry onwards recomputes too. A checkpoint pins it: the ledger's identity, the head's sequence
number and hash, and the time, signed with an Ed25519 key. Whoever keeps a copy (a partner
city, a prefecture, a notary) can later ask `verify --checkpoint FILE` whether the history up to
that entry is still the one that was signed: a rewrite changes the hash at that sequence number
and is reported. This is how Certificate Transparency logs are held to their past with signed
tree heads; publishing checkpoints regularly bounds what could ever be rewritten unseen to what
came after the last one.

The file is JSON: `{"statement": {...}, "signature": BASE64}`, the signature over the statement
as canonical JSON (keys sorted, no spaces, UTF-8).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, text

from offset.common.messages import Msg, os_reason
from offset.ledger import queries

FORMAT: Final = "offset-checkpoint/1"
MAX_BYTES: Final = 16_384


class CheckpointError(Exception):
    """A key or checkpoint file that cannot be used; the message names the file and why
    (`str()` is English; `message` renders in the reader's language)."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def _unreadable(path: Path, error: OSError) -> CheckpointError:
    return CheckpointError(Msg("checkpoint.unreadable", path=str(path), reason=os_reason(error)))


@dataclass(frozen=True)
class Checkpoint:
    path: str
    ledger: str
    seq: int
    hash: str
    time: str
    key: str  # the signer's public key, raw, hex
    state: str | None = None  # the digest of the verified state kept at `seq` (`states.py`)
    snapshot: str | None = None  # PostgreSQL: the snapshot the state was read in (`past.py`)


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def keygen(path: Path) -> Path:
    """A new Ed25519 key: the private key at `path` (PEM, readable by its owner only) and the
    public key beside it (`path.pub`), which is what others need to check checkpoints."""
    if path.exists():
        raise CheckpointError(Msg("checkpoint.key_exists", path=str(path)))
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private)
        public_path = path.with_name(path.name + ".pub")
        public_path.write_bytes(public)
    except OSError as e:
        raise _unreadable(path, e) from e
    return public_path


def private_key(path: Path) -> Ed25519PrivateKey:
    """An unencrypted Ed25519 PEM private key (`offset ledger keygen`): a checkpoint's signer's
    or a certificate's issuer's; CheckpointError, in words, for a file that is not one."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as e:
        raise _unreadable(path, e) from e
    except (ValueError, TypeError) as e:
        raise CheckpointError(Msg("checkpoint.not_private_pem", path=str(path))) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(Msg("checkpoint.not_ed25519_private", path=str(path)))
    return key


def public_key_hex(path: Path) -> str:
    """A public key file (PEM) as the hex a checkpoint carries."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as e:
        raise _unreadable(path, e) from e
    except ValueError as e:
        raise CheckpointError(Msg("checkpoint.not_public_pem", path=str(path))) from e
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(Msg("checkpoint.not_ed25519_public", path=str(path)))
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def make(conn: Connection, key_path: Path) -> dict[str, Any]:
    """A signed statement of the ledger's head as `conn`'s snapshot reads it, with no verified
    state (`Ledger.checkpoint` verifies first and signs the state too)."""
    ledger_id = queries.ledger_identity(conn)
    seq, head_hash, _ = queries.head(conn)
    return sign(key_path, ledger_id, seq, head_hash, None)


def sign(
    key_path: Path,
    ledger_id: str | None,
    seq: int,
    head_hash: str,
    state: str | None,
    snapshot: str | None = None,
) -> dict[str, Any]:
    """The signed statement of an entry (and of the verified state at it, and the snapshot
    that state was read in, when given)."""
    key = private_key(key_path)
    if ledger_id is None or not seq:
        raise CheckpointError(Msg("checkpoint.empty_ledger"))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    statement: dict[str, Any] = {
        "format": FORMAT,
        "ledger": ledger_id,
        "seq": seq,
        "hash": head_hash,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "key": raw.hex(),
    }
    if state is not None:
        statement["state"] = state
    if snapshot is not None:
        statement["snapshot"] = snapshot
    signature = key.sign(_canonical(statement))
    return {"statement": statement, "signature": base64.b64encode(signature).decode()}


def load(path: Path, trusted: str | None = None) -> Checkpoint:
    """A checkpoint file, its signature checked (and its signer, when `trusted` names a public
    key in hex)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _unreadable(path, e) from e
    if len(raw) > MAX_BYTES:
        raise CheckpointError(Msg("checkpoint.too_large", path=str(path), limit=MAX_BYTES))
    try:
        document = json.loads(raw.decode("utf-8"))
        statement = document["statement"]
        signature = base64.b64decode(document["signature"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(statement["key"]))
        public.verify(signature, _canonical(statement))
        found = Checkpoint(
            str(path),
            str(statement["ledger"]),
            int(statement["seq"]),
            str(statement["hash"]),
            str(statement["time"]),
            str(statement["key"]),
            None if statement.get("state") is None else str(statement["state"]),
            None if statement.get("snapshot") is None else str(statement["snapshot"]),
        )
    except InvalidSignature as e:
        raise CheckpointError(Msg("checkpoint.bad_signature", path=str(path))) from e
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as e:
        raise CheckpointError(
            Msg("checkpoint.not_checkpoint", path=str(path), error=type(e).__name__)
        ) from e
    if statement.get("format") != FORMAT:
        raise CheckpointError(Msg("checkpoint.wrong_format", path=str(path), format=FORMAT))
    if trusted is not None and found.key != trusted:
        raise CheckpointError(Msg("checkpoint.other_key", path=str(path)))
    return found


def check(conn: Connection, checkpoint: Checkpoint) -> list[str]:
    """The history still holds, at the checkpoint's sequence number, the entry it signed."""
    where = Msg("verify.checkpoint", path=str(checkpoint.path), seq=checkpoint.seq,
                time=checkpoint.time)  # fmt: skip
    ledger_id = queries.ledger_identity(conn)
    if ledger_id != checkpoint.ledger:
        return [Msg("verify.checkpoint_ledger", where=where, ledger=checkpoint.ledger,
                    this=ledger_id)]  # fmt: skip
    stored = conn.execute(
        text("SELECT hash FROM transactions WHERE seq = :s"), {"s": checkpoint.seq}
    ).scalar()
    if stored is None:
        head = int(
            conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM transactions")).scalar_one()
        )
        if head < checkpoint.seq:
            return [Msg("verify.checkpoint_older", where=where, head=head)]
        return [Msg("verify.checkpoint_gone", where=where)]
    if stored != checkpoint.hash:
        return [
            Msg("verify.checkpoint_rewritten", where=where, stored=stored[:16],
                signed=checkpoint.hash[:16])
        ]  # fmt: skip
    return []
