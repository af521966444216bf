"""A renovation row's measure in the reader's words where a problem names it: an LED row
without its LED台数 said 'lighting の行には必要です' to a Japanese office."""

from __future__ import annotations

from pathlib import Path

from tests.refusals import refused_calc
from tests.test_grid_missing import LED


def test_a_measure_is_named_in_the_readers_words_where_a_column_is_required(
    tmp_path: Path,
) -> None:
    data = tmp_path / "list.csv"
    data.write_text(LED.replace(",100,40,18,", ",,40,18,"), encoding="utf-8")
    for lang, said in (("ja", "照明の行には必要です"), ("en", "required for lighting rows")):
        assert said in refused_calc("renovation", data, lang, "--fy", "2024")
