"""The invoice PDF: Japanese text renders (real glyphs, not blank, not tofu) on a fresh machine,
because the font travels with the project's dependencies and is embedded in the PDF."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
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


def test_invoice_pdf_page_saved_for_the_docs(invoice, tmp_path):
    """Writes the rendered page for a human to look at (docs/screenshots keeps one)."""
    image = page_png(render_invoice_pdf(invoice, "ja"), scale=1.5)
    path = tmp_path / "invoice.png"
    image.save(path)
    assert path.stat().st_size > 10_000
