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
    charts.drawn.clear()  # drawn here, not taken from a chart drawn before (its warnings too)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" UserWarning fails the test
        svg = charts.stacked_bars(
            frame, "fy", "party", "tonnes", "年度別の削減量", "t-CO2", "年度", "なし"
        )
    assert "松本市" in svg
    assert str(charts.japanese_font()) in svg


def test_a_chart_drawn_again_is_the_same_svg_taken_from_the_kept_ones() -> None:
    frame = pd.DataFrame({"fy": [2023, 2024], "party": ["松本市", "松本市"], "tonnes": [1.0, 2.5]})
    args = (frame, "fy", "party", "tonnes", "年度別の削減量", "t-CO2", "年度", "なし")
    charts.drawn.clear()
    first = charts.stacked_bars(*args)
    assert len(charts.drawn.svgs) == 1
    assert charts.stacked_bars(*args) is first  # kept: not drawn again
    charts.drawn.clear()
    assert charts.stacked_bars(*args) == first  # drawn again: the same SVG
    changed = frame.assign(tonnes=[1.0, 2.6])  # one figure differs: drawn, not taken
    assert charts.stacked_bars(changed, *args[1:]) != first
    assert len(charts.drawn.svgs) == 2
    assert charts.stacked_bars(*args[:4], "年度別", *args[5:]) != first  # any argument counts
    assert len(charts.drawn.svgs) == 3
