"""Rulebook §6: issued invoices, credit notes and every export are written in the policy's time
zone and name it: an issued document reads the same for every viewer.

The visit is on Tuesday 2026-12-01 at 10:00 in Tokyo, signed off at 12:45 (ecorpone: 10:00–12:00
reservation, 12:00–13:00 overtime). In Los Angeles that is Monday 30 November, 17:00 to 20:00: a
document that followed the viewer's zone would show those instead."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.utils import timezone

from genba.billing import services
from genba.billing.exports import invoices_csv
from genba.billing.models import Invoice
from genba.billing.pdf import render_invoice_pdf
from genba.billing.templatetags.billing_format import time_range, zone_note
from genba.contracts.models import Policy
from genba.core import clock
from tests.billing.helpers import completed, issuer

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = "America/Los_Angeles"
VIEWER_ZONES = [LOS_ANGELES, "Asia/Tokyo", "UTC"]

# What every reader must see, in Tokyo time.
VISIT_DAY = "2026-12-01"
TOKYO_TIMES = ("10:00–12:00", "12:00–13:00")
# What a reader in Los Angeles would see if the document followed the viewer's zone.
LOS_ANGELES_TIMES = ("17:00", "19:00", "20:00", "2026-11-30")


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def rendered_in(zone_name: str, invoice: Invoice, language: str) -> str:
    """The PDF's text as rendered while `zone_name` is the active time zone (a page request of a
    user whose profile zone it is)."""
    with timezone.override(ZoneInfo(zone_name)):
        return pdf_text(render_invoice_pdf(invoice, language))


def assert_tokyo_document(text: str, invoice: Invoice, language: str) -> None:
    for expected in (VISIT_DAY, *TOKYO_TIMES, invoice.issue_date.isoformat(), "Asia/Tokyo"):
        assert expected in text, expected
    if not invoice.is_credit_note:
        assert invoice.due_date.isoformat() in text
    if language == "ja":
        assert "日付・時刻はすべて日本時間（Asia/Tokyo、UTC+09:00）です。" in text
    else:
        assert "Dates and times in Asia/Tokyo (JST, UTC+09:00)." in text
    for wrong in LOS_ANGELES_TIMES:
        assert wrong not in text, wrong


@pytest.fixture
def invoice(alice, carol, ken, bill, ecorpone):
    issuer()
    # A deadline to issue by (as in tokyo-its), so the export carries a second instant.
    Policy.objects.filter(pk=ecorpone.pk).update(invoice_within_hours=48)
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    # 08:30 in Tokyo on 2 December is still 1 December in Los Angeles (and in UTC).
    clock.set_now(datetime(2026, 12, 2, 8, 30, tzinfo=JST))
    return services.invoice_issue(request=request, by=bill)


@pytest.fixture
def credit_note(invoice, bill):
    return services.credit_note_issue(invoice=invoice, by=bill, reason="Wrong PO number")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_los_angeles(user):
    user.time_zone = LOS_ANGELES
    user.save(update_fields=["time_zone"])
    return user


# --- PDFs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_invoice_pdf_reads_the_same_in_every_active_time_zone(invoice, language):
    texts = {zone: rendered_in(zone, invoice, language) for zone in VIEWER_ZONES}
    assert texts[LOS_ANGELES] == texts["Asia/Tokyo"] == texts["UTC"]
    assert_tokyo_document(texts[LOS_ANGELES], invoice, language)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_credit_note_pdf_reads_the_same_in_every_active_time_zone(credit_note, language):
    texts = {zone: rendered_in(zone, credit_note, language) for zone in VIEWER_ZONES}
    assert texts[LOS_ANGELES] == texts["Asia/Tokyo"] == texts["UTC"]
    assert_tokyo_document(texts[LOS_ANGELES], credit_note, language)
    assert credit_note.credits.number in texts[LOS_ANGELES]


def test_the_language_may_differ_but_not_the_dates_and_times(invoice):
    japanese, english = (rendered_in(LOS_ANGELES, invoice, language) for language in ("ja", "en"))
    assert "請求書" in japanese and "Invoice" in english
    for expected in (VISIT_DAY, *TOKYO_TIMES, invoice.issue_date.isoformat()):
        assert expected in japanese and expected in english


def test_a_customer_in_los_angeles_downloads_the_same_pdf_as_billing_in_tokyo(alice, bill, invoice):
    """The portal and the console activate the signed-in user's profile zone for the page."""
    in_los_angeles(alice)
    assert bill.time_zone == "Asia/Tokyo"
    customer = signed_in(alice).get(f"/portal/invoices/{invoice.public_id}.pdf?language=en")
    clerk = signed_in(bill).get(f"/console/invoices/{invoice.public_id}/pdf/?language=en")
    assert customer.status_code == clerk.status_code == 200
    text = pdf_text(customer.content)
    assert text == pdf_text(clerk.content)
    assert_tokyo_document(text, invoice, "en")


def test_the_api_serves_the_same_pdf_to_a_caller_in_los_angeles(alice, api_as, invoice):
    api = api_as(in_los_angeles(alice))
    response = api.get(f"invoices/{invoice.public_id}/pdf?language=ja")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text == rendered_in("Asia/Tokyo", invoice, "ja")
    assert_tokyo_document(text, invoice, "ja")


