"""Hostile office files, built from a good one: a workbook of the canonical PV list whose
strings are shared (as Excel writes them), with one part changed to what an attacker sends."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
CANONICAL_PV = ROOT / "examples" / "office" / "canonical" / "pv.csv"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
# A DTD whose innermost entity expands to 10^9 "lol"s: the "billion laughs".
_LAUGHS = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
BILLION_LAUGHS = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{_LAUGHS}]>'.encode()

Change = Callable[[str, bytes], bytes | None]  # (part name, bytes) -> new bytes, None: dropped


def pv_workbook(path: Path) -> Path:
    """The canonical PV list as a workbook with shared strings, as Excel saves one."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "pv"
    with CANONICAL_PV.open(encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append([_number(cell) for cell in row])
    plain = path.with_suffix(".inline.xlsx")
    book.save(plain)
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match.group(2))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), len(strings) - 1)

    def change(name: str, data: bytes) -> bytes:
        if name == SHEET:
            return _INLINE.sub(shared, data)
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdS"/>'
                b"</Relationships>",
            )
        return data

    rewrite(plain, path, change)
    table = b"".join(b"<si><t>%s</t></si>" % s for s in strings)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            STRINGS,
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org'
            b'/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
            % (len(strings), len(strings), table),
        )
    plain.unlink()
    return path


def _number(cell: str) -> object:
    return float(cell) if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell) else cell


def rewrite(source: Path, out: Path, change: Change) -> Path:
    """`source` with each part passed through `change` (compressed as Excel does)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return out


def part(name: str, make: Callable[[bytes], bytes | None]) -> Change:
    """A change of one part only."""
    return lambda at, data: make(data) if at == name else data


def body(data: bytes) -> bytes:
    """An XML part without its declaration."""
    return data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
