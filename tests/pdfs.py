"""Reading a PDF back as its reader would: its text, its pages, the fonts it embeds."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdf

JAPANESE_FONT = "IPAexGothic"


@dataclass(frozen=True)
class Pdf:
    pages: list[str]  # each page's text, as pypdf extracts it
    fonts: set[str]  # the base names of the fonts the pages use

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")))
    return Pdf([page.extract_text() for page in reader.pages], fonts)


def japanese_font_used(pdf: Pdf) -> bool:
    """The Japanese glyphs come from IPAex Gothic (subset names are `ABCDEF+IPAexGothic`)."""
    return any(JAPANESE_FONT in font for font in pdf.fonts)
