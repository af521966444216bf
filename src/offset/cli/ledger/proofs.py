"""`offset ledger verify`, `keygen`, `checkpoint` and `backup`: proving the ledger whole, signing
its head, and copying it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from offset.cli.console import EXIT_BAD_INPUT, err, out
from offset.cli.ledger.common import (
    EXIT_REJECTED,
    app,
    catalogued,
    chosen_ledger,
    existing_ledger,
    language_after_command,
)
from offset.cli.options import CommandDb, LangOption, chosen_db

CheckpointOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--checkpoint",
        help="A signed checkpoint (offset ledger checkpoint): prove the history up to it is"
        " unchanged. Repeatable.",
    ),
]
TrustOption = Annotated[
    Path | None,
    typer.Option("--trust", help="The public key (KEY.pub) the checkpoints must be signed with"),
]


@app.command()
def verify(
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes checking the hash chain (default: one per CPU, up to 8, from 100,000"
            " entries; 1 below).",
        ),
    ] = None,
    checkpoints: CheckpointOption = None,
    trust: TrustOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="Read the whole history even when a checkpoint is given")
    ] = False,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit",
            help="For an auditor: a checkpoint whose signer is unchecked (no --trust) fails"
            " (exit 2) instead of being only warned of",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the report as JSON: each discrepancy's check, entry (seq) and message,"
            " and the summary's figures",
        ),
    ] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Recompute everything from the chained history (conservation, balances, serial blocks,
    reference data, the hash chain, the database's guards, and each checkpoint); exit 1 on
    any discrepancy. Given a checkpoint whose verified state the ledger kept, and whose past the
    database proves unwritten since (PostgreSQL), only the history after it is read; otherwise
    all of it. Ends with a summary: entries, postings, head sequence and hash."""
    language_after_command(lang)
    from offset.common.messages import Msg, text
    from offset.ledger.checkpoint import CheckpointError, load, public_key_hex

    if checkpoints and trust is None:
        unchecked = escape(text(Msg("cli.signer_unchecked")))
        if audit:
            err.print(f"[bold red]{unchecked}[/]")
            raise typer.Exit(EXIT_BAD_INPUT)
        err.print(f"[yellow]{unchecked}[/]")
    try:
        trusted = public_key_hex(trust) if trust else None
        loaded = tuple(load(path, trusted) for path in checkpoints or [])
    except CheckpointError as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    found = existing_ledger().verification(workers, loaded, full)
    if as_json:
        print(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        raise typer.Exit(EXIT_REJECTED if found.discrepancies else 0)
    from offset.ledger.database import redacted

    where = redacted(chosen_db())
    summary = Msg(
        "cli.verify_summary", entries=found.entries, postings=found.postings,
        seq=found.head_seq, hash=found.head_hash or "-",
    )  # fmt: skip
    read = text(Msg("cli.verify_since", seq=found.since + 1)) if found.since else ""
    if found.discrepancies:
        count = len(found.discrepancies)
        headline = text(Msg("cli.discrepancies", count=count, where=where))
        err.print(f"[bold red]{escape(headline)}[/]")
        for discrepancy in found.discrepancies:
            err.print(f"  {text(discrepancy.message)} [{discrepancy.check}]", markup=False)
        err.print(text(summary) + read, markup=False)
        raise typer.Exit(EXIT_REJECTED)
    proved = text(Msg("cli.checkpoints_hold", count=len(loaded))) if loaded else ""
    out.print(f"[green]{escape(text(Msg('cli.verifies', where=where, proved=proved)))}[/]")
    out.print(text(summary) + read, markup=False)


@app.command()
def keygen(
    key: Annotated[Path, typer.Argument(help="Where to write the private key (KEY.pub beside)")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Make an Ed25519 key for signing checkpoints."""
    language_after_command(lang)
    from offset.common.messages import text
    from offset.ledger.checkpoint import CheckpointError
    from offset.ledger.checkpoint import keygen as make_key

    try:
        public = make_key(key)
    except CheckpointError as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(catalogued("cli.keygen", key=key, public=public), markup=False)


@app.command()
def checkpoint(
    key: Annotated[Path, typer.Option("--key", help="The private key (offset ledger keygen)")],
    output: Annotated[Path | None, typer.Option("--out", help="Write it here")] = None,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Verify the whole ledger, then sign a statement of its head (sequence, hash, time, ledger
    id, and the digest of the verified state kept for later incremental checks), for someone
    outside the database to keep; `verify --checkpoint` proves the history up to it."""
    language_after_command(lang)
    from offset.common.messages import text
    from offset.documents.output import write_text
    from offset.ledger.checkpoint import CheckpointError

    try:
        document = chosen_ledger().checkpoint(key)
    except CheckpointError as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    signed = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(signed)
        return
    try:
        write_text(signed, output)
    except OSError as e:
        err.print(f"{output}: {e.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    seq = document["statement"]["seq"]
    out.print(catalogued("cli.checkpoint_written", seq=seq, where=output), markup=False)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="The file to write (must not exist)")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """A consistent copy of a live SQLite ledger (writers go on), verified; on PostgreSQL, how
    to make one with pg_dump."""
    language_after_command(lang)
    from offset.ledger.backup import BackupError

    try:
        seq, head_hash = existing_ledger().backup(target)
    except BackupError as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(catalogued("cli.backup", where=target, seq=seq, hash=head_hash), markup=False)
