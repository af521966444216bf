"""A workbook sheet's rows as its XML stores them, streamed through openpyxl's sheet parser.

openpyxl's read-only `iter_rows` is bypassed for three reasons:
- it resolves a shared-string cell with a plain list index, so an index of -1 read the table's
  last string and any negative one another string, without a word: here an index outside the
  table is refused, naming the cell;
- it drops a row's and a column's `hidden` flag: here the hidden rows that hold a value, and
  the hidden columns, are collected, so the reader can say it read them (a row or column hidden
  in Excel is one the person who keeps the list does not see);
- it trusts the sheet's <dimension> (cutting or padding rows to it): here each row is as wide
  as its last cell, every cell as stored;
- it reads a formula cell without a saved value (a file a script wrote: Excel saves the value)
  as empty: here such cells are collected, so the reader can say the cell is a formula offset
  cannot compute, not a blank.

Row i of what is yielded is the sheet's row i + 1 (a row the XML leaves out is yielded empty). A
row number repeated or going backwards keeps the first, as openpyxl does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class SharedStringIndexError(Exception):
    """A cell names a shared string the table does not have (`row`, `column` 1-based)."""

    def __init__(self, row: int, column: int, index: int, count: int) -> None:
        super().__init__(f"shared string {index} of {count} at row {row}, column {column}")
        self.row = row
        self.column = column
        self.index = index
        self.count = count


class _OutOfTable(Exception):
    def __init__(self, index: int, count: int) -> None:
        super().__init__(index, count)
        self.index = index
        self.count = count


class _Strings:
    """The shared-string table, indexed only within it (a Python list takes -1 as the last)."""

    def __init__(self, strings: Any) -> None:
        self._strings = strings

    def __len__(self) -> int:
        return len(self._strings)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self._strings):
            raise _OutOfTable(index, len(self._strings))
        return self._strings[index]


class SheetRows:
    """Iterate once for the rows; `hidden` then lists the hidden sheet rows holding a value, and
    `hidden_columns` the hidden columns (1-based; whether they hold a value is the caller's)."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet  # an openpyxl ReadOnlyWorksheet
        self.hidden: list[int] = []
        self.hidden_columns: list[int] = []
        self.uncomputed: list[tuple[int, int]] = []  # (row, column) of formulas with no value

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        sheet = self._sheet
        book = sheet.parent
        with sheet._get_source() as source:
            parser = _parser()(
                self.uncomputed,
                source,
                _Strings(sheet._shared_strings),
                data_only=book.data_only,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            parsed = parser.parse()
            expected = 1
            while True:
                try:
                    number, cells = next(parsed)
                except StopIteration:
                    self.hidden_columns = _hidden_columns(parser.column_dimensions)
                    return
                except _OutOfTable as e:  # parse_cell has set the cell's place before the lookup
                    raise SharedStringIndexError(
                        parser.row_counter, parser.col_counter, e.index, e.count
                    ) from None
                if number < expected:
                    continue
                for _ in range(expected, number):
                    yield ()
                expected = number + 1
                row = _values(cells)
                if _is_hidden(parser.row_dimensions.get(str(number))) and any(
                    v is not None for v in row
                ):
                    self.hidden.append(number)
                yield row


def _parser() -> Any:
    """openpyxl's sheet parser, noting each formula cell that holds no saved value."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def __init__(self, uncomputed: list[tuple[int, int]], *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            self._uncomputed = uncomputed

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                self._uncomputed.append((cell["row"], cell["column"]))
            return cell

    return Parser


def _values(cells: list[dict[str, Any]]) -> tuple[object, ...]:
    if not cells:
        return ()
    values: list[object] = [None] * max(c["column"] for c in cells)
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return tuple(values)


def _is_hidden(attributes: dict[str, str] | None) -> bool:
    return attributes is not None and attributes.get("hidden", "0").lower() in ("1", "true")


def _hidden_columns(dimensions: dict[str, dict[str, str]]) -> list[int]:
    """The columns a <col hidden="1" min= max=> element hides (a range of columns each)."""
    hidden: set[int] = set()
    for attributes in dimensions.values():
        if _is_hidden(attributes):
            try:
                first, last = int(attributes["min"]), int(attributes["max"])
            except (KeyError, ValueError):
                continue  # a malformed <col> hides nothing offset reads
            hidden.update(range(first, min(last, _MAX_COLUMN) + 1))
    return sorted(hidden)


_MAX_COLUMN = 16_384  # Excel's XFD: a <col max> past it names no column a row can have
