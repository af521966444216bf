"""The public check page of a certificate: what the QR code opens, readable without signing in.

It is found by its ledger entry's hash (64 hex characters, printed on the certificate: nobody
finds a page without holding the certificate) and shows only what the certificate shows: its
fields, the entry's hash and the hash it links to, the chain's head, and whether the issuer's
signature over the fields holds with the public key published at `/check/issuer.pub`. An entry
that does not verify (the ledger edited by hand) is said to be so, and nothing else: no field,
and not verify's report, which may name other parties' entries.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from offset.api.dashboard import page
from offset.api.routes import ledger
from offset.documents.certificate import checkpoint_words, issuer_key_path, public_rows, signed
from offset.documents.certificate_fields import (
    CertificateFields,
    load_private_key,
    public_key_pem,
    signature_holds,
)
from offset.ledger import certified, queries
from offset.ledger.database import reading
from offset.ledger.proof import Unverified

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
    request: Request,
    entry_hash: Annotated[str, Path(max_length=64, min_length=64)],
    sig: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """`sig`: the signature the certificate carries (its QR code holds it), checked against
    the fields the ledger holds now; without it, the page shows the signature those fields
    take, to compare with the one printed."""
    book = ledger(request)
    with reading(book.engine) as conn:
        tx_id = certified.by_hash(conn, entry_hash) if HASH.fullmatch(entry_hash) else None
        head = queries.head(conn)
    if tx_id is None:
        return page(request, "missing.html.j2", status_code=404, who=None)
    try:
        made = signed(book, tx_id, public_base(request))
    except Unverified:  # a ledger edited by hand: nothing of it shown, nor verify's report
        return page(request, "check_unverified.html.j2", status_code=409, who=None)
    return page(
        request, "check.html.j2", who=None, made=made, fields=made.fields, head=head,
        signature=signature_state(made.fields, made.public_key, sig),
        checkpoint_words=checkpoint_words,  # the checkpoint it can be checked against
        certificate_rows=lambda lang: public_rows(made.fields, lang),  # as the certificate
    )  # fmt: skip


def signature_state(fields: CertificateFields, public_key: str | None, carried: str | None) -> str:
    """What the page says of a certificate's signature: `holds` (the one it carries is the
    issuer's over the fields the ledger holds now), `differs` (it is not: the certificate was
    altered, or the ledger's record differs from what was signed), `compare` (none carried:
    the page shows the signature the fields take), `unsigned` (no issuer key here)."""
    if not public_key:
        return "unsigned"
    if carried is None:
        return "compare"
    return "holds" if signature_holds(fields, carried, public_key) else "differs"
