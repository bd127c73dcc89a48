"""The request page's forms for one visit of an approved or running request: reassign, reschedule,
cancel the visit, undo the last step. Each POST calls its one service; a refusal is shown under
its form and changes nothing; only coordinators and admins reach them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.core.models import AuditEvent
from genba.dispatch.models import Booking, BookingStatus
from genba.orders.models import RequestStatus, VisitStatus
from tests.dispatch.helpers import engineer
from tests.factories import JST
from tests.orders.helpers import VISIT_START, approved, on_site, released, reload
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db

SECOND = VISIT_START + timedelta(days=1)  # Wednesday 2026-12-09 10:00 JST


def url(visit, action: str) -> str:
    return f"/console/requests/{visit.request.public_id}/visits/{visit.public_id}/{action}/"


def confirmed(visit):
    return list(Booking.objects.filter(visit=visit, status=BookingStatus.CONFIRMED))


def crew(visit):
    return list(reload(visit).assigned_engineers.all())


def two_visits(alice, carol, ken):
    request = approved(
        alice,
        carol,
        ken,
        visits=[
            {"scheduled_start": VISIT_START.isoformat(), "reserved_hours": "3"},
            {"scheduled_start": SECOND.isoformat(), "reserved_hours": "3"},
        ],
    )
    return request, *request.visits.order_by("scheduled_start")


# --- reassign ---------------------------------------------------------------------------------


def test_reassigning_a_visit_to_another_engineer(client_as, carol, alice, ken, provider):
    other = engineer(provider)
    visit = approved(alice, carol, ken).visits.get()
    client = client_as(carol)
    form = client.get(f"/console/requests/{visit.request.public_id}/").context["visits"][0]
    # The select lists the ranked engineers, the current one picked.
    assert form["reassign_form"]["engineer_0"].value() == ken.engineer_profile.public_id
    response = client.post(
        url(visit, "reassign"),
        {
            f"ra-{visit.public_id}-engineer_0": other.public_id,
            f"ra-{visit.public_id}-reason": "Ken is ill",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/console/requests/{visit.request.public_id}/"
    assert crew(visit) == [other.user]
    assert [b.engineer for b in confirmed(visit)] == [other.user]
    event = AuditEvent.objects.get(object_id=visit.public_id, action="reassigned")
    assert event.reason == "Ken is ill"
    assert "The visit now goes to" in page(response) and str(other) in page(response)


def test_a_reassignment_to_a_busy_engineer_is_refused_under_the_form(
    client_as, carol, alice, bob, ken, provider
):
    other = engineer(provider)
    approved(bob, carol, other.user)  # busy at the same time
    visit = approved(alice, carol, ken).visits.get()
    bookings = confirmed(visit)
    response = client_as(carol).post(
        url(visit, "reassign"), {f"ra-{visit.public_id}-engineer_0": other.public_id}
    )
    assert response.status_code == 422
    html = page(response)
    assert f'id="id_ra-{visit.public_id}-engineer_0_error"' in html  # next to the select
    assert '<details class="visit-change" open>' in html
    assert crew(visit) == [ken] and confirmed(visit) == bookings
    assert not AuditEvent.objects.filter(object_id=visit.public_id, action="reassigned").exists()


def test_an_unknown_engineer_is_refused_by_the_form(client_as, carol, alice, ken):
    visit = approved(alice, carol, ken).visits.get()
    response = client_as(carol).post(
        url(visit, "reassign"), {f"ra-{visit.public_id}-engineer_0": "eng_nobody"}
    )
    assert response.status_code == 422
    assert crew(visit) == [ken]


# --- reschedule -------------------------------------------------------------------------------


def test_rescheduling_moves_the_visit_and_its_bookings(client_as, carol, alice, ken):
    visit = approved(alice, carol, ken).visits.get()
    client = client_as(carol)
    form = client.get(f"/console/requests/{visit.request.public_id}/").context["visits"][0]
    # The field shows the current start in Japan time.
    assert form["reschedule_form"]["scheduled_start"].value() == "2026-12-08T10:00"
    response = client.post(
        url(visit, "reschedule"),
        {
            f"rs-{visit.public_id}-scheduled_start": "2026-12-09T10:00",
            f"rs-{visit.public_id}-reserved_hours": "4",
            f"rs-{visit.public_id}-reason": "Customer asked for Wednesday",
        },
        follow=True,
    )
    assert "The visit now starts 2026-12-09 10:00 JST, for 4 h." in page(response)
    visit = reload(visit)
    assert visit.scheduled_start == SECOND and visit.reserved_hours == 4
    (booking,) = confirmed(visit)
    assert booking.starts_at == SECOND and booking.engineer == ken
    assert AuditEvent.objects.filter(object_id=visit.public_id, action="rescheduled").exists()


@pytest.mark.parametrize(
    ("start", "why"),
    [("2026-11-01T10:00", "The new start must be in the future."), ("soon", "Enter a date")],
)
def test_a_reschedule_refused_shows_why_next_to_the_field_and_changes_nothing(
    client_as, carol, alice, ken, start, why
):
    visit = approved(alice, carol, ken).visits.get()
    response = client_as(carol).post(
        url(visit, "reschedule"), {f"rs-{visit.public_id}-scheduled_start": start}
    )
    assert response.status_code == 422
    html = page(response)
    assert f'id="id_rs-{visit.public_id}-scheduled_start_error"' in html and why in html
    assert reload(visit).scheduled_start == VISIT_START
    assert confirmed(visit)[0].starts_at == VISIT_START


def test_a_reschedule_onto_the_engineers_other_booking_is_refused(
    client_as, carol, alice, bob, ken
):
    approved(
        bob, carol, ken, visits=[{"scheduled_start": SECOND.isoformat(), "reserved_hours": "3"}]
    )
    visit = approved(alice, carol, ken).visits.get()
    response = client_as(carol).post(
        url(visit, "reschedule"), {f"rs-{visit.public_id}-scheduled_start": "2026-12-09T10:00"}
    )
    assert response.status_code == 422
    assert f'id="id_rs-{visit.public_id}-scheduled_start_error"' in page(response)
    assert reload(visit).scheduled_start == VISIT_START


# --- cancel one visit -------------------------------------------------------------------------


def test_cancelling_one_visit_leaves_the_other(client_as, carol, alice, ken):
    request, first, second = two_visits(alice, carol, ken)
    response = client_as(carol).post(
        url(second, "cancel"), {f"vc-{second.public_id}-reason": "Done in one day"}, follow=True
    )
    assert "The visit was cancelled" in page(response)
    assert reload(second).status == VisitStatus.CANCELLED
    assert reload(second).ended_reason == "Done in one day"
    assert reload(first).status == VisitStatus.PLANNED
    assert reload(request).status == RequestStatus.APPROVED
    assert confirmed(second) == [] and len(confirmed(first)) == 1


def test_cancelling_a_visit_needs_a_reason(client_as, carol, alice, ken):
    _request, _first, second = two_visits(alice, carol, ken)
    response = client_as(carol).post(url(second, "cancel"), {f"vc-{second.public_id}-reason": ""})
    assert response.status_code == 422
    assert f'id="id_vc-{second.public_id}-reason_error"' in page(response)
    assert reload(second).status == VisitStatus.PLANNED


def test_a_visit_under_way_cannot_be_cancelled(client_as, carol, alice, ken):
    _request, visit = on_site(alice, carol, ken)
    response = client_as(carol).post(
        url(visit, "cancel"), {f"vc-{visit.public_id}-reason": "Changed our mind"}
    )
    assert response.status_code == 422
    assert "flash-error" in page(response)
    assert reload(visit).status == VisitStatus.ON_SITE


# --- undo the last step -----------------------------------------------------------------------


def test_undoing_a_mistaken_arrival(client_as, carol, alice, ken):
    request, visit = on_site(alice, carol, ken)
    response = client_as(carol).post(
        url(visit, "undo-step"),
        {f"vu-{visit.public_id}-reason": "Tapped at the wrong building"},
        follow=True,
    )
    assert "The last step was undone: the visit is En route again." in page(response)
    visit = reload(visit)
    assert visit.status == VisitStatus.EN_ROUTE and visit.arrived_at is None
    event = AuditEvent.objects.get(object_id=visit.public_id, action="step_undone")
    assert event.reason == "Tapped at the wrong building"
    assert reload(request).status == RequestStatus.IN_PROGRESS


def test_undo_needs_a_reason_shown_next_to_the_field(client_as, carol, alice, ken):
    _request, visit = on_site(alice, carol, ken)
    response = client_as(carol).post(url(visit, "undo-step"), {f"vu-{visit.public_id}-reason": " "})
    assert response.status_code == 422
    assert f'id="id_vu-{visit.public_id}-reason_error"' in page(response)
    assert reload(visit).status == VisitStatus.ON_SITE


def test_nothing_to_undo_on_a_released_visit(client_as, carol, alice, ken):
    visit = released(alice, carol, ken).visits.get()
    response = client_as(carol).post(
        url(visit, "undo-step"), {f"vu-{visit.public_id}-reason": "Just in case"}
    )
    assert response.status_code == 422
    assert "Cannot undo a step" in page(response)
    assert reload(visit).status == VisitStatus.RELEASED
    assert not AuditEvent.objects.filter(action="step_undone").exists()


# --- who may, and how -------------------------------------------------------------------------

ACTIONS = ("reassign", "reschedule", "cancel", "undo-step")


@pytest.mark.parametrize("who", ["alice", "bob", "ken", "bill"])
def test_only_staff_reach_the_visit_forms(request, client_as, carol, alice, ken, who):
    _request, visit = on_site(alice, carol, ken)
    client = client_as(request.getfixturevalue(who))
    for action in ACTIONS:
        assert client.post(url(visit, action), {}).status_code == 404, action
    assert reload(visit).status == VisitStatus.ON_SITE


def test_a_visit_of_another_request_is_404(client_as, carol, alice, bob, ken, provider):
    mine = approved(alice, carol, ken)
    theirs = approved(bob, carol, engineer(provider).user).visits.get()
    client = client_as(carol)
    for action in ACTIONS:
        path = f"/console/requests/{mine.public_id}/visits/{theirs.public_id}/{action}/"
        assert client.post(path, {}).status_code == 404, action
    assert reload(theirs).status == VisitStatus.PLANNED


def test_the_visit_forms_need_csrf_and_post(client_as, carol, alice, ken):
    _request, visit = on_site(alice, carol, ken)
    strict = client_as(carol, enforce_csrf_checks=True)
    assert (
        strict.post(url(visit, "undo-step"), {f"vu-{visit.public_id}-reason": "x"}).status_code
        == 403
    )
    assert client_as(carol).get(url(visit, "undo-step")).status_code == 405
    assert reload(visit).status == VisitStatus.ON_SITE


def test_the_page_with_visit_forms_takes_a_fixed_number_of_queries(
    client_as, carol, alice, bob, ken, provider, django_assert_num_queries
):
    one = approved(alice, carol, ken)
    client = client_as(carol)
    path = f"/console/requests/{one.public_id}/"
    client.get(path)
    with CaptureQueriesContext(connection) as before:
        client.get(path)
    # More engineers to rank, and a request with two visits: the same number of queries.
    engineer(provider)
    engineer(provider, work_days=[6])
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(path)
    assert "reassign_form" in response.context["visits"][0]
    two = approved(
        bob,
        carol,
        ken,
        visits=[
            {"scheduled_start": datetime(2026, 12, 10, 10, tzinfo=JST).isoformat()},
            {"scheduled_start": datetime(2026, 12, 11, 10, tzinfo=JST).isoformat()},
        ],
    )
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(f"/console/requests/{two.public_id}/")
    assert len(response.context["visits"]) == 2


def test_the_visit_forms_speak_japanese(client_as, carol, alice, ken):
    _request, visit = on_site(alice, carol, ken)
    carol.language = "ja"
    carol.save()
    html = page(client_as(carol).get(f"/console/requests/{visit.request.public_id}/"))
    assert "訪問 1 を変更" in html and "直前のステップを取り消す" in html
