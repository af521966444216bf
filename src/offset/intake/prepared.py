"""A checked input: its typed frame, and where each row came from (file, sheet, row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from offset.common.messages import Msg
from offset.common.problems import Problem
from offset.intake import sheetrows


@dataclass(frozen=True)
class Prepared:
    """A checked input: the contract's columns, typed, in canonical units, and where they
    came from (the user's headers, the sheets, the rows skipped).

    When several sheets were read (`sheets`), the k-th sheet's rows are shifted by k x
    `sheetrows.STRIDE` in the frame's index; `relabel` and `where` turn them back."""

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # offset column -> user's header
    notices: tuple[Msg, ...] = ()
    sheets: tuple[str | None, ...] = ()  # the sheets read, in order (one or none: not shifted)
    #: the contract's columns the file has no header for, as a problem names them (`Column.shown`)
    unnamed: Mapping[str, str] = field(default_factory=dict)

    def relabel(self, problems: Sequence[Problem]) -> list[Problem]:
        """Problems as the user reads them: their header, their sheet and its row."""
        return [self._relabelled(p) if p.file == self.file else p for p in problems]

    def _relabelled(self, p: Problem) -> Problem:
        column = self.headers.get(p.column or "") or self.unnamed.get(p.column or "", p.column)
        if p.sheet is not None:  # already placed
            return replace(p, column=column)
        if len(self.sheets) <= 1 or p.row is None:
            message = self._message(p.message)
            return replace(p, column=column, sheet=self.sheet, message=message)
        sheet, row = sheetrows.where(p.row, self.sheets)
        return replace(p, row=row, column=column, sheet=sheet, message=self._message(p.message))

    def _message(self, message: str) -> str:
        """A "... more rows like row N" line names the sheet's row."""
        if len(self.sheets) <= 1 or getattr(message, "key", "") != "rows.more":
            return message
        assert isinstance(message, Msg)
        return Msg("rows.more", count=message.params["count"],
                   row=self.shown(int(str(message.params["row"]))))  # fmt: skip

    def shown(self, row: int) -> str:
        """An encoded row number as a user reads it: `7`, or `R6!7` with several sheets."""
        sheet, number = sheetrows.where(row, self.sheets)
        return f"{sheet}!{number}" if len(self.sheets) > 1 and sheet else str(number)

    def rows(self, index: pd.Index | npt.NDArray[np.int64] | None = None) -> str:
        """Rows of the input (default: all) as ranges per sheet: "2-41,45" or "R5!2-9;R6!2-7"."""
        positions = self.frame.index if index is None else index
        return sheetrows.ranges(np.asarray(positions), self.sheets)
