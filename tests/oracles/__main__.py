"""`python -m tests.oracles` rewrites README.md's oracle table from cases.toml and offset."""

from __future__ import annotations

from offset.factors import FactorLibrary
from tests.conftest import REPOSITORY
from tests.oracles import replace_table, table

readme = REPOSITORY / "README.md"
readme.write_text(
    replace_table(readme.read_text(encoding="utf-8"), table(FactorLibrary())), encoding="utf-8"
)
print(f"wrote the oracle table of {readme}")
