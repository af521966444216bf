"""Writing a results workbook with and without its formats, side by side in one process.

`formatted`: `write_frame(..., .xlsx)` as offset writes it (number formats per kind of figure,
frozen header, filter, widths). `plain`: the same write with `format_sheet` switched off (the
workbook before the formats). The ratio is what a workbook that opens right costs.
"""

from __future__ import annotations

import argparse
import tempfile
import timeit
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

from offset.documents import output, workbook


def frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "system_id": [f"pv-{i}" for i in range(rows)],
            "municipality": rng.choice(["伊那市", "松本市", "長野市"], rows),
            "fy": 2024,
            "generation_kwh": rng.uniform(1000, 9000, rows),
            "reduction_tco2e": rng.uniform(0, 4, rows),
            "creditable_tco2e": rng.uniform(0, 2, rows),
            "issued": rng.integers(0, 5, rows),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "results.xlsx"
        formatted, plain = [], []
        for _ in range(args.repeat):  # interleaved: the machine's noise hits both alike
            formatted.append(timeit.timeit(lambda: output.write_frame(data, target), number=1))
            # write_sheets imports format_sheet from its module when it writes (openpyxl lazily)
            with mock.patch.object(workbook, "format_sheet", return_value=None):
                plain.append(timeit.timeit(lambda: output.write_frame(data, target), number=1))
    print(f"rows {args.rows}")
    print(f"formatted_s {min(formatted):.3f}")
    print(f"plain_s {min(plain):.3f}")
    print(f"formatted_over_plain {min(formatted) / min(plain):.2f}")


if __name__ == "__main__":
    main()
