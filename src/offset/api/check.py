"""The public check page of a certificate: what the QR code opens, readable without signing in.

It is found by its ledger entry's hash (64 hex characters, printed on the certificate: nobody
finds a page without holding the certificate) and shows only what the certificate shows: its
fields, the entry's hash and the hash it links to, the chain's head, and whether the issuer's
signature over the fields holds with the public key published at `/check/issuer.pub`.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from offset.api.dashboard import page
from offset.api.routes import ledger
from offset.documents.certificate import checkpoint_words, issuer_key_path, signed
from offset.documents.certificate_fields import load_private_key, public_key_pem, signature_holds
from offset.ledger import certified, queries
from offset.ledger.database import reading

router = APIRouter(include_in_schema=False)
HASH = re.compile(r"[0-9a-f]{64}")


def public_base(request: Request) -> str:
    """The address the dashboard is reached at, as certificates print it."""
    return str(request.base_url).rstrip("/")


@router.get("/check/issuer.pub", response_model=None)
def issuer_key() -> Response:
    """The issuer's public key (PEM): what a certificate's signature is checked with."""
    path = issuer_key_path()
    if path is None:
        return PlainTextResponse("no issuer key is configured", status_code=404)
    return PlainTextResponse(public_key_pem(load_private_key(path)))


@router.get("/check/{entry_hash}", response_model=None)
def check(
    request: Request, entry_hash: Annotated[str, Path(max_length=64, min_length=64)]
) -> HTMLResponse:
    book = ledger(request)
    with reading(book.engine) as conn:
        tx_id = certified.by_hash(conn, entry_hash) if HASH.fullmatch(entry_hash) else None
        head = queries.head(conn)
    if tx_id is None:
        return page(request, "missing.html.j2", status_code=404, who=None)
    made = signed(book, tx_id, public_base(request))
    holds = bool(
        made.signature
        and made.public_key
        and signature_holds(made.fields, made.signature, made.public_key)
    )
    return page(
        request, "check.html.j2", who=None, made=made, fields=made.fields, holds=holds, head=head,
        checkpoint_words=checkpoint_words,  # the checkpoint it can be checked against
    )  # fmt: skip
