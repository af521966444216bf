"""Office files that cannot crash the reader (issue 32): every hostile or malformed workbook or
CSV is an answer, exit 2 with the file named, in Japanese, nothing written, never a traceback.

Before: an .xlsx with a "billion laughs" entity bomb, a sheet cut short, a cell reference past
the last column or a workbook with no sheet ended in a traceback (exit 1); a crafted shared
string or a DTD was read without a word; a CSV with a 1,000,000-column header ran past 240 s at
6.3 GB; extra fields in a CSV row were accepted silently; a hidden first sheet was read without
saying it was hidden; `offset calc --out x.json` or `--out DIR` ended in a traceback.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from offset.cli.app import app
from offset.common import sheets
from offset.common.messages import CATALOGUE, Msg
from offset.common.problems import InputError
from tests.attacks.office import (
    BILLION_LAUGHS,
    CANONICAL_PV,
    SHEET,
    STRINGS,
    Change,
    body,
    part,
    pv_workbook,
    rewrite,
)

NOTHING_WRITTEN = "何も書き込んでいません"


def calc(path: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        app, ["calc", "solar", str(path), "--fy", "2024", "--lang", "ja", *extra]
    )


def refused(result: Result, path: Path, *words: str) -> None:
    """Exit 2, the file named, nothing written, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert path.name in result.output
    assert NOTHING_WRITTEN in result.output
    for word in words:
        assert word in result.output, (word, result.output)


def _index(value: bytes) -> Change:
    """The first shared-string cell pointing at `value` instead of its string."""
    return part(SHEET, lambda d: re.sub(rb'(t="s"><v>)[0-9]+(</v>)', rb"\g<1>" + value + rb"\2",
                                        d, count=1))  # fmt: skip


