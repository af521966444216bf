"""The カーボン・オフセット証明書: its fields are the ledger's, the issuer's Ed25519 signature
holds over them and fails after one changed character, and the PDF is one A4 page laid out as a
certificate (the text's positions, read back from the PDF)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from offset.documents.certificate import certificate_html, certificate_pdf, signed
from offset.documents.certificate_fields import signature_holds
from offset.ledger import Ledger, titles
from offset.ledger.checkpoint import keygen
from tests.pdfs import japanese_font_used, read_pdf

SETUP: list[dict[str, Any]] = [
    {"op": "open_party", "party": "registry", "kind": "registry", "name": "信州カーボン登録簿"},
    {"op": "open_party", "party": "matsumoto", "kind": "municipality", "name": "松本市",
     "jis_code": "202029", "prefecture": "長野県"},
    {"op": "open_party", "party": "shinano", "kind": "company", "name": "信濃精機株式会社"},
    {"op": "open_account", "account": "matsumoto/holding", "party": "matsumoto", "kind": "holding"},
    {"op": "open_account", "account": "shinano/holding", "party": "shinano", "kind": "holding"},
    {"op": "issue", "id": "i1", "to": "matsumoto/holding", "instrument": "J-Credit",
     "project": "matsumoto-pv", "vintage": 2024, "quantity": 30, "methodology": "EN-R-002",
     "source": {"method": "solar"}, "effective_date": "2025-05-01"},
    {"op": "transfer", "id": "t1", "from": "matsumoto/holding", "to": "shinano/holding",
     "project": "matsumoto-pv", "vintage": 2024, "quantity": 30, "effective_date": "2025-05-02"},
    {"op": "retire", "id": "r1", "from": "shinano/holding", "project": "matsumoto-pv",
     "vintage": 2024, "quantity": 10, "serials": ["5-14"], "beneficiary": "信濃精機株式会社",
     "reason": "本社工場の購入電力", "purpose": "re100", "claim_fy": 2024,
     "claim_period": "2024年度 (FY2024)", "offset_target": "本社工場の2024年度の購入電力",
     "offset_place": "131041", "effective_date": "2025-06-30"},
]  # fmt: skip


@pytest.fixture
def book(ledger: Ledger) -> Ledger:
    assert [r.status for r in ledger.apply(SETUP)] == ["ok"] * len(SETUP)
    return ledger


def test_the_fields_are_the_ledgers_and_the_signature_holds(book: Ledger, tmp_path: Path) -> None:
    public = keygen(tmp_path / "issuer.key")
    made = signed(book, "r1", "https://registry.example.jp", tmp_path / "issuer.key")
    fields, retirement = made.fields, book.retirement("r1")
    assert (fields.addressee, fields.reason, fields.quantity_t) == (
        retirement.beneficiary, retirement.reason, retirement.quantity)  # fmt: skip
    assert (fields.purpose, fields.offset_target, fields.offset_place, fields.claim_period) == (
        retirement.purpose, retirement.offset_target, retirement.offset_place,
        retirement.claim_period)  # fmt: skip
    assert fields.claim_fy == retirement.claim_fy == 2024
    assert fields.serials == ("5-14",)  # the holder's pick, printed inclusive
    assert (fields.hash, fields.seq, fields.tx_id) == (retirement.hash, retirement.seq, "r1")
    assert (fields.retired_on, fields.retired_on_wareki) == ("2025-06-30", "令和7年6月30日")
    assert fields.number == "2025-0001"  # the first retirement of FY2025
    assert (fields.origin_party, fields.origin_code, fields.origin_prefecture) == (
        "松本市", "202029", "長野県")  # fmt: skip
    assert fields.issuer == "信州カーボン登録簿"
    assert fields.credit_type_ja == "再生可能エネルギー(電力)由来"
    # 10 t-CO2 / 0.000423 t-CO2/kWh (the FY2024 national average of factors/grid_electricity.csv,
    # the latest not after the FY2024 vintage) = 23,641 kWh = 23.6 MWh
    assert fields.energy_mwh == 23.6
    assert made.url == f"https://registry.example.jp/check/{retirement.hash}"
    assert made.signature is not None
    assert made.public_key is not None
    assert made.public_key in public.read_text() or len(made.public_key) == 64
    assert signature_holds(fields, made.signature, made.public_key)
    changed = dataclasses.replace(fields, addressee=fields.addressee + "x")
    assert not signature_holds(changed, made.signature, made.public_key)
    assert not signature_holds(dataclasses.replace(fields, quantity_t=11), made.signature,
                               made.public_key)  # fmt: skip
    forged = made.signature[:-4] + ("AAA=" if made.signature[-4:] != "AAA=" else "BBB=")
    assert not signature_holds(fields, forged, made.public_key)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the layout: not the database
def test_the_pdf_is_one_a4_page_laid_out_as_a_certificate(book: Ledger, tmp_path: Path) -> None:
    keygen(tmp_path / "issuer.key")
    _titled(book)  # the project's title with its key on a detail line: the tallest table
    data = certificate_pdf(book, "r1", "ja", "https://registry.example.jp", tmp_path / "issuer.key")
    pdf = read_pdf(data)
    assert len(pdf.pages) == 1
    assert japanese_font_used(pdf)
    text = pdf.text
    for expected in ("信濃精機株式会社 様", "本社工場の2024年度の購入電力", "RE100での報告",
                     "松本市", "matsumoto-pv", "5-14", "令和7年6月30日", "23.6 MWh",
                     "2025-0001", "信州カーボン登録簿", "https://registry.example.jp/check/"):  # fmt: skip
        assert expected in text, expected
    assert "offset ledger" not in text  # no command line on a document a company hands on
    positions = _positions(data)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # From the top: the number, the title, the addressee, the table; the issuer at the foot.
    title = positions["カーボン"]
    assert positions["証明書番号"][1] > title[1] > positions["信濃精機株式会社"][1]
    assert title[1] > 0.8 * height  # in the top fifth
    assert positions["信州カーボン登録簿"][1] < 0.3 * height  # the issuer near the foot
    assert positions["信州カーボン登録簿"][0] > 0.5 * width  # on the right
    # The table's last row (its label, then three lines at most, 12 pt each) ends above the
    # QR code (26 mm, 74 pt) over the check text: the table once ran into it.
    assert positions["台帳エントリ"][1] - 3 * 12 > positions["この証明書"][1] + 74


def test_the_project_is_printed_by_its_title_with_its_key_below(
    book: Ledger, tmp_path: Path
) -> None:
    """Without a stored title the key is the project's name; with one (a scenario's run stores
    it), the title and the creating municipality, the key on a detail line."""
    bare = signed(book, "r1", "https://registry.example.jp")
    assert bare.fields.project_title == ""
    assert "<td>matsumoto-pv(太陽光発電)</td>" in certificate_html(bare, "ja")
    _titled(book)
    made = signed(book, "r1", "https://registry.example.jp")
    assert (made.fields.project, made.fields.project_title) == (
        "matsumoto-pv", "松本市 住宅用太陽光発電")  # fmt: skip
    assert made.fields.origin_place == "松本市"
    page = certificate_html(made, "ja")
    assert (
        "<td>松本市 住宅用太陽光発電(太陽光発電)<br><span class='detail'>matsumoto-pv</span></td>"
        in page
    )
    assert "<td>松本市 長野県 (JIS 202029)</td>" in page  # the place is the party: named once


def _titled(book: Ledger) -> None:
    """The project's title and place, as a scenario's run chains them."""
    described = titles.describing("project", [{"name": "matsumoto-pv", "title": "松本市 住宅用太陽光発電",
                                               "place_code": "202029", "place_name": "松本市"}])  # fmt: skip
    assert [r.status for r in book.apply(described)] == ["ok"]


def _positions(data: bytes) -> dict[str, tuple[float, float]]:
    """Where each text run starts on the page (x, y from the bottom left) [pt]; the first run
    that starts with a key wins."""
    found: dict[str, tuple[float, float]] = {}
    keys = (
        "カーボン",
        "証明書番号",
        "信濃精機株式会社",
        "信州カーボン登録簿",
        "台帳エントリ",
        "この証明書",
    )

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        for key in keys:
            if key not in found and text.strip().startswith(key):
                # the text matrix, placed on the page by the current transformation
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found[key] = (x, y)

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    missing = set(keys) - set(found)
    assert not missing, missing
    return found


def test_a_japanese_certificate_names_the_prefecture_in_japanese(ledger: Ledger) -> None:
    """A scenario's party keeps its prefecture as written in the scenario (`nagano`): the
    Japanese certificate names it 長野県, from the municipality's code; the English keeps it."""
    setup = [dict(op, prefecture="nagano") if op.get("jis_code") == "202029" else op
             for op in SETUP]  # fmt: skip
    assert {r.status for r in ledger.apply(setup)} == {"ok"}
    made = signed(ledger, "r1", "https://registry.example.jp")
    assert made.fields.origin_prefecture == "nagano"  # the signed field is the ledger's
    assert "<td>松本市 長野県 (JIS 202029)</td>" in certificate_html(made, "ja")
    assert "nagano" not in certificate_html(made, "ja")
    assert "nagano (JIS 202029)" in certificate_html(made, "en")


