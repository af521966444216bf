"""The CLI's consoles and how it reports bad input."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from offset.common.problems import MAX_LISTED, InputError

# Soft wrap: a problem or a path stays on one line, so it can be grepped and copied.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


# the headlines a user reads in their language (common/catalogue/)
HEADLINES = {
    "nothing was written": "problems.nothing_written",
    "nothing was posted": "problems.nothing_posted",
    "nothing was computed or posted": "problems.nothing_computed",
}


def fail(error: InputError, headline: str = "nothing was written") -> typer.Exit:
    """Print every problem (up to the listing limit) and return the exit to raise."""
    from offset.common.messages import Msg, text

    problems = error.problems
    key = HEADLINES.get(headline)
    if key is not None:
        err.print(f"[bold red]{text(Msg(key, count=len(problems)))}[/]")
    else:
        err.print(f"[bold red]{len(problems)} problem(s); {headline}.[/]")
    for problem in problems[:MAX_LISTED]:
        err.print(f"  {problem}", markup=False)
    if len(problems) > MAX_LISTED:
        err.print(f"  ... and {len(problems) - MAX_LISTED} more")
    return typer.Exit(EXIT_BAD_INPUT)


def warn(warning: str) -> None:
    """A warning line, headed in the user's language (注意: / warning:)."""
    from offset.common.messages import Msg, text

    mark = "\ue000"  # a private-use character: a message escapes control characters
    head, _, rest = text(Msg("cli.warning", text=mark)).partition(mark)
    out.print(f"[yellow]{escape(head)}[/]{escape(warning)}{escape(rest)}", markup=True)
