"""The report's charts: matplotlib figures rendered to inline SVG (the report works offline)."""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from offset.common.kept import keep

P = ParamSpec("P")

# Japanese names (松本市, 太陽光発電) need a Japanese font: IPAex Gothic, which `make` installs
# (Debian fonts-ipaexfont-gothic), else Noto CJK; matplotlib falls back glyph by glyph through
# the family list, so Latin text keeps DejaVu Sans.
JAPANESE_FONTS = ("IPAexGothic", "Noto Sans CJK JP", "IPAGothic")
FONT_DIRECTORIES = (Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts/truetype"))
# what a bar chart's axis holds of label text, in columns (a wide character takes two): a long
# label (an agreement's title) is wrapped to its group's share, not written over its neighbours
LABEL_COLUMNS = 70


@functools.cache
def japanese_font() -> str | None:
    """The Japanese font charts use, or None (then CJK glyphs are missing, and matplotlib says so).

    matplotlib caches the system's font list once; a font installed after that is added here."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in JAPANESE_FONTS:
        if name in known:
            return name
    for directory in FONT_DIRECTORIES:
        for path in sorted(directory.glob("*/ipaexg.ttf")) + sorted(directory.glob("*/*CJK*")):
            font_manager.fontManager.addfont(str(path))
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in JAPANESE_FONTS if name in known), None)


STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, searchable, drawn in the browser's font
    "svg.hashsalt": "offset",  # the same data draws the same SVG
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


class Drawn:
    """The SVG of the charts drawn lately, by what drew them: the same chart of the same figures
    (a dashboard page shown again, a report written again over the same tables) is the same
    SVG (`svg.hashsalt`), taken from here instead of being drawn again (about 50 ms a chart)."""

    KEPT = 128

    def __init__(self) -> None:
        self.svgs: dict[str, str] = {}

    @staticmethod
    def key(name: str, font: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """What a chart is drawn from, hashed: its function, the font, every argument (frames
        with their values, dtypes, index and columns, as pickled)."""
        made = pickle.dumps((name, font, LABEL_COLUMNS, args, sorted(kwargs.items())), protocol=5)
        return hashlib.sha256(made).hexdigest()

    def get(self, key: str) -> str | None:
        return self.svgs.get(key)

    def put(self, key: str, svg: str) -> None:
        keep(self.svgs, key, svg, self.KEPT)

    def clear(self) -> None:
        self.svgs.clear()


drawn = Drawn()


def _styled(chart: Callable[P, str]) -> Callable[P, str]:
    """Draw within the report's style (rc settings apply when artists are made, so all of it);
    a chart drawn before from the same arguments is taken from `drawn`."""

    @functools.wraps(chart)
    def draw(*args: P.args, **kwargs: P.kwargs) -> str:
        font = japanese_font()
        key = Drawn.key(chart.__name__, font, args, kwargs)
        if (svg := drawn.get(key)) is not None:
            return svg
        families = {"font.family": [font, "DejaVu Sans"]} if font else {}
        with matplotlib.rc_context(STYLE | families):
            svg = chart(*args, **kwargs)
        drawn.put(key, svg)
        return svg

    return draw


def _figure(height: float = 3.2) -> tuple[Figure, Axes]:
    # A bare Figure, not pyplot: no global figure registry, safe in a server's threads.
    figure = Figure(figsize=(7, height))
    return figure, figure.add_subplot()


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG goes inside HTML


def _empty(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)


@_styled
def stacked_bars(
    frame: pd.DataFrame,
    index: str,
    columns: str,
    values: str,
    title: str,
    unit: str,
    xlabel: str,
    empty: str,
) -> str:
    """One bar per `index` value, stacked by `columns`."""
    table = frame.pivot_table(
        index=index, columns=columns, values=values, aggfunc="sum", fill_value=0
    )
    return _bars(table, title, unit, xlabel, empty, stacked=True)


@_styled
def grouped_bars(
    frame: pd.DataFrame, index: str, title: str, unit: str, xlabel: str, empty: str
) -> str:
    """Side-by-side bars of every other column of `frame` per `index` value."""
    return _bars(frame.groupby(index).sum(), title, unit, xlabel, empty, stacked=False)


@_styled
def stacked_columns(
    table: pd.DataFrame,
    title: str,
    unit: str,
    xlabel: str,
    empty: str,
    *,
    target: float | None = None,
    target_label: str = "",
) -> str:
    """One bar per row of `table`, stacked by its columns, with a target line if given."""
    figure, axes = _figure()
    if table.empty:
        _empty(axes, empty)
    else:
        table.plot.bar(stacked=True, ax=axes, width=0.7, rot=0)
        if target is not None:
            axes.axhline(target, color="#8a4b00", linestyle="--", linewidth=1, label=target_label)
        axes.legend(fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(unit)
    return _svg(figure)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrapped(label: object, width: int) -> str:
    """`label` in lines of at most about `width` columns; a short one as it is."""
    text = str(label)
    if _columns(text) <= width:
        return text
    wide = _columns(text) > len(text)
    return "\n".join(textwrap.wrap(text, width // 2 if wide else width))


def _bars(
    table: pd.DataFrame, title: str, unit: str, xlabel: str, empty: str, *, stacked: bool
) -> str:
    width = max(12, LABEL_COLUMNS // max(len(table), 1))
    table = table.set_axis([_wrapped(label, width) for label in table.index], axis=0)
    figure, axes = _figure()
    if table.empty:
        _empty(axes, empty)
    else:
        table.plot.bar(stacked=stacked, ax=axes, width=0.7 if stacked else 0.8, rot=0)
        axes.legend(fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(unit)
    return _svg(figure)


@_styled
def horizontal_bars(series: pd.Series, title: str, unit: str, empty: str) -> str:
    figure, axes = _figure(0.4 * max(len(series), 3) + 0.8)
    if series.empty:
        _empty(axes, empty)
    else:
        series.sort_values().plot.barh(ax=axes, color="#2f7d5b")
    axes.set_title(title)
    axes.set_xlabel(unit)
    axes.set_ylabel("")
    return _svg(figure)
