"""`offset ledger certificate`: a retirement's カーボン・オフセット証明書 (HTML or PDF), printed
once its entry verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from offset.cli.console import EXIT_BAD_INPUT, err, out
from offset.cli.ledger.common import (
    EXIT_REJECTED,
    EXIT_UNVERIFIED,
    app,
    catalogued,
    existing_ledger,
    language_after_command,
)
from offset.cli.options import CommandDb, LangOption
from offset.ledger.codes import Rejected


@app.command()
def certificate(
    tx: Annotated[str, typer.Argument(help="The retirement's transaction id")],
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Write the HTML (or PDF) here instead of printing it"),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="A PDF (one A4 page) instead of HTML")] = False,
    english: Annotated[bool, typer.Option("--english", help="The English version")] = False,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            help="The issuer's signing key (offset ledger keygen); default: OFFSET_CERT_KEY",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="The dashboard's public address, for the check URL and QR code; default:"
            " OFFSET_PUBLIC_URL",
        ),
    ] = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            "--checkpoints",
            help="A directory of signed checkpoints (offset ledger checkpoint --out): the"
            " certificate names the latest that covers its entry; default: OFFSET_CHECKPOINTS",
        ),
    ] = None,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """A カーボン・オフセット証明書 as HTML, or as PDF with --pdf (default file: TX.pdf): signed
    with the issuer's key, with a URL and QR code to check it against the ledger."""
    language_after_command(lang)
    from offset.common.messages import text
    from offset.documents.certificate import certificate_page, certificate_pdf
    from offset.ledger.checkpoint import CheckpointError
    from offset.ledger.proof import Unverified

    book = existing_ledger()
    version: Literal["ja", "en"] = "en" if english else "ja"  # the document's; messages: --lang
    make = certificate_pdf if pdf else certificate_page
    try:
        document: str | bytes = make(book, tx, version, url, key, checkpoints=checkpoints)
    except Rejected as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REJECTED) from e
    except Unverified as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_UNVERIFIED) from e
    except CheckpointError as e:  # the issuer's key file, read as a checkpoint signer's is
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    if isinstance(document, str) and output is None:
        print(document)
        return
    from offset.documents.certificate import certificate_filename
    from offset.documents.output import write_bytes, write_text

    output = output or Path(certificate_filename(tx, ".pdf"))
    try:
        if isinstance(document, bytes):
            write_bytes(document, output)
        else:
            write_text(document, output)
    except OSError as e:
        err.print(f"{output}: {e.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(catalogued("cli.certificate_written", where=output), markup=False)
