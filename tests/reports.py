"""Reading a run's tables back as a script would: CSV headers in either language, mapped back to
offset's column keys through the catalogue (`offset.documents.terms`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from offset.documents.terms import all_terms


def column_keys() -> dict[str, str]:
    """Every column label, in both languages, -> its key (labels are unique: a test says so)."""
    return {
        label: key.removeprefix("column.")
        for key, labels in all_terms().items()
        if key.startswith("column.")
        for label in labels
    }


def read_table(out: Path, name: str) -> pd.DataFrame:
    """tables/NAME.csv of a report under `out`, with offset's column keys as headers."""
    frame = pd.read_csv(out / "tables" / f"{name}.csv", encoding="utf-8-sig")
    return frame.rename(columns=column_keys())
