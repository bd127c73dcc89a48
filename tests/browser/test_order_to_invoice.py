"""The whole flow through the pages alone, in a real browser, once in English and once in Japanese:
the customer orders (leaving out the PO number, which the check flags as she types), the coordinator
asks for it, the customer adds it, the coordinator proposes an engineer, the customer approves, the
coordinator releases, the engineer sets out and arrives (each step confirmed with a second tap) and
gets the customer's signature, billing issues the invoice, the customer downloads it.

Buttons are found by their form's action (the same in both languages); what the user reads is
checked in the user's language through Django's own catalogs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

from genba.billing.models import Invoice
from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.photo_ids import photo_id_set
from genba.orders.models import RequestStatus, ServiceRequest, Visit, VisitStatus
from tests.billing.helpers import issuer
from tests.browser.conftest import shoot, sign_in
from tests.dispatch.helpers import profile_for
from tests.orders.helpers import VISIT_START

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"

ORDER = {
    "title": "Replace failed disk in storage array",
    "work_description": "Replace the failed disk in slot 3 of the array, then confirm the "
    "rebuild with the remote engineer before leaving.",
    "site_name": "Otemachi DC",
    "site_company_name": "Acme KK",
    "site_postal_code": "100-0004",
    "site_prefecture": "Tokyo",
    "site_city": "Chiyoda-ku",
    "site_street": "1-2-3 Otemachi",
    "site_building": "Otemachi Tower",
    "site_floor": "5",
    "site_room": "Cage 12",
    "site_entry_instructions": "Show photo ID at the security desk; escort to the 5th floor.",
    "site_maps_url": "https://maps.app.goo.gl/abc123",
    "datacenter_reference": "DC-REF-889",
    "local_name": "Taro Yamada",
    "local_phone": "03-1234-5678",
    "local_email": "yamada@acme.example",
    "remote_name": "Jane Doe",
    "remote_phone": "+1 415 555 0132",
    "remote_email": "jane@acme.example",
    "visits-0-date": "2026-12-08",
    "visits-0-time": "10:00",
    "visits-0-hours": "3",
    "equipment-0-make": "NetApp",
    "equipment-0-model": "FAS2750",
    "equipment-0-serial": "SN-001",
    "items-0-name": "laptop",
}


def says(page, text: str) -> None:
    """The page shows `text` (already translated by the caller)."""
    assert text in page.content(), f"{text!r} not on {page.url}"


def click(page, form_action_suffix: str) -> None:
    page.locator(f"form[action$='{form_action_suffix}'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def confirm_step(page, step: str) -> None:
    """An engineer's step asks once more: the first tap opens the question, the second sends it."""
    form = page.locator(f"form[action$='/step/{step}/']")
    button = form.locator("button[type=submit]")
    assert not button.is_visible()  # nothing is recorded on the first tap
    page.locator("details.confirm-step", has=form).locator("summary").click()
    button.click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def cast(alice, carol, ken, bill, ecorpone):
    for user in (alice, carol, ken, bill):
        user.set_password(PASSWORD)
        user.save()
    alice.time_zone = "America/Los_Angeles"
    alice.save()
    issuer()
    # A real picture for Ken's photo ID, so that the browser has to decode what the portal serves.
    picture = io.BytesIO()
    Image.new("RGB", (120, 160), (40, 90, 160)).save(picture, "PNG")
    profile = photo_id_set(
        profile=profile_for(ken),
        upload=SimpleUploadedFile("ken.png", picture.getvalue(), content_type="image/png"),
        by=carol,
    )
    return {"alice": alice, "carol": carol, "ken": ken, "bill": bill, "ken_profile": profile}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_order_to_invoice_through_the_pages(new_page, cast, language):
    for user in ("alice", "carol", "ken", "bill"):
        cast[user].language = language
        cast[user].save()
    shot = f"{language}-"

    def t(text: str) -> str:
        with translation.override(language):
            return gettext(text)

    # The customer orders, forgetting the PO number; the check says so while she types.
    customer = new_page()
    sign_in(customer, cast["alice"].email, PASSWORD)
    assert customer.locator("html").get_attribute("lang") == language
    customer.goto("/portal/requests/new/")
    for name, value in ORDER.items():
        customer.fill(f"[name='{name}']", value)
    customer.check("[name=site_is_datacenter]")
    customer.check("[name=languages][value=en]")
    customer.select_option("[name=skill_level]", "senior")
    customer.wait_for_selector("#preview li a[href='#id_reference']")
    # Once all is typed, the panel has no red item left and the estimate follows the visit.
    # Locator waits, not wait_for_function: its predicate is eval'd in the page, which the CSP
    # (no 'unsafe-eval') rightly refuses.
    expect(customer.locator("#preview li.error")).to_have_count(0)
    expect(customer.locator("#preview")).to_contain_text("¥")
    shoot(customer, shot + "portal-request-form")
    customer.locator("button[name=action][value=submit]").click()
    customer.wait_for_load_state("networkidle")
    request = ServiceRequest.objects.get()
    says(customer, t("Request %(id)s sent to the provider.") % {"id": request.public_id})
    assert request.status == RequestStatus.SUBMITTED
    assert not request.reference

    # The coordinator sees it in the inbox and asks for what is missing, in one click.
    coordinator = new_page()
    sign_in(coordinator, cast["carol"].email, PASSWORD)
    coordinator.click(f"a[href='/console/requests/{request.public_id}/']")
    coordinator.wait_for_load_state("networkidle")
    shoot(coordinator, shot + "console-request-checklist")
    click(coordinator, "/ask-info/")
    assert ServiceRequest.objects.get().status == RequestStatus.INFO_REQUESTED

    # The customer adds the PO number and sends the request again.
    customer.goto(f"/portal/requests/{request.public_id}/edit/")
    customer.fill("[name=reference]", "PO-4711")
    customer.locator("button[name=action][value=submit]").click()
    customer.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert (request.status, request.reference) == (RequestStatus.SUBMITTED, "PO-4711")

    # The coordinator proposes Ken from the ranked engineers.
    coordinator.reload()
    coordinator.check(f"input[name=engineers][value='{cast['ken_profile'].public_id}']")
    click(coordinator, "/propose/")
    assert ServiceRequest.objects.get().status == RequestStatus.PROPOSED

    # The customer sees the engineer and approves.
    customer.goto(f"/portal/requests/{request.public_id}/")
    says(customer, "Ken")
    photo = customer.locator("img[src*='/photo-id/']")
    photo.scroll_into_view_if_needed()
    expect(photo).to_have_js_property("naturalWidth", 120)
    assert AuditEvent.objects.filter(action="photo_id_viewed", actor=cast["alice"]).exists()
    shoot(customer, shot + "portal-proposal")
    click(customer, "/approve/")
    says(customer, t("Proposal approved: the visit is booked."))
    assert ServiceRequest.objects.get().status == RequestStatus.APPROVED

    # The coordinator releases the visit to the engineer.
    coordinator.reload()
    click(coordinator, "/release/")
    assert ServiceRequest.objects.get().status == RequestStatus.RELEASED

    # On the day, the engineer's phone: on my way, arrived, work started, the customer signs.
    clock.set_now(VISIT_START - timedelta(minutes=40))
    engineer = new_page(width=390, height=844)
    sign_in(engineer, cast["ken"].email, PASSWORD)
    visit = Visit.objects.get()
    engineer.click(f"a[href='/field/visits/{visit.public_id}/']")
    engineer.wait_for_load_state("networkidle")
    shoot(engineer, shot + "field-visit")
    # Arrival is offered only once the engineer is on the way (rulebook §3).
    assert engineer.locator("form[action$='/step/arrive/']").count() == 0
    confirm_step(engineer, "en-route")
    assert Visit.objects.get().status == VisitStatus.EN_ROUTE
    clock.set_now(VISIT_START - timedelta(minutes=10))
    confirm_step(engineer, "arrive")
    clock.set_now(VISIT_START)
    confirm_step(engineer, "start-work")
    assert Visit.objects.get().status == VisitStatus.WORKING
    clock.set_now(VISIT_START + timedelta(hours=2, minutes=50))
    engineer.click(f"a[href='/field/visits/{visit.public_id}/sign-off/']")
    engineer.wait_for_load_state("networkidle")
    engineer.fill("[name=signer_name]", "Taro Yamada")
    pad = engineer.locator("#signature-canvas")
    box = pad.bounding_box()
    engineer.mouse.move(box["x"] + 20, box["y"] + 100)
    engineer.mouse.down()
    for step in range(1, 12):
        engineer.mouse.move(box["x"] + 20 + step * 25, box["y"] + 100 + (-1) ** step * 30)
    engineer.mouse.up()
    shoot(engineer, shot + "field-sign-off")
    engineer.locator("#sign-off-form button[type=submit]").click()
    engineer.wait_for_load_state("networkidle")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SIGNED_OFF
    assert visit.signed_off_by_name == "Taro Yamada"
    assert request.attachments.filter(original_name__startswith="signature").exists()
    assert ServiceRequest.objects.get().status == RequestStatus.COMPLETED

    # Billing issues the invoice from the queue.
    clock.set_now(VISIT_START + timedelta(hours=5))
    billing = new_page()
    sign_in(billing, cast["bill"].email, PASSWORD)
    assert billing.url.endswith("/console/billing/")
    shoot(billing, shot + "console-billing-queue")
    click(billing, f"/console/requests/{request.public_id}/invoice/")
    invoice = Invoice.objects.get()
    assert ServiceRequest.objects.get().status == RequestStatus.INVOICED

    # The customer downloads it.
    customer.goto("/portal/invoices/")
    says(customer, invoice.number)
    shoot(customer, shot + "portal-invoices")
    link = customer.locator(f"a[href^='/portal/invoices/{invoice.public_id}.pdf']").first
    pdf = customer.request.get(link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