def test_the_api_gives_the_documents_instants_with_the_policys_offset(alice, api_as, invoice):
    api = api_as(in_los_angeles(alice))
    with timezone.override(ZoneInfo(LOS_ANGELES)):
        document = api.get(f"invoices/{invoice.public_id}").json()
    assert document["issue_date"] == "2026-12-02"
    assert document["issued_at"] == "2026-12-02T08:30:00+09:00"
    assert [(line["start"], line["end"]) for line in document["lines"]] == [
        ("2026-12-01T10:00:00+09:00", "2026-12-01T12:00:00+09:00"),
        ("2026-12-01T12:00:00+09:00", "2026-12-01T13:00:00+09:00"),
    ]


def test_the_billing_queue_gives_its_instants_with_the_policys_offset(
    alice, carol, ken, bill, api_as, ecorpone
):
    Policy.objects.filter(pk=ecorpone.pk).update(invoice_within_hours=48)
    completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    (row,) = api_as(in_los_angeles(bill)).get("invoices/queue").json()
    assert (row["completed_at"], row["deadline_at"]) == (
        "2026-12-01T12:45:00+09:00",
        "2026-12-03T12:45:00+09:00",
    )


def test_a_document_is_written_in_its_policys_zone_not_in_tokyo_by_habit(
    alice, carol, ken, bill, ecorpone
):
    """The zone comes from the policy, not from a constant: a policy kept in New York time
    writes the same visit (Tuesday 10:00 in Tokyo) as Monday evening, and says so."""
    issuer()
    Policy.objects.filter(pk=ecorpone.pk).update(time_zone="America/New_York")
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    invoice = services.invoice_issue(request=request, by=bill)
    assert invoice.time_zone == "America/New_York"
    text = rendered_in("Asia/Tokyo", invoice, "en")
    assert "Dates and times in America/New_York (EST, UTC-05:00)." in text
    assert "2026-11-30" in text and "20:00–22:00" in text and "22:00–23:00" in text
    assert "10:00–12:00" not in text


def test_an_issued_document_keeps_its_zone_when_the_policy_changes_later(invoice, ecorpone):
    before = rendered_in("Asia/Tokyo", invoice, "en")
    Policy.objects.filter(pk=ecorpone.pk).update(time_zone="America/New_York")
    after = rendered_in("Asia/Tokyo", Invoice.objects.get(pk=invoice.pk), "en")
    assert after == before
    assert "Asia/Tokyo" in after and "America/New_York" not in after


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_export_reads_the_same_in_every_active_time_zone(credit_note):
    exports = {}
    for zone in VIEWER_ZONES:
        with timezone.override(ZoneInfo(zone)):
            exports[zone] = invoices_csv(Invoice.objects.order_by("number"))
    assert exports[LOS_ANGELES] == exports["Asia/Tokyo"] == exports["UTC"]
    header, note_row, invoice_row = exports[LOS_ANGELES].removeprefix("\ufeff").splitlines()
    assert header.endswith(",発行日時 Issued at,発行期限 Invoice deadline,タイムゾーン Time zone")
    assert invoice_row.startswith("INV-2026-000001,invoice,2026-12-02,")
    assert invoice_row.endswith(",2026-12-02T08:30:00+09:00,2026-12-03T12:45:00+09:00,Asia/Tokyo")
    assert note_row.endswith(",2026-12-02T08:30:00+09:00,,Asia/Tokyo")


def test_billing_in_los_angeles_exports_the_same_csv_from_the_console_and_the_api(
    bill, api_as, credit_note
):
    in_los_angeles(bill)
    console = signed_in(bill).get("/console/billing/export.csv?year=2026")
    api = api_as(bill).get("invoices/export.csv?year=2026")
    assert console.status_code == api.status_code == 200
    text = console.content.decode("utf-8-sig")
    assert text == api.content.decode("utf-8-sig")
    with timezone.override(JST):
        assert text == invoices_csv(Invoice.objects.order_by("issue_date", "number")).lstrip(
            "\ufeff"
        )
    assert "2026-12-02T08:30:00+09:00" in text and "Asia/Tokyo" in text
    assert "2026-12-01T15:30" not in text  # the same instant in Los Angeles


# --- how a zone is named and a night line is written ---------------------------------------------


def test_a_zone_with_daylight_saving_names_each_abbreviation_its_times_use():
    zone = ZoneInfo("America/New_York")
    winter = datetime(2026, 1, 10, 15, tzinfo=zone)
    summer = datetime(2026, 7, 10, 15, tzinfo=zone)
    assert (
        zone_note(zone, [winter, summer], "en")
        == "Dates and times in America/New_York (EST/EDT, UTC-05:00/UTC-04:00)."
    )
    assert (
        zone_note(JST, [winter], "ja")
        == "日付・時刻はすべて日本時間（Asia/Tokyo、UTC+09:00）です。"
    )


def test_a_line_past_midnight_carries_its_end_date():
    start = datetime(2026, 12, 1, 22, tzinfo=JST)
    assert time_range(start, datetime(2026, 12, 2, 0, tzinfo=JST), JST) == "22:00–24:00"
    assert time_range(start, datetime(2026, 12, 2, 1, tzinfo=JST), JST) == "22:00–2026-12-02 01:00"
    # The same instants written in UTC fall on one day.
    assert time_range(start, datetime(2026, 12, 2, 1, tzinfo=JST), ZoneInfo("UTC")) == "13:00–16:00"
