"""The `offset` command."""

from __future__ import annotations

import typer

from offset import __version__
from offset.cli import calc, columns, factors, ledger, programme, run, serve

app = typer.Typer(
    no_args_is_help=True,
    help="offset: carbon-offset accounting for Japanese municipal and company agreements.",
    pretty_exceptions_enable=False,
)
app.command("calc")(calc.calc)
app.command("columns")(columns.columns)
app.command("run")(run.run)
app.command("serve")(serve.serve)
app.add_typer(factors.app, name="factors")
app.add_typer(ledger.app, name="ledger")
app.add_typer(programme.app, name="programme")
app.add_typer(ledger.db_app, name="db")
app.add_typer(serve.party_app, name="party")


def _version(value: bool) -> None:
    if value:
        print(f"offset {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """offset: carbon-offset accounting for Japanese municipal and company agreements."""


def main() -> None:
    app()
