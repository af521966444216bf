"""Reading a file's cells as they are, within documented limits, before any header is known.

CSV is decoded as UTF-8 (with or without BOM) or CP932 (Shift_JIS as Windows and Excel write
it), strictly: anything else is refused with the encodings tried, never guessed. Excel cells keep
their types (a date cell arrives as a datetime, a number as a number) through openpyxl's
streaming reader, which reads the values Excel cached for formula cells and never evaluates one.

Limits (each refused with a clear error, before the work they would cost):
- any file: at most ``MAX_FILE_BYTES``;
- .csv: at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` fields a row (Excel's own 16,384: a
  wider header is refused before pandas is asked to make a column of each), and a sheet's rows
  no wider;
- .xlsx: at most ``MAX_ZIP_PARTS`` parts and ``MAX_UNZIPPED_BYTES`` once unpacked (a zip bomb
  is refused unopened), no DTD in the head of any XML part, and ``MAX_CELLS`` cells in the
  sheets read.

A workbook cannot crash the reader: openpyxl parses through defusedxml (entity declarations,
"billion laughs" and external entities included, are refused), and anything openpyxl raises on
a malformed part (a shared string that is not one, a cell reference past the last column, a
part cut short) is the file's problem, named with its sheet, never a traceback; a shared-string
index outside the table is named with its cell (`xlsx_rows`). Hidden sheets are left out unless
named (`sheet_list`); hidden rows and columns are read, and named in a notice.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import InputError, Problem
from offset.common.rows import spans
from offset.common.xlsx_rows import SharedStringIndexError, SheetRows

MAX_FILE_BYTES = 1 << 30  # 1 GiB
MAX_UNZIPPED_BYTES = 512 << 20  # 512 MiB: about 5 million filled cells of an office list
MAX_CELLS = 20_000_000
MAX_ROWS = 20_000_000  # a CSV's rows (a 1 GiB file of short rows stays under it)
MAX_COLUMNS: Final = 16_384  # Excel's own (column XFD)
MAX_ZIP_PARTS: Final = 10_000  # a workbook of a few sheets has a few dozen
_PROLOG_BYTES: Final = 65_536  # where an XML part's DTD would be
CSV_CHUNK_ROWS = 250_000
ENCODINGS = ("utf-8-sig", "cp932")
_WIDTH_SCAN_LINES = 64  # title rows are narrower than the table: the widest early line wins
# Latin-1 or Windows-1252 bytes decode as CP932 into kanji between Latin letters (Orléans ->
# Orl饌ns); Japanese text almost never puts a kanji between two ASCII letters.
_LATIN_AS_CP932 = re.compile(r"[A-Za-z][\u4e00-\u9fff\uff61-\uff9f]+[A-Za-z]")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Grid:
    """Every cell of a sheet: columns 0..k-1, row i is the sheet's row i + 1."""

    cells: pd.DataFrame
    file: str
    sheet: str | None = None
    notices: tuple[Msg, ...] = ()
    # (row, column), both 1-based, of the formula cells with no saved value (read as blank)
    uncomputed: tuple[tuple[int, int], ...] = ()


def refuse(path: Path | str, message: Msg, sheet: str | None = None) -> InputError:
    return InputError([Problem(str(path), None, None, message, sheet=sheet)])


def read_grid(path: Path, sheet: str | None = None, progress: Progress | None = None) -> Grid:
    """The cells of a CSV file or of one Excel sheet (the first, unless `sheet` names one)."""
    if not path.is_file():
        raise refuse(path, Msg("file.not_found"))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(path, Msg("file.too_large", size=size, limit=MAX_FILE_BYTES))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, sheet)
    if sheet is not None:
        raise refuse(path, Msg("file.sheet_for_csv"))
    if suffix in (".csv", ".txt"):
        return Grid(_read_csv(path, progress), str(path))
    raise refuse(path, Msg("file.unknown_format"))


def _read_csv(path: Path, progress: Progress | None) -> pd.DataFrame:
    encoding = detect_encoding(path)
    width = _width(path, encoding)
    plain = _read_plain_csv(path, encoding, width)
    if plain is not None:
        if len(plain) > MAX_ROWS:
            raise refuse(path, Msg("file.too_many_rows", limit=MAX_ROWS))
        if progress is not None:
            progress(len(plain))
        return plain
    chunks = []
    try:  # an unclosed quote fails at the reader's start, before any chunk
        reader = pd.read_csv(
            path,
            encoding=encoding,
            header=None,
            names=range(width),
            dtype="string[pyarrow]",  # Arrow strings: stripped, parsed and factorised in C
            keep_default_na=False,
            na_values=[""],
            chunksize=CSV_CHUNK_ROWS,
            skip_blank_lines=False,  # blank lines stay rows, so row numbers match the sheet's
            skipinitialspace=True,
        )
        with reader:
            rows = 0
            for chunk in reader:
                rows += len(chunk)
                if rows > MAX_ROWS:
                    raise refuse(path, Msg("file.too_many_rows", limit=MAX_ROWS))
                if progress is not None:
                    progress(len(chunk))
                chunks.append(chunk)
    except (pd.errors.ParserError, ValueError, csv.Error) as e:
        raise refuse(path, Msg("file.unreadable", reason=str(e))) from e
    if not chunks:
        return pd.DataFrame(columns=range(width), dtype=object)
    return pd.concat(chunks, ignore_index=True)


