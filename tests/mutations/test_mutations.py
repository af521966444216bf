"""The mutation check in the suite: every rule broken in the planner is caught (`run.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.mutations.run import MUTATIONS, PLANNING, ROOT, mutated


def test_each_mutation_changes_one_line_of_its_planner() -> None:
    source = (ROOT / "src" / PLANNING).read_text()
    for mutation in MUTATIONS:
        changed = mutated(source, mutation)
        assert changed != source
        assert len(changed.splitlines()) >= len(source.splitlines()) - 1


@pytest.mark.slow  # seven runs of the rules' tests: about 20 s of CPU
def test_every_mutation_is_caught() -> None:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("run.py"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(MUTATIONS)} of {len(MUTATIONS)} caught" in done.stdout
    assert len(MUTATIONS) == 6
