"""HTML pages as PDF files, with WeasyPrint (Pango's text layout, no browser): the report and the
retirement certificate, each page numbered and footed with the provenance of what it shows.

Japanese text is set in IPAex Gothic, which `make fonts` installs (Debian's
fonts-ipaexfont-gothic); the charts' SVG uses the same font (`charts.japanese_font`), so a PDF
holds no missing-glyph boxes and its text extracts as text.
"""

from __future__ import annotations

import logging
from typing import Literal

# WeasyPrint logs every CSS property it does not know (position: sticky, ...) as a warning.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
FONT_FAMILY = '"IPAexGothic", "IPAexゴシック", sans-serif'
Orientation = Literal["portrait", "landscape"]


def _css_string(text: str) -> str:
    """`text` as a CSS string literal: anything but letters, digits and spaces escaped."""
    escaped = "".join(
        # the space after an escape ends it (and is consumed): a space that follows stays
        ch if ch.isascii() and (ch.isalnum() or ch in " .,:;/()-_@[]") else f"\\{ord(ch):06x} "
        for ch in text
    )
    return f'"{escaped}"'


def print_css(footer: str, orientation: Orientation) -> str:
    return f"""
@page {{
  size: A4 {orientation};
  margin: 14mm 12mm 18mm;
  @bottom-left {{ content: {_css_string(footer)}; font-size: 6.5pt; color: #51615a;
                  font-family: {FONT_FAMILY}; width: 85%; }}
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt;
                   font-family: {FONT_FAMILY}; }}
}}
html, body {{ font-family: {FONT_FAMILY}; }}
body {{ max-width: none; margin: 0; padding: 0; font-size: 9pt; }}
h1 {{ font-size: 15pt; }} h2 {{ font-size: 12pt; break-after: avoid; }}
h3 {{ font-size: 10pt; break-after: avoid; }}
table {{ font-size: 7.5pt; width: 100%; }}
th {{ overflow-wrap: anywhere; }} td {{ overflow-wrap: break-word; }}
tr, figure, svg {{ break-inside: avoid; }}
.grid {{ display: block; }}
.grid figure {{ display: inline-block; width: 49%; vertical-align: top; }}
figure {{ margin: 0 0 4mm; }} figure svg {{ width: 100%; height: auto; max-height: 80mm; }}
.scroll {{ max-height: none; overflow: visible; }}
nav, header nav, .downloads, .no-print {{ display: none; }}
"""


def html_to_pdf(
    html: str, footer: str, orientation: Orientation = "portrait", base_url: str | None = None
) -> bytes:
    """`html` as PDF bytes: A4, numbered `n / N`, `footer` at the foot of every page."""
    from weasyprint import CSS, HTML  # imported on use: it loads Pango

    document = HTML(string=html, base_url=base_url)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=print_css(footer, orientation))])
    return pdf
