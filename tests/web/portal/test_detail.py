"""A request's page: facts, findings, proposals with the engineers, visits, files, timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genba.core import clock
from genba.core.models import AuditEvent
from tests.orders.helpers import VISIT_START, new_request, on_site, proposed, submitted
from tests.web.portal.helpers import with_photo_id

pytestmark = pytest.mark.django_db


def url(request) -> str:
    return f"/portal/requests/{request.public_id}/"


def test_shows_the_facts_of_the_request(alice, client_as):
    request = new_request(alice)
    page = client_as(alice).get(url(request)).content.decode()
    assert "Replace failed disk in storage array" in page
    assert "PO-4711" in page and "Otemachi DC" in page and "〒100-0004" in page
    assert "Taro Yamada" in page and "Jane Doe" in page and "SN-001" in page
    assert "laptop" in page
    assert "This is a draft" in page
    assert f'action="/portal/requests/{request.public_id}/submit/"' in page
    assert f'href="/portal/requests/{request.public_id}/edit/"' in page


def test_visit_windows_are_in_the_viewers_zone_with_jst(alice, client_as):
    alice.time_zone = "America/Los_Angeles"
    alice.save()
    request = new_request(alice)  # visit Tue 2026-12-08 10:00 JST = Mon 7 Dec 17:00 PST
    page = client_as(alice).get(url(request)).content.decode()
    assert "Dec. 7, 2026, 5 p.m. PST" in page
    assert "Dec. 8, 2026, 10 a.m. JST" in page


def test_open_findings_are_listed_with_links_to_the_field(alice, client_as):
    request = new_request(alice, languages=[], site=None)
    page = client_as(alice).get(url(request)).content.decode()
    assert "No working language is given" in page
    assert f"/portal/requests/{request.public_id}/edit/#id_languages_0" in page
    assert "#id_site_name" in page


def test_estimate_splits_business_and_after_hours(alice, client_as):
    request = new_request(
        alice, visits=[{"scheduled_start": "2026-12-08T16:00:00+09:00", "reserved_hours": "4"}]
    )
    page = client_as(alice).get(url(request)).content.decode()
    assert "¥24,000" in page  # 2 h business at the senior rate
    assert "¥36,000" in page  # 2 h after hours × 1.5
    assert "¥66,000" in page  # total with 10% tax


def test_timeline_lists_each_transition_with_who_and_when(alice, carol, ken, client_as):
    request, _proposal = proposed(alice, carol, ken)
    alice.time_zone = "Europe/London"
    alice.save()
    page = client_as(alice).get(url(request)).content.decode()
    assert "Request created" in page
    assert "Submitted to the provider" in page and "Draft → Submitted" in page
    assert "Engineer proposed" in page
    assert "Carol" in page
    assert "carol@genba.example" not in page.split('id="h-timeline"')[1]
    assert "GMT" in page and "JST" in page


def test_timeline_leaves_out_events_of_other_organizations(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    profile = with_photo_id(ken, carol)  # the photo_id_set event belongs to the provider
    page = client_as(alice).get(url(request)).content.decode()
    timeline = page.split('id="h-timeline"')[1]
    assert "photo_id_set" not in timeline
    assert AuditEvent.objects.filter(object_id=profile.public_id).exists()


def test_proposal_shows_engineer_name_contact_and_photo_id(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    profile = with_photo_id(ken, carol)
    page = client_as(alice).get(url(request)).content.decode()
    assert "Ken Sato" in page and "+819012345678" in page and "ken@genba.example" in page
    photo = f"/portal/requests/{request.public_id}/proposals/{proposal.public_id}/engineers/{profile.public_id}/photo-id/"
    assert photo in page
    assert f'/proposals/{proposal.public_id}/approve/"' in page
    assert f'/proposals/{proposal.public_id}/decline/"' in page


def test_engineers_are_hidden_once_the_request_is_closed(alice, carol, ken, client_as):
    from genba.orders import services

    request, proposal = proposed(alice, carol, ken)
    services.request_cancel(request=request, by=alice, reason="No longer needed")
    page = client_as(alice).get(url(request)).content.decode()
    assert "Ken Sato" not in page and "ken@genba.example" not in page
    assert "No longer needed" in page


def test_sign_off_form_appears_when_the_engineer_is_on_site(alice, carol, ken, client_as):
    request, visit = on_site(alice, carol, ken)
    client = client_as(alice)
    page = client.get(url(request)).content.decode()
    assert "badge-on_site" in page
    # On site ten minutes early: a sign-off counts from the scheduled start (rulebook §5.3).
    assert "/sign-off/" not in page
    clock.set_now(VISIT_START + timedelta(hours=1))
    assert f"/visits/{visit.public_id}/sign-off/" in client.get(url(request)).content.decode()


def test_other_customer_and_other_roles_get_404(alice, bob, carol, ken, client_as):
    request = submitted(alice)
    for user in (bob, carol, ken):
        assert client_as(user).get(url(request)).status_code == 404
    assert client_as(alice).get("/portal/requests/req_doesnotexist000/").status_code == 404


def test_query_count_is_fixed(alice, carol, ken, client_as, django_assert_num_queries):
    from genba.dispatch.services import proposal_create, proposal_withdraw

    with_photo_id(ken, carol)
    request, proposal = proposed(alice, carol, ken)
    client = client_as(alice)
    client.get(url(request))
    # +2: the provider's numbers (findings, footer); +1: the proposal's travel (issue 13 item 2)
    with django_assert_num_queries(21) as first:
        client.get(url(request))
    # One more proposal, more audit rows, another file: the same number of queries.
    proposal_withdraw(proposal=proposal, by=carol)
    proposal_create(request=request, by=carol, engineers=[ken])
    from django.core.files.uploadedfile import SimpleUploadedFile

    from genba.orders.attachments import attachment_add

    attachment_add(
        request=request, by=alice, upload=SimpleUploadedFile("a.txt", b"hello"), kind="other"
    )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url(request))


def test_renders_in_japanese(alice, carol, ken, client_as):
    request, _proposal = proposed(alice, carol, ken)
    alice.language = "ja"
    alice.save()
    page = client_as(alice).get(url(request)).content.decode()
    assert '<html lang="ja">' in page
    assert "履歴" in page and "承認する" in page
    assert "badge-proposed" in page
