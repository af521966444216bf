"""`offset factors import-grid` (issue 34) on a list built in the published layout from the
FY2024 rows offset ships (tests/grid_lists.py): both forms give back exactly those rows; a line
it cannot read is named with its number and nothing is written; the FY comes from the title."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from offset.cli.app import app
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.factors.grid_import import import_grid
from offset.factors.grid_list import read_text, results_year
from tests.conftest import Calc
from tests.grid_lists import Published, pdf_text, row_line, shipped_fy2024, workbook

runner = CliRunner()
KEYS = ["fy", "entity", "menu", "kind"]
COMPARED = [*KEYS, "value", "registration", "supplier_name", "menu_name"]


@pytest.fixture(scope="module")
def published() -> Published:
    return shipped_fy2024(FactorLibrary())


def _form(published: Published, tmp_path: Path, form: str) -> Path:
    if form == "text":
        path = tmp_path / "r08_denki_coefficient.txt"
        path.write_text(pdf_text(published), encoding="utf-8")
        return path
    return workbook(published, tmp_path / "r08_denki_coefficient.xlsx")


def _imported(directory: Path) -> pd.DataFrame:
    return FactorLibrary(overlay=directory)["grid_electricity"].rows


@pytest.mark.parametrize("form", ["text", "xlsx"])
def test_the_published_layout_gives_back_the_shipped_rows(
    published: Published, tmp_path: Path, form: str
) -> None:
    source = _form(published, tmp_path, form)
    into = tmp_path / "my_factors"
    done = runner.invoke(app, ["factors", "import-grid", str(source), "--into", str(into)])
    assert done.exit_code == 0, done.output
    # 12 retail suppliers (76 menu rows) and 10 T&D companies, 2 kinds each, and the list-wide two
    flat = " ".join(done.output.split())
    assert "FY2024 results list (published 2026-01-09): 22 suppliers, 174 rows" in flat
    assert "national average 0.000423, 代替値 0.000416" in flat
    written = pd.read_csv(into / "grid_electricity.csv", dtype=str, keep_default_na=False)
    assert len(written) == 174
    assert set(written["confidence"]) == {"confirmed"}  # the default: the ministries' own file
    rows = _imported(into)
    mine = rows[rows["origin"] != "shipped"].sort_values(KEYS).reset_index(drop=True)
    shipped = published.rows.sort_values(KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        mine[COMPARED], shipped[COMPARED], check_dtype=False, check_categorical=False
    )
    tepco = mine[(mine["entity"] == "tepco") & (mine["menu"] == "residual")].iloc[0]
    assert tepco["source"].endswith(
        f"({source.name}): A0269 東京電力エナジーパートナー(株) メニューM(残差)"
    )


def test_the_imported_directory_is_what_a_calculation_reads(
    published: Published, tmp_path: Path, calc: Calc
) -> None:
    into = tmp_path / "my_factors"
    import_grid(
        _form(published, tmp_path, "text"),
        into,
        FactorLibrary().specs["grid_electricity"],
        FactorLibrary()["grid_electricity"].rows,
    )
    row = {
        "system_id": "a", "municipality": "x", "prefecture": "tokyo", "capacity_kw": 4.0,
        "commissioned": "2015-04-01", "generation_kwh": 1000, "grid_entity": "東京電力",
    }  # fmt: skip
    result = calc("solar", [row], fy=2025, library=FactorLibrary(overlay=into)).results.iloc[0]
    assert result["grid_factor_t_co2_per_kwh"] == 0.000452  # A0269 メニューM(残差)
    assert result["grid_factor_id"] == "grid_electricity:tepco/residual/basic@2024[reporting]"


def test_a_second_import_of_the_fy_replaces_its_rows(published: Published, tmp_path: Path) -> None:
    source = _form(published, tmp_path, "text")
    into = tmp_path / "my_factors"
    spec, known = (
        FactorLibrary().specs["grid_electricity"],
        FactorLibrary()["grid_electricity"].rows,
    )
    first = import_grid(source, into, spec, known)
    again = import_grid(source, into, spec, known)
    assert (first.replaced, again.replaced) == (0, 174)
    assert len(pd.read_csv(into / "grid_electricity.csv")) == 174


def test_a_line_not_read_is_named_and_nothing_is_written(
    published: Published, tmp_path: Path
) -> None:
    text = pdf_text(published)
    damaged = text.replace("0.000452      0.000452", "0.00045       0.000452", 1)
    lines = damaged.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "0.00045 " in line)
    source = tmp_path / "list.txt"
    source.write_text(damaged, encoding="utf-8")
    into = tmp_path / "my_factors"
    done = runner.invoke(app, ["factors", "import-grid", str(source), "--into", str(into)])
    assert done.exit_code == 2
    flat = " ".join(done.output.split())
    assert f"{source}, row {number}: not understood as a row of the list" in flat
    assert "nothing was written" in flat
    assert not into.exists()


def test_a_workbook_row_not_read_is_named_with_its_row(
    published: Published, tmp_path: Path
) -> None:
    import openpyxl

    path = workbook(published, tmp_path / "list.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    at = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "メニューM(残差)")
    sheet.cell(at, 4).value = "0,000452"  # a comma for the point: not a factor
    book.save(path)
    with pytest.raises(InputError) as e:
        import_grid(
            path,
            tmp_path / "out",
            FactorLibrary().specs["grid_electricity"],
            FactorLibrary()["grid_electricity"].rows,
        )
    assert [p.row for p in e.value.problems] == [at]


def test_a_damaged_workbook_list_is_refused_naming_its_cell(
    published: Published, tmp_path: Path
) -> None:
    """The list's workbook is read as every office workbook is: a cell naming shared string
    -1 read the table's last string (openpyxl indexes a list), and a workbook that is no zip
    ended in a traceback."""
    import re

    from tests.attacks.office import SHEET, part, rewrite

    good = workbook(published, tmp_path / "list.xlsx")
    first = re.compile(
        rb'<c r="([A-Z]+)([0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t>[^<]*</t></is>'
    )

    def spoil(data: bytes) -> bytes:
        return first.sub(rb'<c r="\1\2"\3 t="s"><v>-1</v>', data, count=1)

    spoilt = rewrite(good, tmp_path / "spoilt.xlsx", part(SHEET, spoil))
    found = first.search(zip_part(good, SHEET))
    assert found is not None
    cell = (found.group(1) + found.group(2)).decode()
    library = FactorLibrary()
    with pytest.raises(InputError) as e:
        import_grid(spoilt, tmp_path / "out", library.specs["grid_electricity"],
                    library["grid_electricity"].rows)  # fmt: skip
    (problem,) = e.value.problems
    assert (problem.row, problem.column) == (int(found.group(2)), found.group(1).decode())
    assert f"cell {cell} names shared string -1" in problem.message
    not_zip = tmp_path / "not-a-zip.xlsx"
    not_zip.write_bytes(b"PK\x03\x04" + b"\xff" * 100)
    with pytest.raises(InputError):
        import_grid(not_zip, tmp_path / "out", library.specs["grid_electricity"],
                    library["grid_electricity"].rows)  # fmt: skip
    assert not (tmp_path / "out").exists()


def zip_part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_the_results_year_comes_from_the_title() -> None:
    assert results_year("－R6年度実績－ R８.１.９ 環境省・経済産業省公表") == 2024
    assert results_year("電気事業者別排出係数 -令和元年度実績-") == 2019
    assert results_year("－H30年度実績－") == 2018
    assert results_year("令和7年度の温室効果ガス排出量を算定する際に用いる係数です") is None
    grid, problems = read_text(
        "電気事業者別排出係数\n【小売電気事業者】\nA0001  x(株)  0.000400  0.000400\n", "t.txt"
    )
    assert grid is None
    assert "the title does not give the results year" in problems[0].message


def test_a_flagged_row_keeps_its_mark(tmp_path: Path) -> None:
    # rows as the FY2024 list prints them (A0002, A0043): ※ marks a factor the 代替値 replaced
    text = (
        "電気事業者別排出係数(特定排出者の温室効果ガス排出量算定用)\n"
        "－R6年度実績－ R８.１.９ 環境省・経済産業省公表\n"
        "【小売電気事業者】\n"
        + row_line("A0002", "イーレックス(株)", "", "0.000422※", "0.000422※", "-")
        + "\n"
        + row_line("", "", "メニューA", "0.000000", "0.000000", "")
        + "\n"
        + row_line(
            "A0043", "伊藤忠エネクス(株)", "メニューB(残差)", "0.000422※", "0.000422※", "100"
        )
        + "\n"
        + row_line("", "", "(参考値)事業者全体", "0.000422※", "0.000422※", "")
        + "\n"
    )
    grid, problems = read_text(text, "list.txt")
    assert problems == []
    assert grid is not None
    assert [(r.registration, r.menu, r.basic, r.flagged) for r in grid.rows] == [
        ("A0002", "", 0.000422, True),
        ("A0043", "メニューA", 0.0, False),
        ("A0043", "メニューB(残差)", 0.000422, True),
        ("A0043", "(参考値)事業者全体", 0.000422, True),
    ]


def test_a_block_without_a_company_wide_row_ends_where_the_letters_start_again() -> None:
    text = (
        "電気事業者別排出係数(特定排出者の温室効果ガス排出量算定用)\n"
        "－R6年度実績－ R８.１.９ 環境省・経済産業省公表\n"
        "【小売電気事業者】\n"
        + "\n".join(
            row_line(*cells)
            for cells in (
                ("", "", "メニューA", "0.000000", "0.000000", ""),
                ("A0100", "甲電力(株)", "メニューB(残差)", "0.000400", "0.000400", "100.00"),
                ("", "", "メニューA", "0.000000", "0.000000", ""),
                ("A0101", "乙電力(株)", "メニューB", "0.000300", "0.000300", "100.00"),
                ("", "", "(参考値)事業者全体", "0.000200", "0.000200", ""),
            )
        )
        + "\n"
    )
    grid, problems = read_text(text, "list.txt")
    assert problems == []
    assert grid is not None
    assert [(r.registration, r.menu) for r in grid.rows] == [
        ("A0100", "メニューA"),
        ("A0100", "メニューB(残差)"),
        ("A0101", "メニューA"),
        ("A0101", "メニューB"),
        ("A0101", "(参考値)事業者全体"),
    ]


def test_the_example_list_is_what_the_builder_writes(published: Published) -> None:
    from tests.conftest import EXAMPLES

    example = EXAMPLES / "grid_list" / "fy2024_list_layout.txt"
    assert example.read_text(encoding="utf-8") == pdf_text(published), (
        "rebuild: tests.grid_lists.pdf_text(shipped_fy2024(FactorLibrary()))"
    )


def test_a_hidden_row_of_the_list_is_read_and_named(published: Published, tmp_path: Path) -> None:
    import openpyxl

    from offset.common.messages import Msg

    path = workbook(published, tmp_path / "list.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    at = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "メニューM(残差)")
    sheet.row_dimensions[at].hidden = True
    book.save(path)
    library = FactorLibrary()
    done = import_grid(path, tmp_path / "out", library.specs["grid_electricity"],
                       library["grid_electricity"].rows)  # fmt: skip
    assert done.notices == (Msg("notice.hidden_rows", sheet=sheet.title, rows=str(at)),)
    shipped = _imported(tmp_path / "out")
    assert (shipped["menu_name"] == "メニューM(残差)").any()  # read, not dropped
