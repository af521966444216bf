"""A renovation row's measure in the reader's words where a problem names it: an LED row
without its LED台数 said 'lighting の行には必要です' to a Japanese office."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.test_grid_missing import LED

runner = CliRunner()


def test_a_measure_is_named_in_the_readers_words_where_a_column_is_required(
    tmp_path: Path,
) -> None:
    data = tmp_path / "list.csv"
    data.write_text(LED.replace(",100,40,18,", ",,40,18,"), encoding="utf-8")
    for lang, said in (("ja", "照明の行には必要です"), ("en", "required for lighting rows")):
        refused = runner.invoke(
            app, ["calc", "renovation", str(data), "--fy", "2024", "--lang", lang,
                  "--out", str(tmp_path / "out.csv")],
        )  # fmt: skip
        assert refused.exit_code == 2, refused.output
        assert said in refused.output
