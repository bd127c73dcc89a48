"""The visit page: everything needed at the door, only for the engineer on the visit."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from genba.orders.attachments import attachment_add
from genba.orders.expenses import visit_expense_add
from genba.orders.models import AttachmentKind
from tests.web.field.conftest import at

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def visit(make_visit):
    return make_visit(
        "2026-11-30T10:00",
        equipment=[
            {"make": "NetApp", "model": "FAS2750", "serial": "SN-001"},
            {"make": "Cisco", "model": "C9300", "serial": "SN-002"},
        ],
        items_to_bring=["laptop", "console cable"],
        paperwork=[{"description": "Signed NDA", "done": True}],
        customer_notes="Parking at the back.",
    )


def _add_files(visit, by, n=2):
    for i in range(n):
        attachment_add(
            request=visit.request,
            by=by,
            upload=ContentFile(f"step {i}\n".encode(), name=f"instructions-{i}.txt"),
            kind=AttachmentKind.WORK_INSTRUCTIONS,
        )


def test_visit_page_shows_what_is_needed_at_the_door(ken, client_as, visit):
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert "〒100-0004" in page and "1-2-3 Otemachi" in page
    # The customer's own Google Maps link is used when given.
    assert 'href="https://maps.app.goo.gl/abc123"' in page
    assert "Show photo ID at the security desk" in page
    assert "DC-REF-889" in page
    assert "Cage 12" in page
    assert 'href="tel:+81312345678"' in page  # local contact, typed 03-1234-5678
    assert 'href="tel:+14155550132"' in page  # remote engineer, in E.164
    assert 'href="mailto:jane@acme.example"' in page
    assert "Replace the failed disk in slot 3" in page
    assert "SN-001" in page and "SN-002" in page
    assert "console cable" in page and "Signed NDA" in page
    assert "Parking at the back." in page


def test_map_link_is_an_address_search_without_a_maps_url(ken, client_as, make_visit):
    from tests.factories import complete_order

    site = dict(complete_order()["site"], maps_url="")
    visit = make_visit("2026-11-30T10:00", site=site)
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert (
        "https://www.google.com/maps/search/?api=1&amp;query=100-0004+Tokyo+Chiyoda-ku"
        "+1-2-3+Otemachi+Otemachi+Tower"
    ) in page


def test_only_the_valid_steps_are_offered(ken, client_as, visit):
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert f"/field/visits/{visit.public_id}/step/en-route/" in page
    # Arrival only after "on my way" (rulebook §3).
    assert "/step/arrive/" not in page
    assert "/step/start-work/" not in page
    assert "/sign-off/" not in page
    assert f"/field/visits/{visit.public_id}/no-access/" in page


def test_the_page_never_shows_money(ken, client_as, visit):
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert "¥" not in page and "円" not in page
    assert "12,000" not in page and "8,000" not in page  # the contract's rates


def test_visit_page_reads_in_a_fixed_number_of_queries(
    ken, client_as, visit, django_assert_num_queries
):
    _add_files(visit, ken, n=3)
    for n in range(3):
        visit_expense_add(
            visit=visit,
            by=ken,
            description=f"Taxi {n}",
            amount=1000,
            receipt=SimpleUploadedFile("taxi.png", PNG, content_type="image/png"),
        )
    client = client_as(ken)
    client.get(f"/field/visits/{visit.public_id}/")
    # session, user, organization (top bar), the visit with request, site and contacts; then one
    # query each for engineers, equipment, items, paperwork, files and his expenses.
    with django_assert_num_queries(10):
        page = client.get(f"/field/visits/{visit.public_id}/").content.decode()
    assert page.count("instructions-") == 3


def test_another_engineers_visit_is_404(emi, client_as, visit):
    client = client_as(emi)
    assert client.get(f"/field/visits/{visit.public_id}/").status_code == 404
    assert client.get(f"/field/visits/{visit.public_id}/sign-off/").status_code == 404
    assert client.post(f"/field/visits/{visit.public_id}/step/arrive/").status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_other_roles_get_404_on_the_visit(request, client_as, visit, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get(f"/field/visits/{visit.public_id}/").status_code == 404
    assert client.post(f"/field/visits/{visit.public_id}/step/arrive/").status_code == 404


def test_an_unknown_visit_is_404(ken, client_as):
    assert client_as(ken).get("/field/visits/vis_nothing/").status_code == 404


def test_visit_page_in_japanese(ken, client_as, visit):
    ken.language = "ja"
    ken.save()
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert '<html lang="ja">' in page
    assert "現地到着" in page and "入館手順" in page


def test_attachment_download_for_the_engineer_on_the_visit_only(
    ken, emi, alice, client_as, visit, make_visit
):
    _add_files(visit, ken, n=1)
    attachment = visit.request.attachments.get()
    url = f"/field/visits/{visit.public_id}/files/{attachment.public_id}/"
    response = client_as(ken).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"step 0\n"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_as(emi).get(url).status_code == 404
    assert client_as(alice).get(url).status_code == 404
    # A file of another of ken's requests is not reachable through this visit.
    other = make_visit("2026-12-08T10:00")
    _add_files(other, ken, n=1)
    foreign = other.request.attachments.get()
    assert (
        client_as(ken)
        .get(f"/field/visits/{visit.public_id}/files/{foreign.public_id}/")
        .status_code
        == 404
    )


def test_times_already_recorded_are_shown(ken, client_as, visit):
    from genba.core import clock
    from genba.orders import visit_services

    with clock.frozen_at(at("2026-11-30T09:20")):
        visit_services.visit_en_route(visit=visit, by=ken)
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert 'datetime="2026-11-30T00:20:00+00:00"' in page
