"""Years in a download read as years: a company's retirements CSV printed the FY a retirement
is claimed for as `2024.0` (a column with an empty cell became floats), and its workbook
showed the FY of the date as `2,026` (formatted as a quantity of credits). Both in every
table the dashboard downloads; CSV and Excel, both languages' headers read back to keys."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.api.conftest import World, retired_by_api
from tests.api.test_dashboard import signed_in
from tests.reports import column_keys

BODY = {"from": "acme-kk/holding", "project": "east-pv", "vintage": 2022, "quantity": 1}
BODY |= {"reason": "本社の電力", "purpose": "carbon_offset", "claim_fy": 2022}


def test_a_retirements_years_are_whole_numbers_without_separators(world: World) -> None:
    retired_by_api(world, "acme-kk", BODY, "download-years")
    acme = signed_in(world, "acme-kk")
    keys = column_keys()
    for lang in ("en", "ja"):
        text = acme.get(f"/dashboard/retirements?format=csv&lang={lang}").content.decode(
            "utf-8-sig"
        )
        rows = [
            {keys.get(k, k): v for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))
        ]
        # one claimed for FY2022, the world's first retirement for none: an empty cell
        assert sorted(r["claim_fy"] for r in rows) == ["", "2022"], rows
        assert all("." not in r["fiscal_year"] and "," not in r["fiscal_year"] for r in rows)
    book = openpyxl.load_workbook(
        io.BytesIO(acme.get("/dashboard/retirements?format=xlsx").content)
    )
    sheet = book.active
    header = [keys.get(str(c.value), str(c.value)) for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for key in ("fiscal_year", "vintage", "claim_fy"):
            cell = row[header.index(key)]
            assert cell.value is None or isinstance(cell.value, int), (key, cell.value)
            assert "," not in cell.number_format, (key, cell.number_format)