def _read_plain_csv(path: Path, encoding: str, width: int) -> pd.DataFrame | None:
    """The cells of a plain UTF-8 file, read by Arrow's CSV reader (several times faster than
    pandas'); None for a file that pandas must read (`_read_csv`).

    Plain: no quote, no NUL, no field starting with a space or a tab (pandas skips those spaces,
    Arrow would keep them), and every line as wide as the widest of the first lines (a blank
    line, a title row, a row with fields past the header: Arrow stops at the first line of
    another width). What Arrow reads is then what pandas reads, cell for cell
    (`tests/intake/test_plain_csv.py` compares the two)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    if encoding != "utf-8-sig":
        return None
    data = path.read_bytes()
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if not body or b'"' in body or b"\x00" in body:
        return None
    names = [str(j) for j in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),  # a blank line is a row
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # as pandas keeps text
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowException:  # a line of another width: pandas reads it
        return None
    for column in table.columns:
        if pc.any(pc.or_(pc.starts_with(column, " "), pc.starts_with(column, "\t"))).as_py():
            return None  # a field that starts with a space: pandas skips the space
    return pd.DataFrame(
        {j: pd.arrays.ArrowStringArray(table.column(j)) for j in range(width)},
        index=pd.RangeIndex(table.num_rows),
    )


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) or CP932, decoded strictly over the whole file; else refused."""
    tried = []
    hint = ""
    for encoding in ENCODINGS:
        tried.append(encoding)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        sample = None
        try:
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    text = decoder.decode(block)
                    if encoding == "cp932" and sample is None:
                        found = _LATIN_AS_CP932.search(text)
                        sample = found.group(0) if found else None
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if sample is None:
            return encoding
        hint = Msg("file.latin", sample=sample)
    raise refuse(path, Msg("file.encoding", tried=", ".join(tried), hint=hint))


def _width(path: Path, encoding: str) -> int:
    with path.open(encoding=encoding, newline="") as f:
        rows = csv.reader(itertools.islice(f, _WIDTH_SCAN_LINES))
        try:
            width = max((len(r) for r in rows), default=1) or 1
        except csv.Error:
            return 1
    if width > MAX_COLUMNS:
        raise refuse(path, Msg("file.too_many_columns", columns=width, limit=MAX_COLUMNS))
    return width


def _read_workbook(path: Path, sheet: str | None) -> Grid:
    names, hidden = sheet_list(path)
    if sheet is not None and sheet not in names:
        raise refuse(path, Msg("file.no_sheet", sheet=sheet, sheets=", ".join(names)))
    visible = [n for n in names if n not in hidden]
    if sheet is None and not visible:
        raise refuse(path, Msg("file.only_hidden_sheets", sheets=", ".join(hidden)))
    chosen = sheet if sheet is not None else visible[0]
    (grid,) = read_sheets(path, [chosen])
    notices = []
    if sheet is None and len(visible) > 1:
        notices.append(Msg("notice.sheet", sheet=chosen, sheets=", ".join(visible)))
    if sheet is None and hidden:
        notices.append(Msg("notice.hidden_sheets", sheets=", ".join(hidden)))
    return Grid(grid.cells, grid.file, grid.sheet, (*notices, *grid.notices), grid.uncomputed)


def _checked_zip(path: Path) -> None:
    """Refuse a workbook whose zip directory promises too much, or whose XML has a DTD, before
    openpyxl parses a byte of it (each part's head is read, at most 64 KiB of each)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_ZIP_PARTS:
                raise refuse(path, Msg("file.zip_parts", parts=len(parts), limit=MAX_ZIP_PARTS))
            unpacked = sum(info.file_size for info in parts)
            if unpacked > MAX_UNZIPPED_BYTES:
                raise refuse(
                    path, Msg("file.unzipped_too_large", size=unpacked, limit=MAX_UNZIPPED_BYTES)
                )
            for info in parts:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(info) as part:
                        head = part.read(_PROLOG_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise refuse(path, Msg("file.xml_dtd", part=info.filename))
    except InputError:
        raise
    except Exception as e:  # BadZipFile, an unsupported compression, encryption, a bad CRC
        raise refuse(path, Msg("file.unreadable", reason=f"not an .xlsx workbook ({e})")) from e


def _damaged(path: Path, error: Exception, sheet: str | None = None) -> InputError:
    """A workbook openpyxl could not read: the file (and sheet) named, never a traceback."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = error
    while cause is not None:  # openpyxl re-raises a parse error as its own ValueError
        if isinstance(cause, DefusedXmlException):
            return refuse(path, Msg("file.xml_entities"), sheet)
        cause = cause.__cause__ or cause.__context__
    reason = str(error).strip() or type(error).__name__
    return refuse(path, Msg("file.unreadable", reason=reason[:300]), sheet)


