"""`holds_any`: one look over an Arrow string array's bytes says what a search per character
says, sliced, chunked and with missing cells."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offset.common.arrow_text import holds_any

CELLS = st.lists(st.none() | st.text(st.sampled_from('ab1, "\t\n\r\fé日'), max_size=6), max_size=20)


@settings(max_examples=300, deadline=None)
@given(CELLS, st.integers(0, 5), st.sampled_from([" \t\n\f\r", ',"\n\r', "1"]))
def test_holds_any_is_a_search_per_character(
    cells: list[str | None], start: int, characters: str
) -> None:
    expected = any(c in cell for cell in cells[start:] if cell is not None for c in characters)
    array = pa.array(cells, pa.string()).slice(start)  # a slice: bytes before it not looked at
    assert holds_any(array, characters) == expected
    chunked = pa.chunked_array([pa.array(cells[start:], pa.string())], pa.string())
    assert holds_any(chunked, characters) == expected
    large = pa.array(cells[start:], pa.large_string())  # another layout: searched per character
    assert holds_any(large, characters) == expected


def test_only_ascii_characters_are_looked_for_byte_by_byte() -> None:
    with pytest.raises(ValueError, match="not ASCII"):
        holds_any(pa.array(["日本"]), "日")
