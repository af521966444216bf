"""A user's text echoed in a message shows its control characters as escapes, never raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from offset.common.messages import Msg, text
from offset.common.problems import InputError
from offset.factors import FactorLibrary
from offset.jobs.calc import calculate_file


def test_a_binary_file_read_as_csv_echoes_its_headers_escaped(
    tmp_path: Path, factors: FactorLibrary
) -> None:
    path = tmp_path / "pv.csv"
    path.write_bytes(b"ab\x00c,d\x1b[31me,\xe2\x80\xaefed\n1,2,3\n")
    with pytest.raises(InputError) as info:
        calculate_file("solar", path, fy=2024, factors=factors, gwp_metric="AR5")
    shown = str(info.value)
    assert "columns found: ab\\x00c, d\\x1b[31me, \\u202efed" in shown
    assert not any(c in shown for c in "\x00\x1b\u202e")


def test_every_message_escapes_its_values_keeping_tabs_and_line_breaks() -> None:
    message = Msg("header.missing", names="a\tb", found="x\x00y\nz\x7f")
    for lang in ("en", "ja"):
        shown = text(message, lang)
        assert "x\\x00y\nz\\x7f" in shown
        assert "a\tb" in shown