def test_the_claim_fy_is_printed_where_the_period_does_not_name_it(ledger: Ledger) -> None:
    """報告対象年度: a retirement claimed for an FY with no period written prints the FY (was 記載なし);
    a period that names another way prints both; one that names it, once."""
    *setup, retirement = SETUP
    bare = {k: v for k, v in retirement.items() if k != "claim_period"}
    worded = dict(retirement, id="r2", serials=["15-19"], quantity=5, claim_period="令和6年度分")
    assert {r.status for r in ledger.apply([*setup, bare, worded])} == {"ok"}
    row = "<tr><th>報告対象期間</th><td>{}</td></tr>"
    ja = certificate_html(signed(ledger, "r1", "https://registry.example.jp"), "ja")
    assert row.format("2024年度") in ja
    english = certificate_html(signed(ledger, "r1", "https://registry.example.jp"), "en")
    assert "<tr><th>Claim period</th><td>FY2024</td></tr>" in english
    both = certificate_html(signed(ledger, "r2", "https://registry.example.jp"), "ja")
    assert row.format("令和6年度分 (報告対象年度: 2024年度)") in both


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the words: not the database
def test_the_energy_line_is_in_the_certificates_language(book: Ledger) -> None:
    """The energy equivalent's basis is a signed field, written once in mixed words
    ("FY2024 全国平均係数 0.423 kg-CO2/kWh で換算; secondary"); each version prints it in its own
    language from that field (its FY, factor and source's confidence), the signature unchanged."""
    made = signed(book, "r1")
    assert made.fields.energy_basis == "FY2024 全国平均係数 0.423 kg-CO2/kWh で換算; secondary"
    rows = {}
    for lang in ("ja", "en"):
        page = certificate_html(made, lang, "新宿区")
        row = next(r for r in page.split("<tr>") if "23.6 MWh" in r)
        rows[lang] = row
    assert "2024年度の全国平均係数 0.423 kg-CO2/kWh で換算" in rows["ja"]
    assert "secondary" not in rows["ja"]
    assert "FY2024 national average grid factor, 0.423 kg-CO2/kWh" in rows["en"]
    assert not any("\u3040" <= c <= "\u9fff" for c in rows["en"])  # no kana or kanji
