"""The dispatch board: bookings per engineer with travel, and reassigning from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.dispatch.models import Booking, BookingStatus
from genba.dispatch.places import site_point
from genba.dispatch.travel import travel_minutes
from tests.dispatch.helpers import SHINJUKU, engineer, profile_for
from tests.orders.helpers import approved
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db
DAY = "/console/board/?date=2026-12-08"


def confirmed(request):
    return Booking.objects.get(visit__request=request, status=BookingStatus.CONFIRMED)


def test_the_day_shows_each_booking_with_its_travel(client_as, carol, alice, ken):
    profile_for(ken)
    request = approved(alice, carol, ken)
    response = client_as(carol).get(DAY)
    (row,) = [r for r in response.context["rows"] if r.profile.user_id == ken.pk]
    (block,) = [b for _, blocks in row.cells for b in blocks]
    assert block.booking.visit.request == request and block.from_home
    home = (float(SHINJUKU[0]), float(SHINJUKU[1]))
    assert block.travel_minutes == travel_minutes(home, site_point(request.site)) > 15
    html = page(response)
    assert request.public_id in html and "10:00–13:30" in html
    assert "min from home" in html


def test_the_week_puts_the_booking_on_its_day(client_as, carol, alice, ken):
    profile_for(ken)
    approved(alice, carol, ken)
    response = client_as(carol).get(DAY + "&view=week")
    (row,) = response.context["rows"]
    days = [str(col) for col, blocks in row.cells if blocks]
    assert days == ["2026-12-08"]
    assert str(response.context["cols"][0]) == "2026-12-07"  # the week starts on Monday


@pytest.mark.parametrize("who", ["alice", "bob", "ken", "bill"])
def test_other_roles_get_404(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get(DAY).status_code == 404


def test_reassigning_to_a_free_engineer(client_as, carol, alice, ken, provider):
    profile_for(ken)
    other = engineer(provider)
    request = approved(alice, carol, ken)
    booking = confirmed(request)
    response = client_as(carol).post(
        f"/console/board/bookings/{booking.public_id}/reassign/",
        {"engineer": other.public_id, "date": "2026-12-08", "view": "day"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/board/?date=2026-12-08&view=day"
    assert confirmed(request).engineer == other.user
    assert list(request.visits.get().assigned_engineers.all()) == [other.user]


def test_a_conflict_is_refused_with_its_reason_and_nothing_changes(
    client_as, carol, alice, bob, ken, provider
):
    profile_for(ken)
    other = engineer(provider)
    first = approved(alice, carol, ken)
    approved(bob, carol, other.user)
    booking = confirmed(first)
    response = client_as(carol).post(
        f"/console/board/bookings/{booking.public_id}/reassign/",
        {"engineer": other.public_id, "date": "2026-12-08"},
        follow=True,
    )
    assert "Not reassigned" in page(response) and "already booked" in page(response)
    assert confirmed(first).engineer == ken


def test_reassigning_needs_csrf_and_a_coordinator(client_as, carol, bill, alice, ken, provider):
    profile_for(ken)
    other = engineer(provider)
    booking = confirmed(approved(alice, carol, ken))
    url = f"/console/board/bookings/{booking.public_id}/reassign/"
    assert (
        client_as(carol, enforce_csrf_checks=True)
        .post(url, {"engineer": other.public_id})
        .status_code
        == 403
    )
    assert client_as(bill).post(url, {"engineer": other.public_id}).status_code == 404
    assert confirmed(booking.visit.request).engineer == ken


def test_the_board_takes_a_fixed_number_of_queries(
    client_as, carol, alice, bob, ken, provider, django_assert_num_queries
):
    profile_for(ken)
    other = engineer(provider)
    approved(alice, carol, ken)
    approved(bob, carol, other.user)
    client = client_as(carol)
    with CaptureQueriesContext(connection) as before:
        client.get(DAY)
    third = engineer(provider)
    engineer(provider)
    approved(
        alice,
        carol,
        third.user,
        visits=[{"scheduled_start": "2026-12-08T15:00:00+09:00", "reserved_hours": "2"}],
    )
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(DAY)
    assert len(response.context["rows"]) == 4


def test_renders_in_english_and_japanese(client_as, carol, alice, ken):
    profile_for(ken)
    approved(alice, carol, ken)
    assert "Dispatch board" in page(client_as(carol).get(DAY))
    carol.language = "ja"
    carol.save()
    html = page(client_as(carol).get(DAY))
    assert "配車ボード" in html and "担当変更" in html
