"""Regression tests of issue 11's bounds on the pages and in e-mail intake (both databases): the
same bounds as the API, shown next to the field, nothing saved; a stored `javascript:` map link is
never rendered as an href."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client

from genba.messaging.intake.process import process_message
from genba.orders.models import ServiceRequest
from genba.sites.models import Site
from tests.messaging.test_intake_smtp import ORDER
from tests.orders.helpers import approved, new_request, reload
from tests.web.portal.helpers import form_data

pytestmark = pytest.mark.django_db

JS = "javascript:alert(1)"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the portal's request form ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"visits-0-date": "9999-12-31", "visits-0-time": "23:59"}, "visits-0-date"),
        ({"visits-0-date": "0001-01-01", "visits-0-time": "00:00"}, "visits-0-date"),
        ({"title": "disk\x00swap"}, "title"),
        ({"title": "x\tBcc: y"}, "title"),
        ({"site_maps_url": JS}, "site_maps_url"),
        ({"equipment-0-make": "m" * 101}, "equipment-0-make"),
    ],
)
def test_the_portal_form_refuses_what_the_api_refuses_and_saves_nothing(alice, override, field):
    response = signed_in(alice).post(
        "/portal/requests/new/", {**form_data(**override), "action": "draft"}
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert ServiceRequest.objects.count() == 0
    assert signed_in(alice).get("/portal/").status_code == 200


def test_a_nul_in_a_page_path_or_search_is_no_500(alice):
    client = signed_in(alice)
    assert client.get("/portal/requests/req_%00/").status_code == 404
    assert client.get("/portal/?q=disk%00").status_code == 400


# --- the console's reschedule -----------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-31T23:59", "0001-01-01T00:00", "2029-06-01T10:00"])
def test_a_reschedule_outside_the_window_is_refused_next_to_the_field(carol, alice, ken, start):
    visit = approved(alice, carol, ken).visits.get()
    before = visit.scheduled_start
    response = signed_in(carol).post(
        f"/console/requests/{visit.request.public_id}/visits/{visit.public_id}/reschedule/",
        {f"rs-{visit.public_id}-scheduled_start": start},
    )
    assert response.status_code == 422
    assert f'id="id_rs-{visit.public_id}-scheduled_start_error"' in response.content.decode()
    assert reload(visit).scheduled_start == before
    assert signed_in(carol).get("/console/").status_code == 200


# --- a stored javascript: link ----------------------------------------------------------------


def test_a_stored_javascript_map_link_is_never_an_href(alice, carol, ken):
    request = approved(alice, carol, ken)
    # Stored before the bound (or through the back office): written directly.
    Site.objects.filter(pk=request.site_id).update(maps_url=JS)
    visit = request.visits.get()
    pages = [
        (alice, f"/portal/requests/{request.public_id}/"),
        (carol, f"/console/requests/{request.public_id}/"),
        (ken, f"/field/visits/{visit.public_id}/"),
    ]
    for user, path in pages:
        response = signed_in(user).get(path)
        assert response.status_code == 200, path
        assert 'href="javascript:' not in response.content.decode().lower(), path


def test_an_https_map_link_is_still_rendered(alice, carol, ken):
    request = approved(alice, carol, ken)
    page = signed_in(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    assert 'href="https://maps.app.goo.gl/abc123"' in page


# --- e-mail intake ------------------------------------------------------------------------------


def _mail(sender: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@genba.example"
    message["Subject"] = "Order: disk replacement"
    message["Message-ID"] = "<bounds-1@acme.example>"
    message.set_content(body)
    return bytes(message)


@pytest.mark.django_db(transaction=True)
def test_a_far_date_in_a_mail_is_reported_naming_the_field_and_not_saved(alice):
    body = ORDER.replace("2026-12-08 10:00 JST", "9999-12-31 23:59 JST")
    process_message(_mail(alice.email, body))
    request = ServiceRequest.objects.get()
    assert all(v.scheduled_start is None for v in request.visits.all())
    reply = mail.outbox[-1].body
    assert "visits[0].scheduled_start" in reply
    assert signed_in(alice).get("/portal/").status_code == 200


def test_a_request_saved_in_the_window_still_loads(alice):
    new_request(alice)
    assert signed_in(alice).get("/portal/").status_code == 200
