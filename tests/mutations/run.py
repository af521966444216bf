"""Break each of the ledger's important rules in the planner, one at a time, and show that a
fast example test catches it (issue 26): `python tests/mutations/run.py`.

Each mutation is a one-line change to a planner of `offset/ledger/planning/credits.py`, applied to a
copy of `src/` in a temporary directory; the tests of its rule (`tests/ledger/test_rules.py`:
the planner's example refusal and the journal's forged plan, on SQLite) then run against the
copy (it comes first on PYTHONPATH; checked). A mutation is caught when they fail.
The copy is checked first without any mutation: the tests must pass on it. Exit 0 when every
mutation is caught, 1 when one survives (or the unmutated copy fails).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
PLANNING = Path("offset/ledger/planning/credits.py")
TESTS = "tests/ledger/test_rules.py"


class Mutation(NamedTuple):
    name: str
    function: str  # the planner function the line is in
    line: str
    replacement: str
    rule: str  # the tests' name for the rule (`test_rules.REFUSED`)


MUTATIONS = (
    Mutation(
        "retire without the balance check",
        "_retire",
        "    require_balance(books, source.id, credit, op.quantity)\n",
        "",
        "retire_beyond_the_balance",
    ),
    Mutation(
        "transfer out of a retirement account",
        "_transfer",
        "source = usable(books, op.from_, MOVABLE_FROM)",
        'source = usable(books, op.from_, MOVABLE_FROM | {"retirement", "cancellation"})',
        "transfer_out_of_a_retirement_account",
    ),
    Mutation(
        "a reservation posted twice",
        "_reservation",
        "if books.resolved.get(reservation_id):",
        "if False:",
        "post_a_reservation_twice",
    ),
    Mutation(
        "a reversal beyond the original",
        "_reverse",
        "if quantity > remaining:",
        "if False:",
        "reverse_beyond_the_original",
    ),
    Mutation(
        "cancel from a pending account",
        "_cancel",
        "source = usable(books, op.from_, MOVABLE_FROM)",
        'source = usable(books, op.from_, MOVABLE_FROM | {"pending"})',
        "cancel_from_a_pending_account",
    ),
    Mutation(
        "transfer into a pending account",
        "_transfer",
        "destination = usable(books, op.to, MOVABLE_FROM)",
        'destination = usable(books, op.to, MOVABLE_FROM | {"pending"})',
        "transfer_into_a_pending_account",
    ),
)


def mutated(source: str, mutation: Mutation) -> str:
    """`source` with the mutation's line changed, inside its function only (exactly once)."""
    start = source.index(f"\ndef {mutation.function}(")
    end = source.find("\ndef ", start + 1)
    end = len(source) if end < 0 else end
    body = source[start:end]
    assert body.count(mutation.line) == 1, (
        f"{mutation.name}: the line is not in {mutation.function}"
    )
    return source[:start] + body.replace(mutation.line, mutation.replacement) + source[end:]


def _environment(src: Path) -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(src)}
    environment.pop("PYTEST_XDIST_WORKER", None)  # a run of its own, not a worker's
    return environment


def runs_the_copy(src: Path) -> bool:
    """The tests will import the copy, not the checkout (an editable install comes after
    PYTHONPATH)."""
    command = [
        sys.executable,
        "-c",
        "import offset.ledger.planning.credits as p; print(p.__file__)",
    ]
    done = subprocess.run(command, env=_environment(src), capture_output=True, text=True)
    return done.stdout.strip() == str(src / PLANNING)


def tests_pass(src: Path, rule: str) -> bool:
    selected = f"sqlite and {rule}" if rule else "sqlite"
    command = [sys.executable, "-m", "pytest", TESTS, "-q", "-p", "no:cacheprovider"]
    # without the plugins the rules' tests do not use (schemathesis imports hypothesis and
    # more): 4.0 s -> 2.3 s of CPU a run
    command += ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:xdist"]
    done = subprocess.run(
        [*command, "-k", selected], cwd=ROOT, env=_environment(src), capture_output=True
    )
    return done.returncode == 0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="offset-mutations-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        target = src / PLANNING
        original = target.read_text()
        if not runs_the_copy(src) or not tests_pass(src, ""):
            print("the tests do not run the copy, or fail on it unmutated: nothing to measure")
            return 1
        survivors = []
        for mutation in MUTATIONS:
            changed = mutated(original, mutation)
            compile(changed, str(target), "exec")  # caught by a test, not by a syntax error
            target.write_text(changed)
            began = time.monotonic()
            caught = not tests_pass(src, mutation.rule)
            seconds = time.monotonic() - began
            print(f"{'caught  ' if caught else 'SURVIVED'} {mutation.name} ({seconds:.0f} s)")
            if not caught:
                survivors.append(mutation.name)
            target.write_text(original)
    print(f"{len(MUTATIONS) - len(survivors)} of {len(MUTATIONS)} caught")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
