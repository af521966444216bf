"""The CLI's consoles and how it reports bad input."""

from __future__ import annotations

import typer
from rich.console import Console

from offset.problems import MAX_LISTED, InputError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

EXIT_BAD_INPUT = 2


def fail(error: InputError) -> typer.Exit:
    """Print every problem (up to the listing limit) and return the exit to raise."""
    problems = error.problems
    err.print(f"[bold red]{len(problems)} problem(s); nothing was written.[/]")
    for problem in problems[:MAX_LISTED]:
        err.print(f"  {problem}", markup=False)
    if len(problems) > MAX_LISTED:
        err.print(f"  ... and {len(problems) - MAX_LISTED} more")
    return typer.Exit(EXIT_BAD_INPUT)
