"""Mixed stands (混交林: `スギ・ヒノキ` in one 小班): the stand's area is split between its two
species by the first species' share (`species_share`, 樹種比率), or evenly when the row gives
none; each part takes its own species' k and, from a yield table, its own growth. The result
says which rule split the stand (`share_basis`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.problems import Problem
from offset.methods.common import FloatArray, optional_column, rows_problems

EVEN_SHARE = 0.5  # a mixed stand whose row gives no share is split evenly, and says so
SHARE_BASES = ("pure", "given", "even")
PURE, GIVEN, EVEN = range(len(SHARE_BASES))


@dataclass(frozen=True)
class Mixture:
    """Which rows hold a second species, and each row's first-species share."""

    positions: npt.NDArray[np.intp]  # rows with a second species
    share: FloatArray  # the first species' share of the stand (1.0 for a pure stand)
    basis: npt.NDArray[np.int8]  # codes into SHARE_BASES
    problems: list[Problem]

    def second(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The mixed rows with their second species in `species` (the row index kept, so a
        problem names the file's row)."""
        rows = frame.iloc[self.positions]
        if "species_2" not in rows:  # no mixed stand: no rows
            return rows
        return rows.assign(species=rows["species_2"].astype(object))

    def blend(self, first: FloatArray, second: FloatArray) -> FloatArray:
        """Per row, share x the first species' value + (1 - share) x the second's (`second`
        holds the mixed rows only)."""
        out = self.share * first
        out[self.positions] += (1.0 - self.share[self.positions]) * second
        return out


def read_mixture(frame: pd.DataFrame, file: str) -> Mixture:
    n = len(frame)
    if "species_2" in frame:
        mixed = frame["species_2"].notna().to_numpy(dtype=bool)
    else:
        mixed = np.zeros(n, dtype=bool)
    given = np.broadcast_to(optional_column(frame, "species_share"), (n,))
    problems = rows_problems(
        frame,
        ~mixed & ~np.isnan(given) & (given < 1.0),
        file,
        "species_share",
        "a share below 1 needs a second species (species_2, or スギ・ヒノキ in the species cell)",
    )
    stated = mixed & ~np.isnan(given)
    share = np.where(mixed, np.where(stated, given, EVEN_SHARE), 1.0)
    basis = np.where(mixed, np.where(stated, GIVEN, EVEN), PURE).astype(np.int8)
    return Mixture(np.flatnonzero(mixed), share.astype(np.float64), basis, problems)


def share_basis(mixture: Mixture) -> pd.Categorical:
    return pd.Categorical.from_codes(mixture.basis, categories=pd.Index(SHARE_BASES, dtype=object))
