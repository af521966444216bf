"""The one list of operations (`operations.Operation`) reaches everything that lists them: a
new operation that misses a table fails here (the walk-through is docs/architecture.md,
"Adding an operation")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from offset.api.labels import KINDS
from offset.ledger import operations as ops
from offset.ledger import planning
from offset.ledger.verify.entries import _FROM_TO

ROOT = Path(__file__).resolve().parents[2]


def _names(kinds: tuple[type[ops._Op], ...]) -> set[str]:
    return {get_args(kind.model_fields["op"].annotation)[0] for kind in kinds}


def test_every_operation_has_its_planner() -> None:
    assert set(planning.PLANNERS) == set(ops.OPERATION_TYPES)
    assert set(planning.CREDIT_PLANNERS) == set(ops.TX_TYPES)


def test_every_credit_transaction_has_words_in_both_languages() -> None:
    for language in ("en", "ja"):
        assert set(KINDS[language]) == _names(ops.TX_TYPES), language


def test_verify_compares_the_accounts_of_every_transaction_that_names_them() -> None:
    """A transaction whose operation has `from` or `to` has them compared with its header."""
    for kind in ops.TX_TYPES:
        fields = {field.alias or name for name, field in kind.model_fields.items()}
        [name] = _names((kind,))
        if {"from", "to"} & fields:
            assert name in _FROM_TO, name


def test_the_readme_lists_every_operation() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Operations") : readme.index("### Result codes")]
    listed = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))
    assert listed - {"op"} == _names(ops.OPERATION_TYPES)  # "op": the header row
