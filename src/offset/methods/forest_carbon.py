"""k [t CO2/m3], the step from a stand's stem volume to CO2, per species: from the wood density
and BEF by age group (k = D x BEF x (1 + R) x CF x 44/12), or for species without them
(広葉樹, その他針葉樹) from the IPCC 2006 BCEF by growing stock; folded once per species from
`forest_species` and gathered per row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset import units
from offset.factors import FactorLibrary
from offset.factors.select import category_codes
from offset.factors.table import FactorTable
from offset.methods.common import FloatArray

YOUNG_MAX_AGE = 20  # BEF for stands <= 20 years, else the >= 21 years value
SPECIES_PARAMETERS = ("wood_density", "bef_le20", "bef_ge21", "root_shoot_ratio", "carbon_fraction")
# IPCC 2006 Vol. 4 Table 4.5: BCEF by growing stock (m3/ha) <=20, 21-40, 41-100, 100-200, >200,
# for species with no wood density and BEF of their own (広葉樹, その他針葉樹): increment (BCEF_I,
# the gain-loss method) and stock (BCEF_S, the stock-difference method)
GROWING_STOCK_CLASSES = ("le20", "21_40", "41_100", "101_200", "gt200")
GROWING_STOCK_BOUNDS = np.array([20.0, 40.0, 100.0, 200.0])
BCEF_INCREMENT, BCEF_STOCK = "bcefi", "bcefs"


@dataclass(frozen=True)
class SpeciesConstants:
    """k [t CO2/m3] per (species, age group), folded once from the species table."""

    species: pd.Index
    k_tco2_per_m3: FloatArray  # shape (species, 2): [:, 0] <= 20 years, [:, 1] >= 21 years
    ids: pd.Index  # joined factor ids, same layout flattened
    unverified: npt.NDArray[np.bool_]
    missing: dict[str, list[str]] = field(default_factory=dict)  # incomplete species -> params

    @classmethod
    def from_factors(cls, factors: FactorLibrary) -> SpeciesConstants:
        """Folded once per species table (`FactorTable.derived`), not per FY and project."""
        return factors["forest_species"].derived(cls.__name__, cls._folded)

    @classmethod
    def _folded(cls, table: FactorTable) -> SpeciesConstants:
        rows = table.rows
        wide = rows.pivot(index="species", columns="parameter", values="canonical")
        wide = wide.reindex(columns=list(SPECIES_PARAMETERS))
        gaps = wide.isna()
        missing = {
            str(s): [p for p in SPECIES_PARAMETERS if gaps.loc[s, p]]
            for s in wide.index
            if gaps.loc[s].any()
        }
        wide = wide.dropna()  # an incomplete species computes nothing; `missing` says why
        ids = rows.pivot(index="species", columns="parameter", values="factor_id").loc[wide.index]
        weak = (
            rows.assign(u=rows["confidence"] == "unverified")
            .pivot(index="species", columns="parameter", values="u")
            .loc[wide.index]
        )
        common = wide["wood_density"] * (1 + wide["root_shoot_ratio"]) * wide["carbon_fraction"]
        carbon = np.stack([common * wide["bef_le20"], common * wide["bef_ge21"]], axis=1)
        to_co2 = units.scale("t C/m**3", "t CO2/m**3")  # 44/12, the registry's (units.KNOWN)
        shared = ["wood_density", "root_shoot_ratio", "carbon_fraction"]
        joined = [
            "|".join(ids.loc[s, [*shared, bef]])
            for s in wide.index
            for bef in ("bef_le20", "bef_ge21")
        ]
        flags = [
            bool(weak.loc[s, [*shared, bef]].any())
            for s in wide.index
            for bef in ("bef_le20", "bef_ge21")
        ]
        return cls(
            pd.Index(wide.index), carbon * to_co2, pd.Index(joined), np.array(flags), missing
        )

    def gather(
        self, species: pd.Series, age: npt.NDArray[np.int64]
    ) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
        """k, factor ids and the unverified flag per row; NaN for unknown species."""
        code = category_codes(species, self.species)  # unknown species: len(self.species)
        known = code < len(self.species)
        flat = np.where(known, code * 2 + (age > YOUNG_MAX_AGE), -1)
        k = np.append(self.k_tco2_per_m3.ravel(), np.nan)[flat]
        ids = pd.Categorical.from_codes(flat, categories=self.ids)
        return k, ids, np.append(self.unverified, False)[flat]


@dataclass(frozen=True)
class BcefConstants:
    """k [t CO2/m3] per (species, growing-stock class) = BCEF x (1 + R) x CF x 44/12, for the
    species that have the IPCC 2006 Table 4.5 factors (`prefix`: bcefi or bcefs) instead of a
    wood density and BEF; folded once from the species table."""

    species: pd.Index
    k_tco2_per_m3: FloatArray  # shape (species, len(GROWING_STOCK_CLASSES))
    ids: pd.Index
    unverified: npt.NDArray[np.bool_]

    @classmethod
    def from_factors(cls, factors: FactorLibrary, prefix: str) -> BcefConstants:
        """Folded once per species table and prefix (`FactorTable.derived`)."""
        return factors["forest_species"].derived(
            (cls.__name__, prefix), functools.partial(cls._folded, prefix=prefix)
        )

    @classmethod
    def _folded(cls, table: FactorTable, prefix: str) -> BcefConstants:
        rows = table.rows
        needed = [f"{prefix}_{c}" for c in GROWING_STOCK_CLASSES]
        shared = ["root_shoot_ratio", "carbon_fraction"]
        wide = rows.pivot(index="species", columns="parameter", values="canonical")
        wide = wide.reindex(columns=[*needed, *shared]).dropna()
        ids = rows.pivot(index="species", columns="parameter", values="factor_id").loc[wide.index]
        weak = (
            rows.assign(u=rows["confidence"] == "unverified")
            .pivot(index="species", columns="parameter", values="u")
            .loc[wide.index]
        )
        to_co2 = units.scale("t C/m**3", "t CO2/m**3")
        common = ((1 + wide["root_shoot_ratio"]) * wide["carbon_fraction"]).to_numpy() * to_co2
        k = wide[needed].to_numpy(dtype=np.float64) * common[:, None]
        joined = ["|".join(ids.loc[s, [*shared, p]]) for s in wide.index for p in needed]
        flags = [bool(weak.loc[s, [*shared, p]].any()) for s in wide.index for p in needed]
        return cls(pd.Index(wide.index), k, pd.Index(joined), np.array(flags, dtype=bool))

    def covers(self, species: pd.Series) -> npt.NDArray[np.bool_]:
        return category_codes(species, self.species) < len(self.species)

    def gather(
        self, species: pd.Series, stock_m3_per_ha: FloatArray
    ) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
        """k, factor ids and the unverified flag per row; NaN where the species has no BCEF
        or the stock is unknown."""
        code = category_codes(species, self.species)
        known = (code < len(self.species)) & ~np.isnan(stock_m3_per_ha)
        stock = np.where(known, stock_m3_per_ha, 0.0)
        klass = np.searchsorted(GROWING_STOCK_BOUNDS, stock, side="left")  # 20 -> <=20
        flat = np.where(known, code * len(GROWING_STOCK_CLASSES) + klass, -1)
        k = np.append(self.k_tco2_per_m3.ravel(), np.nan)[flat]
        ids = pd.Categorical.from_codes(flat, categories=self.ids)
        return k, ids, np.append(self.unverified, False)[flat]


def either(
    first: tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]],
    second: tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]],
) -> tuple[FloatArray, pd.Categorical, npt.NDArray[np.bool_]]:
    """Per row, the first k where it is known, else the second (ids and flags alike)."""
    (k1, ids1, weak1), (k2, ids2, weak2) = first, second
    use = np.isnan(k1)
    offset = len(ids1.categories)
    codes = np.where(use, np.where(ids2.codes >= 0, ids2.codes + offset, -1), ids1.codes)
    categories = ids1.categories.append(ids2.categories)
    ids = pd.Categorical.from_codes(codes, categories=categories)
    return np.where(use, k2, k1), ids, np.where(use, weak2, weak1)


def carbon_stock_tco2_per_ha(volume_m3_per_ha: FloatArray, k_tco2_per_m3: FloatArray) -> FloatArray:
    """Biomass carbon stock [t CO2/ha] of a stand with this stem volume."""
    return volume_m3_per_ha * k_tco2_per_m3
