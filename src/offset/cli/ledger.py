"""`offset ledger ...` and `offset db upgrade`: thin wrappers over `offset.ledger.Ledger`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

from offset.cli.choices import EXPORT_FORMATS, LEDGER_URL
from offset.cli.console import EXIT_BAD_INPUT, err, out
from offset.cli.options import (
    CommandDb,
    DbOption,
    LangOption,
    choose_language,
    chosen_db,
    db_before_command,
)
from offset.ledger.codes import Rejected

if TYPE_CHECKING:
    from offset.ledger import Ledger

app = typer.Typer(
    no_args_is_help=True, help="The credit ledger: apply operations, read balances, verify."
)
db_app = typer.Typer(no_args_is_help=True, help="The ledger database.")

EXIT_REJECTED = 1
EXIT_UNVERIFIED = 4  # a document's ledger entries do not verify: it was not printed
STATEMENT_COLUMNS = (
    "seq",
    "id",
    "kind",
    "effective_date",
    "project",
    "vintage",
    "amount",
    "balance_after",
)


@app.callback()
def ledger(ctx: typer.Context, db: DbOption = LEDGER_URL) -> None:
    """The credit ledger on --db (default sqlite:///offset.db; migrated on first use); --db
    may come after the command too."""
    db_before_command(ctx, db)  # each command takes its own --db too and reads `chosen_db`


def open_ledger(db: str, **engine_options: Any) -> Ledger:
    """The ledger at `db`; a ledger that cannot be opened is an error in words, exit 2."""
    from offset.ledger import Ledger  # the whole ledger, for the command that needs it
    from offset.ledger.database import V1History, redacted

    try:
        return Ledger.open(db, **engine_options)
    except V1History as e:
        err.print(f"{redacted(db)}: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e


def _ledger() -> Ledger:
    return open_ledger(chosen_db())


def _existing_ledger() -> Ledger:
    """The ledger to read: a SQLite file that is not there is refused (exit 2), never created
    empty, so that `offset ledger verify` run beside the wrong directory cannot answer that an
    empty new ledger verifies (`offset run` keeps its ledger in OUT/ledger.db)."""
    from sqlalchemy.engine import make_url

    from offset.common.messages import Msg, text
    from offset.ledger.database import redacted

    url = make_url(chosen_db())
    file = url.database or ""
    sqlite = url.get_backend_name() == "sqlite" and file not in ("", ":memory:")
    if sqlite and not Path(file).exists():
        err.print(text(Msg("cli.no_ledger", where=redacted(chosen_db()))), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    return _ledger()


def _json(value: Any) -> str:
    """JSON that any terminal can write: a character no encoder takes is escaped."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _plain(value: Any) -> Any:
    """Records (dataclasses) as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as e:
        err.print(f"{file}: {e.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e


@app.command()
def apply(
    file: Annotated[
        str, typer.Argument(help="JSON lines, one operation each; - for standard input")
    ],
    atomic: Annotated[bool, typer.Option("--atomic", help="All operations or none")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Apply operations; print one JSON result per line, each once its write has committed.
    Exit 1 if any was rejected, 2 if the file cannot be read (nothing applied)."""
    choose_language(lang)
    from offset.ledger.lines import NotUtf8, read_lines

    name = "standard input" if file == "-" else file
    try:
        items = read_lines(_read(file), name)
    except NotUtf8 as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    rejected = False
    for result in _ledger().apply_iter(items, atomic=atomic):
        print(_json(result.to_json()), flush=True)
        rejected = rejected or result.status not in ("ok", "exists")
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def balances(
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Balances at the end of this day"),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="One account only")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list instead of a table")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Non-zero balances per account, project and vintage."""
    choose_language(lang)
    rows = _existing_ledger().balances(as_of.date() if as_of else None, account)
    if as_json:
        listed = [{k: v for k, v in _plain(r).items() if k != "instrument"} for r in rows]
        print(_json(listed))
        return
    from offset.common.messages import current
    from offset.documents.terms import column_label, term

    shown = current()
    title = term("balances.as_of", shown, date=as_of.date()) if as_of else term("balances", shown)
    table = Table(title=title)
    for column in ("account", "instrument", "project", "vintage", "quantity"):
        label = column_label(column, shown)
        table.add_column(label, justify="right" if column == "quantity" else "left")
    for row in rows:
        table.add_row(
            row.account, row.instrument, row.project, str(row.vintage), f"{row.quantity:,}"
        )
    out.print(table)


@app.command()
def statement(
    account: Annotated[str, typer.Argument(help="Account id, e.g. ina/holding")],
    start: Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """An account's postings with their running balance, once its entries (and their link to
    the chain head) verify: exit 4 if they do not."""
    choose_language(lang)
    from offset.common.messages import Msg, text
    from offset.ledger import proof

    book = _existing_ledger()
    try:
        rows = book.statement(account, start.date() if start else None, end.date() if end else None)
        proof.require(book.engine, [r.seq for r in rows], Msg("proof.statement", account=account))
    except Rejected as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REJECTED) from e
    except proof.Unverified as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_UNVERIFIED) from e
    if as_json:
        print(_json(_plain(rows)))
        return
    from offset.api.labels import KINDS
    from offset.common import memos
    from offset.common.messages import current
    from offset.documents.terms import column_label, value_term
    from offset.ledger.titles import title_of, titles_on

    lang = current()
    titles = titles_on(book.engine)
    table = Table(title=text(Msg("cli.statement", account=account)))
    for column in STATEMENT_COLUMNS:
        table.add_column(column_label(column, lang))

    def shown(column: str, value: object) -> str:
        """A cell in the reader's words: kinds, and offset's own memos."""
        cell = "" if value is None else str(value)
        if column == "kind":
            return KINDS[lang].get(cell, cell)
        if column == "project":  # its title, the key below it
            title = title_of(titles, cell)
            return f"{title.title}\n{cell}" if title.title else cell
        if column != "memo":
            return cell
        return memos.text(cell, lang, lambda method: value_term("method", method, lang))

    for row in rows:
        table.add_row(*(shown(c, getattr(row, c)) for c in STATEMENT_COLUMNS))
    out.print(table)


@app.command()
def serial(
    project: Annotated[str, typer.Argument()],
    vintage: Annotated[int, typer.Argument()],
    number: Annotated[int, typer.Argument(metavar="SERIAL")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """The history of one credit (JSON): every move, its holder now, and its issuance's source."""
    choose_language(lang)
    try:
        history = _existing_ledger().serial(project, vintage, number)
    except Rejected as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_REJECTED) from e
    print(json.dumps(_plain(history), ensure_ascii=False, default=str, indent=2))


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
    choose_language(lang)
    from offset.common.messages import text
    from offset.documents.certificate import certificate_page, certificate_pdf
    from offset.ledger.checkpoint import CheckpointError
    from offset.ledger.proof import Unverified

    book = _existing_ledger()
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
    out.print(_said("cli.certificate_written", where=output), markup=False)


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
    choose_language(lang)
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
    found = _existing_ledger().verification(workers, loaded, full)
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
def purposes(db: CommandDb = None, lang: LangOption = None) -> None:
    """J-Credit's retirement purposes (用途) and the credit types each may take, with sources:
    the values a retirement's `purpose` may hold."""
    choose_language(lang)
    from offset.common.messages import current
    from offset.documents.terms import term
    from offset.ledger import uses

    shown = current()
    words = {t.code: t.name(shown) for t in uses.credit_types()}
    table = Table(title=term("purposes.title", shown))
    for column in ("code", "name", "types", "source"):
        table.add_column(term(f"purposes.{column}", shown), overflow="fold")
    for purpose in uses.purposes().values():
        allowed = uses.allowed_types(purpose.code)
        kinds = ", ".join(words[k] for k in allowed) if allowed else "*"
        if purpose.window:
            kinds += term("purposes.window", shown)
        where = f"{purpose.source.url or purpose.source.source} [{purpose.source.confidence}]"
        table.add_row(purpose.code, purpose.name(shown), kinds, where)
    out.print(table)


