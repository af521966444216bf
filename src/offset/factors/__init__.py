"""Factor tables: sourced, versioned, validated at load, selected per row by a vectorised join.

May import: `offset.common`, `offset.units`.
"""

from offset.common.shipped import shipped_directory
from offset.factors.catalog import CONFIDENCE_LEVELS, Fallback, TableSpec
from offset.factors.library import FactorLibrary
from offset.factors.select import Selection, select
from offset.factors.table import FactorTable

__all__ = [
    "CONFIDENCE_LEVELS",
    "FactorLibrary",
    "FactorTable",
    "Fallback",
    "Selection",
    "TableSpec",
    "select",
    "shipped_directory",
]
