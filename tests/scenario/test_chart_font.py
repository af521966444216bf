"""The report's charts draw Japanese names in a Japanese font (issue 15 item): no missing-glyph
warnings, and the SVG names the font, so a browser or a PDF renderer uses the same one."""

from __future__ import annotations

import warnings

import pandas as pd

from offset.documents import charts


def test_japanese_names_draw_without_missing_glyphs() -> None:
    assert charts.japanese_font() is not None, "`make` installs fonts-ipaexfont-gothic (apt)"
    frame = pd.DataFrame(
        {"fy": [2024, 2024], "party": ["松本市", "豊島区"], "tonnes": [4829.7, 3000.0]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" UserWarning fails the test
        svg = charts.stacked_bars(
            frame, "fy", "party", "tonnes", "年度別の削減量", "t-CO2", "年度", "なし"
        )
    assert "松本市" in svg
    assert str(charts.japanese_font()) in svg