@app.command()
def keygen(
    key: Annotated[Path, typer.Argument(help="Where to write the private key (KEY.pub beside)")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Make an Ed25519 key for signing checkpoints."""
    choose_language(lang)
    from offset.common.messages import text
    from offset.ledger.checkpoint import CheckpointError
    from offset.ledger.checkpoint import keygen as make_key

    try:
        public = make_key(key)
    except CheckpointError as e:
        err.print(text(e.message), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(_said("cli.keygen", key=key, public=public), markup=False)


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
    choose_language(lang)
    from offset.common.messages import text
    from offset.documents.output import write_text
    from offset.ledger.checkpoint import CheckpointError

    try:
        document = _ledger().checkpoint(key)
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
    out.print(_said("cli.checkpoint_written", seq=seq, where=output), markup=False)


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="The file to write (must not exist)")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """A consistent copy of a live SQLite ledger (writers go on), verified; on PostgreSQL, how
    to make one with pg_dump."""
    choose_language(lang)
    from offset.ledger.backup import BackupError

    try:
        seq, head_hash = _existing_ledger().backup(target)
    except BackupError as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(_said("cli.backup", where=target, seq=seq, hash=head_hash), markup=False)


@app.command()
def replay(
    source: Annotated[str, typer.Option("--from", help="The old ledger's database URL")],
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Copy an old ledger (a v1 ledger, which cannot be upgraded in place) into the ledger at
    --db by replaying its operations; the old one is only read. Exit 1 if any was refused."""
    choose_language(lang)
    from offset.ledger.database import connect
    from offset.ledger.replay import NotALedger
    from offset.ledger.replay import replay as run_replay

    try:
        results = run_replay(connect(source), _ledger())
    except NotALedger as e:
        err.print(str(e), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    refused = [r for r in results if r.status not in ("ok", "exists")]
    for result in refused:
        err.print(_json(result.to_json()), markup=False)
    replayed = len(results) - len(refused)
    out.print(_said("cli.replayed", count=replayed, total=len(results)), markup=False)
    if refused:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(EXPORT_FORMATS)}")
    ] = "beancount",
    db: CommandDb = None,
    lang: LangOption = None,
) -> None:
    """Export the ledger (Beancount file, or offsets-db style CSV) to standard output."""
    choose_language(lang)
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    sys.stdout.write(_existing_ledger().export(fmt))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = LEDGER_URL, lang: LangOption = None) -> None:
    """Create or migrate the ledger schema to the latest revision."""
    choose_language(lang)
    from offset.ledger import Ledger
    from offset.ledger.database import V1History, connect, redacted, upgrade

    try:
        upgrade(connect(db))
    except V1History as e:
        err.print(f"{redacted(db)}: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from e
    Ledger.on(connect(db)).initialise()
    out.print(_said("cli.schema_latest", where=redacted(db)), markup=False)


def _said(message: str, /, **params: object) -> str:
    """A catalogued line in the user's language."""
    from offset.common.messages import Msg, text

    return text(Msg(message, **params))
