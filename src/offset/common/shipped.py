"""Where the shipped tables are (`factors/`): inside the installed wheel, else the repository's."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_directory() -> Path:
    """The directory of the shipped tables: the wheel's `offset/_factors`, else `factors/`."""
    packaged = Path(str(resources.files("offset"))) / "_factors"
    if (packaged / "tables.toml").is_file():
        return packaged
    repository = Path(__file__).resolve().parents[3] / "factors"
    assert (repository / "tables.toml").is_file(), f"factor tables not found at {repository}"
    return repository