def _open(path: Path) -> Any:
    import openpyxl

    # openpyxl parses through defusedxml when it is installed (a dependency): never without
    assert openpyxl.DEFUSEDXML, "defusedxml is missing, or OPENPYXL_DEFUSEDXML=False"
    _checked_zip(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises assorted errors on a damaged workbook
        raise _damaged(path, e) from e


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def workbook_sheets(path: Path) -> list[str]:
    """The names of a workbook's sheets, in order (checked like `read_grid` checks the file)."""
    return sheet_list(path)[0]


def sheet_list(path: Path) -> tuple[list[str], list[str]]:
    """The names of a workbook's sheets, in order, and those of them that are hidden (Excel's
    hidden and very hidden: a sheet the person who keeps the list does not see)."""
    if not path.is_file():
        raise refuse(path, Msg("file.not_found"))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(path, Msg("file.too_large", size=size, limit=MAX_FILE_BYTES))
    book = _open(path)
    try:
        sheets = [(str(ws.title), ws.sheet_state != "visible") for ws in book.worksheets]
    except Exception as e:  # a workbook part that names what is not there
        raise _damaged(path, e) from e
    finally:
        book.close()
    if not sheets:
        raise refuse(path, Msg("file.no_sheets"))
    return [name for name, _ in sheets], [name for name, hidden in sheets if hidden]


def read_sheets(path: Path, names: list[str]) -> list[Grid]:
    """The cells of the named sheets of a workbook, opened once; MAX_CELLS holds for them all.
    A sheet's hidden rows and columns holding a value are read, and named in a notice."""
    book = _open(path)
    grids = []
    try:
        cells = 0
        for name in names:
            try:
                stream = SheetRows(book[name])
                rows = list(_bounded(iter(stream), path, name, cells))
            except InputError:
                raise
            except SharedStringIndexError as e:
                raise _bad_string(path, name, e) from e
            except Exception as e:  # openpyxl parses a sheet as it streams its rows
                raise _damaged(path, e, name) from e
            cells += sum(len(r) for r in rows)
            frame = _frame(rows)
            notices = (*_hidden_rows(name, stream.hidden),
                       *_hidden_columns(name, frame, stream.hidden_columns))  # fmt: skip
            grids.append(Grid(frame, str(path), name, notices, tuple(stream.uncomputed)))
    finally:
        book.close()
    return grids


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The rows as one frame, each padded to the widest first (a row is as wide as its last
    cell; pandas 4 refuses rows of mismatched lengths, pandas 3 warns)."""
    if not rows:
        return pd.DataFrame(dtype=object)
    width = max(len(r) for r in rows)
    padded = [r + (None,) * (width - len(r)) if len(r) < width else r for r in rows]
    return pd.DataFrame(padded, dtype=object)


def _hidden_rows(sheet: str, rows: list[int]) -> tuple[Msg, ...]:
    return (Msg("notice.hidden_rows", sheet=sheet, rows=spans(rows)),) if rows else ()


def _hidden_columns(sheet: str, frame: pd.DataFrame, columns: list[int]) -> tuple[Msg, ...]:
    """The hidden columns that hold a value, by their letters."""
    from openpyxl.utils import get_column_letter

    width = frame.shape[1]
    held = [c for c in columns if c <= width and frame.iloc[:, c - 1].notna().any()]
    if not held:
        return ()
    letters = ", ".join(get_column_letter(c) for c in held)
    return (Msg("notice.hidden_columns", sheet=sheet, columns=letters),)


def _bad_string(path: Path, sheet: str, error: SharedStringIndexError) -> InputError:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(error.column) if error.column > 0 else "?"
    message = Msg(
        "file.shared_string", cell=f"{letter}{error.row}", index=error.index, count=error.count
    )
    return InputError([Problem(str(path), error.row, letter, message, sheet=sheet)])


def _bounded(
    rows: Iterator[tuple[object, ...]], path: Path, sheet: str, before: int = 0
) -> Iterator[tuple[object, ...]]:
    cells = before
    for row in rows:
        if len(row) > MAX_COLUMNS:  # openpyxl reads columns up to ZZZ (18,278); Excel has XFD
            raise refuse(path, Msg("file.too_many_columns", columns=len(row), limit=MAX_COLUMNS),
                         sheet)  # fmt: skip
        cells += len(row)
        if cells > MAX_CELLS:
            raise refuse(path, Msg("file.too_many_cells", limit=MAX_CELLS), sheet)
        yield row


def read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise refuse(path, Msg("file.not_found"))
    try:
        return pd.read_parquet(path)
    except Exception as e:  # pyarrow's own message says what is wrong with the file
        raise refuse(path, Msg("file.unreadable", reason=str(e))) from e
