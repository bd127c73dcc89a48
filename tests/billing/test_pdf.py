"""The invoice PDF: Japanese text renders (real glyphs, not blank, not tofu) on a fresh machine,
because the font travels with the project's dependencies and is embedded in the PDF."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from django.utils import timezone
from PIL import Image, ImageChops

from genba.billing import services
from genba.billing.pdf import font_paths, render_invoice_pdf
from genba.core import clock
from tests.billing.helpers import completed, issuer

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def page_png(pdf: bytes, scale: float = 2.0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=scale).to_pil().convert("L")
    document.close()
    return image


def ink(image: Image.Image) -> float:
    """The share of pixels that are not white."""
    histogram = image.histogram()
    return 1 - sum(histogram[200:]) / sum(histogram)


def text_pdf(text: str) -> bytes:
    from weasyprint import HTML

    fonts = font_paths()
    html = (
        f'<style>@font-face {{font-family: J; src: url("file://{fonts["regular"]}")}}'
        f"body {{font-family: J; font-size: 60pt}}</style><body>{text}</body>"
    )
    return HTML(string=html).write_pdf()


def test_japanese_glyphs_are_real_not_tofu():
    # Tofu is the same box for every missing character: two different strings would render alike.
    first, second = page_png(text_pdf("請求書")), page_png(text_pdf("御中様"))
    assert ink(first) > 0.005 and ink(second) > 0.005
    assert ImageChops.difference(first, second).getbbox() is not None


@pytest.fixture
def invoice(alice, carol, ken, bill, ecorpone):
    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    clock.set_now(datetime(2026, 12, 2, 10, tzinfo=JST))
    return services.invoice_issue(request=request, by=bill)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_invoice_pdf_renders_with_the_qualified_invoice_content(invoice, language):
    pdf = render_invoice_pdf(invoice, language)
    assert pdf.startswith(b"%PDF")
    assert ink(page_png(pdf)) > 0.01
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    document.close()
    for expected in (invoice.number, "T9010401234567", f"{invoice.total:,}", "Acme Inc."):
        assert expected in text
    if language == "ja":
        for words in ("請求書", "御中", "登録番号", "消費税", "お振込先", "普通"):
            assert words in text, words
    else:
        for words in ("Invoice", "Registration no.", "Consumption tax", "Bank transfer to"):
            assert words in text, words


@pytest.mark.parametrize(
    ("language", "zone_named"),
    [
        ("ja", "日付・時刻はすべて日本時間（Asia/Tokyo、UTC+09:00）です。"),
        ("en", "Dates and times in Asia/Tokyo (JST, UTC+09:00)."),
    ],
)
def test_invoice_pdf_is_written_in_the_policys_zone_and_names_it(invoice, language, zone_named):
    """Rulebook §6, whatever zone the reader's page runs in (tests/billing/test_documents_time_zone
    covers the portal, the console, the API and the CSV)."""
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        document = pdfium.PdfDocument(render_invoice_pdf(invoice, language))
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert zone_named in text
    # The visit: Tuesday 10:00-12:00 reserved, 12:00-13:00 overtime, in Tokyo.
    for expected in ("2026-12-01", "10:00–12:00", "12:00–13:00", "2026-12-02", "2027-01-29"):
        assert expected in text, expected


def test_invoice_pdf_page_saved_for_the_docs(invoice, tmp_path):
    """Writes the rendered page for a human to look at (docs/screenshots keeps one)."""
    image = page_png(render_invoice_pdf(invoice, "ja"), scale=1.5)
    path = tmp_path / "invoice.png"
    image.save(path)
    assert path.stat().st_size > 10_000