ENTITY = b'<!DOCTYPE x [<!ENTITY a "municipality">]>'
ATTACKS: dict[str, Change] = {
    "billion laughs in the shared strings": part(
        STRINGS, lambda d: BILLION_LAUGHS + body(d).replace(b"<t>", b"<t>&l9;", 1)
    ),
    "billion laughs in a sheet": part(
        SHEET, lambda d: BILLION_LAUGHS + body(d).replace(b"<v>", b"<v>&l9;", 1)
    ),
    # past the head the reader scans for a DTD: defusedxml refuses the entity itself
    "an entity after a long comment": part(
        STRINGS,
        lambda d: (
            b'<?xml version="1.0"?><!--'
            + b"x" * 100_000
            + b"-->"
            + ENTITY
            + body(d).replace(b"<t>municipality</t>", b"<t>&a;</t>")
        ),
    ),
    "an external entity": part(
        STRINGS,
        lambda d: (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>'
            + body(d).replace(b"<t>", b"<t>&a;", 1)
        ),
    ),
    "a shared string index past the table": _index(b"99999"),
    "a shared string index that is no number": _index(b"abc"),
    # a Python list takes -1 as its last item: openpyxl read the table's last string
    "a shared string index of -1": _index(b"-1"),
    "a shared string index of -2": _index(b"-2"),
    "shared strings that are not XML": part(STRINGS, lambda d: b"\x00\xff not xml"),
    "a shared string cut short": part(STRINGS, lambda d: d[: len(d) // 2]),
    "a cell reference past the last column": part(
        SHEET, lambda d: d.replace(b'r="A2"', b'r="ZZZZZZZ2"', 1)
    ),
    "a cell past Excel's last column, XFD": part(
        SHEET,
        lambda d: re.sub(
            rb'(<row r="2".*?)</row>', rb'\1<c r="ZZZ2"><v>1</v></c></row>', d, count=1
        ),
    ),
    "a sheet cut short": part(SHEET, lambda d: d[: len(d) // 2]),
    "a sheet part missing": part(SHEET, lambda d: None),
    "a workbook part that is not XML": part("xl/workbook.xml", lambda d: b"<workbook"),
    "a workbook without sheets": part(
        "xl/workbook.xml", lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d)
    ),
    "styles that are not XML": part("xl/styles.xml", lambda d: b"<styleSheet><oops"),
    "content types that are not XML": part("[Content_Types].xml", lambda d: b"<Types"),
    "relationships that are not XML": part("xl/_rels/workbook.xml.rels", lambda d: b"<R"),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pv_workbook(tmp_path_factory.mktemp("office") / "pv.xlsx")


def test_the_good_workbook_is_read(good: Path, tmp_path: Path) -> None:
    """The base of every attack, with shared strings as Excel writes them, computes."""
    result = calc(good, "--out", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_hostile_workbook_is_refused_with_its_name(
    good: Path, tmp_path: Path, attack: str
) -> None:
    spoilt = rewrite(good, tmp_path / "攻撃.xlsx", ATTACKS[attack])
    out = tmp_path / "out.csv"
    refused(calc(spoilt, "--out", str(out)), spoilt)
    assert not out.exists()


IMPORTS = {
    "import-grid": [],
    "import-yield": ["--region", "r", "--species", "sugi", "--source", "s", "--publisher", "p",
                     "--published", "2026"],
}  # fmt: skip


@pytest.mark.parametrize("command", list(IMPORTS))
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_factor_imports_refuse_a_hostile_workbook_too(
    good: Path, tmp_path: Path, attack: str, command: str
) -> None:
    """import-grid read a list's workbook through openpyxl directly and import-yield through
    pandas.read_excel: neither had the zip, DTD or shared-string checks office files get."""
    spoilt = rewrite(good, tmp_path / "攻撃.xlsx", ATTACKS[attack])
    into = tmp_path / "mine"
    result = CliRunner().invoke(
        app, ["factors", command, str(spoilt), "--into", str(into), *IMPORTS[command]]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert spoilt.name in result.output
    assert not into.exists()


@pytest.mark.parametrize("index", [b"-1", b"99999"])
def test_a_shared_string_outside_the_table_is_refused_naming_its_cell(
    good: Path, tmp_path: Path, index: bytes
) -> None:
    """Before, -1 read the table's last string as the cell's value without a word."""
    spoilt = rewrite(good, tmp_path / "index.xlsx", _index(index))
    first = re.search(rb'<c r="([A-Z]+)([0-9]+)" t="s">', zip_part(good, SHEET))
    assert first is not None
    column, row = first.group(1).decode(), first.group(2).decode()
    with pytest.raises(InputError) as caught:
        sheets.read_sheets(spoilt, ["pv"])
    (problem,) = caught.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        str(spoilt), "pv", int(row), column)  # fmt: skip
    count = zip_part(good, STRINGS).count(b"<si>")
    assert problem.message == CATALOGUE["file.shared_string"][0].format(
        cell=f"{column}{row}", index=int(index), count=count
    )
    refused(calc(spoilt), spoilt, f"セル {column}{row}", f"{int(index)}番", f"{count}個")


def zip_part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_rows_of_different_widths_make_one_frame_without_a_warning(tmp_path: Path) -> None:
    """A row is as wide as its last cell: pandas 3.1 warns on a frame of rows of mismatched
    lengths (Pandas4Warning) and pandas 4 refuses one; the rows are padded first."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "pv"
    sheet["A1"], sheet["B1"], sheet["C1"] = "a", "b", "c"
    sheet["A2"] = 1
    sheet["B4"] = "x"  # row 3 left out of the XML altogether
    path = tmp_path / "ragged.xlsx"
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (grid,) = sheets.read_sheets(path, ["pv"])
    assert grid.cells.shape == (4, 3)
    assert grid.cells.iloc[:, 0].tolist()[:2] == ["a", 1]
    assert grid.cells.iloc[1:3, 1:].isna().all().all()
    assert grid.cells.iloc[3].tolist()[1] == "x"


def test_hidden_rows_are_read_and_named(tmp_path: Path) -> None:
    """A row hidden in Excel was read without a word: it is read (a hidden row is still the
    office's data), and the notice names the sheet and the rows, in Japanese."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "太陽光"
    for line in CANONICAL_PV.read_text(encoding="utf-8").splitlines():
        sheet.append([float(c) if re.fullmatch(r"-?[0-9.]+", c) else c for c in line.split(",")])
    for row in (3, 4, 7):
        sheet.row_dimensions[row].hidden = True
    sheet.row_dimensions[12].hidden = True  # past the list: hides nothing, so not named
    path = tmp_path / "hidden-rows.xlsx"
    book.save(path)
    (grid,) = sheets.read_sheets(path, ["太陽光"])
    assert grid.notices == (Msg("notice.hidden_rows", sheet="太陽光", rows="3-4, 7"),)
    lines = len(CANONICAL_PV.read_text(encoding="utf-8").splitlines())
    assert len(grid.cells) == lines + 1
    assert grid.cells.iloc[lines].isna().all()
    out = tmp_path / "out.csv"
    result = calc(path, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "シート「太陽光」の非表示の行3-4, 7も読みました" in result.output
    plain = tmp_path / "plain.xlsx"
    for row in (3, 4, 7):
        sheet.row_dimensions[row].hidden = False
    book.save(plain)
    again = calc(plain, "--out", str(tmp_path / "plain.csv"))
    assert again.exit_code == 0
    assert "非表示の行" not in again.output
    assert out.read_bytes() == (tmp_path / "plain.csv").read_bytes()  # the same rows computed


def test_hidden_columns_are_read_and_named(tmp_path: Path) -> None:
    """A column hidden in Excel (a helper column, a superseded one) was read as data without a
    word: it is read, and the notice names the sheet and the columns that hold a value."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "pv"
    for line in CANONICAL_PV.read_text(encoding="utf-8").splitlines():
        sheet.append([float(c) if re.fullmatch(r"-?[0-9.]+", c) else c for c in line.split(",")])
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions["H"].hidden = True  # past the list: hides nothing, so not named
    path = tmp_path / "hidden-columns.xlsx"
    book.save(path)
    (grid,) = sheets.read_sheets(path, ["pv"])
    assert grid.notices == (Msg("notice.hidden_columns", sheet="pv", columns="C"),)
    result = calc(path, "--out", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert "シート「pv」の非表示の列 C も読みました" in result.output


@pytest.mark.parametrize("claimed", [b"A1:A1", b"A1:XFD1048576"])
def test_cells_are_read_as_they_are_not_as_the_dimension_says(
    good: Path, tmp_path: Path, claimed: bytes
) -> None:
    """Read-only openpyxl trusts a sheet's <dimension>: understated, it dropped every cell past
    it without a word; overstated, it padded every row to it."""
    lying = rewrite(good, tmp_path / "lying.xlsx", part(SHEET, lambda d: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="' + claimed + b'"', d)))  # fmt: skip
    (grid,) = sheets.read_sheets(lying, ["pv"])
    (truth,) = sheets.read_sheets(good, ["pv"])
    assert grid.cells.shape == truth.cells.shape == (11, 6)


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl.xml.functions

    assert openpyxl.DEFUSEDXML
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


def test_the_entity_bomb_is_named_as_one(good: Path, tmp_path: Path) -> None:
    spoilt = rewrite(good, tmp_path / "bomb.xlsx", ATTACKS["billion laughs in a sheet"])
    refused(calc(spoilt), spoilt, "DTD", "xl/worksheets/sheet1.xml")
    hidden = rewrite(good, tmp_path / "late.xlsx", ATTACKS["an entity after a long comment"])
    refused(calc(hidden), hidden, CATALOGUE["file.xml_entities"][1].split("。")[0])


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part of 64 MiB of zeros compresses to 64 KiB; with the limit lowered to 1 MiB it
    stands for a bomb of any size, refused from the zip directory alone."""
    bomb = rewrite(good, tmp_path / "bomb.xlsx", lambda name, data: data)
    import zipfile

    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", b"\0" * (64 << 20))
    assert bomb.stat().st_size < 1 << 20
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 1 << 20)
    refused(calc(bomb), bomb, "展開")
    monkeypatch.setattr(sheets, "MAX_ZIP_PARTS", 5)
    refused(calc(good), good, "部品")
    not_zip = tmp_path / "not-a-zip.xlsx"
    not_zip.write_bytes(b"PK\x03\x04" + b"\xff" * 100)
    refused(calc(not_zip), not_zip)


def test_a_header_wider_than_excels_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """The attack ran with 1,000,000 columns (past 240 s, 6.3 GB); 200,000 shows the rule."""
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(200_000)) + "\n1\n", encoding="utf-8")
    refused(calc(wide), wide, "200,000", f"{sheets.MAX_COLUMNS:,}")


def test_a_csv_row_with_extra_fields_is_a_problem_of_that_row(tmp_path: Path) -> None:
    lines = CANONICAL_PV.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + ",extra"  # row 4: a comma left unquoted, say
    lines[5] = lines[5] + ",,more,"  # 9 fields, the last empty: 8 up to its last value
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = len(lines[0].split(","))
    result = calc(path)
    refused(result, path, "4行目", "6行目", f"項目が{header + 1}個", f"項目が{header + 2}個")


def test_a_hidden_sheet_is_named_and_left_out_unless_asked_for(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    secret = book.active
    assert secret is not None
    secret.title = "secret"
    secret.append(["what", "nobody", "sees"])
    secret.sheet_state = "hidden"
    visible = book.create_sheet("pv")
    for line in CANONICAL_PV.read_text(encoding="utf-8").splitlines():
        visible.append([float(c) if re.fullmatch(r"-?[0-9.]+", c) else c for c in line.split(",")])
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    result = calc(path, "--out", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert "非表示のシート secret" in result.output
    asked = calc(path, "--sheet", "secret", "--out", str(tmp_path / "secret.csv"))
    assert asked.exit_code == 2  # read as asked: it is no PV list
    assert "シート「secret」" in asked.output
    # openpyxl will not save a workbook without a visible sheet; Excel's XML says it
    every = rewrite(path, tmp_path / "every.xlsx", part("xl/workbook.xml", lambda d: d.replace(
        b'state="visible"', b'state="hidden"')))  # fmt: skip
    refused(calc(every), every, "すべてのシートが非表示です")


@pytest.mark.parametrize("name", ["x.json", "x", "DIR"])
def test_an_out_path_no_writer_takes_is_a_clear_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "DIR").mkdir()
    target = tmp_path / name
    result = calc(CANONICAL_PV, "--out", str(target))
    refused(result, target, "--out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR"]
    assert list((tmp_path / "DIR").iterdir()) == []
