"""Each forgery of the tamper suite (`forgeries.BEHIND`), done behind the guards, is reported
by `verify` with the line that names it, in one process and in two. Apart from
`test_tamper.py` so that parallel workers share the suite."""

from __future__ import annotations

import pytest

from offset.ledger import Ledger
from tests.ledger import forgeries
from tests.ledger.forgeries import BEHIND, all_reported, forge

book = forgeries.book  # a copy of the module's ledger per test, on each database
sqlite_template = forgeries.sqlite_template
postgresql_template = forgeries.postgresql_template


@pytest.mark.parametrize("name", list(BEHIND))
def test_a_forgery_behind_the_guards_is_reported(book: Ledger, name: str) -> None:
    expected = forge(book, name)
    problems = book.verify()
    assert all_reported(expected, problems), problems
    assert book.verify(workers=2) == problems  # the chain checked in ranges, in 2 processes
