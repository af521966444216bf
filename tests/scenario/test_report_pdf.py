"""`offset run` writes report.pdf beside report.html: the tables' figures as text (compared with
the CSVs), Japanese names set in the Japanese font, every page numbered and footed with the
run's provenance."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.conftest import REPOSITORY
from tests.pdfs import japanese_font_used, read_pdf
from tests.reports import read_table

runner = CliRunner()


def test_the_flagship_report_as_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(
        app, ["run", str(REPOSITORY / "scenarios" / "settlement-area.toml"), "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "report.pdf" in manifest["files"]
    assert (out / "report.pdf").stat().st_mode & 0o044 == 0o044  # others may read it
    pdf = read_pdf((out / "report.pdf").read_bytes())
    assert 5 <= len(pdf.pages) <= 40, len(pdf.pages)
    # Every figure of the summary table, as the HTML prints it.
    summary = read_table(out, "summary")
    words = set(pdf.pages[0].split())
    for row in summary.itertuples():
        assert f"{row.reduction_tco2e:,.1f}" in words, row  # a summary's tonnes: one decimal
        assert f"{row.issued:,}" in words, row
        assert f"{row.retired:,}" in words, row
    # Names in Japanese, from the Japanese font: no boxes, no fallback.
    assert "緑川市" in pdf.text
    assert japanese_font_used(pdf)
    assert "\ufffd" not in pdf.text
    # The foot of every page: its number and the run's provenance.
    count = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        flat = re.sub(r"\s+", " ", page)
        assert f"{number} / {count}" in flat, number
        assert manifest["scenario"]["sha256"][:12] in flat, number
