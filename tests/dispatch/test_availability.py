"""The availability search: ranked engineers who can take a request, and why the others cannot."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from genba.dispatch.availability import search
from genba.dispatch.models import Leave
from tests.dispatch.helpers import engineer, profile_for
from tests.orders.helpers import approved, submitted

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def names(candidates):
    return [str(c.profile) for c in candidates]


def reasons(candidates, profile):
    return next(c for c in candidates if c.profile.public_id == profile.public_id).misses


def test_a_qualified_free_engineer_is_available_with_reasons(alice, provider):
    near = engineer(provider)
    request = submitted(alice)  # senior, English, Otemachi (zone A), Tuesday 10:00
    available, unavailable = search(request)
    (candidate,) = available
    assert candidate.profile.public_id == near.public_id
    assert candidate.travel_minutes is not None
    assert any("free for the reservation" in r for r in candidate.fits)
    assert unavailable == []


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"skill_level": "entry"}, "skill entry < senior"),
        ({"languages": ["ja"]}, "does not speak en"),
        ({"zones": ["B"]}, "does not cover zone A"),
        ({"work_days": [5, 6]}, "not working"),
    ],
)
def test_the_reasons_an_engineer_cannot_take_it(alice, provider, fields, why):
    profile = engineer(provider, **fields)
    available, unavailable = search(submitted(alice))
    assert available == []
    assert any(why in r for r in reasons(unavailable, profile)), reasons(unavailable, profile)


def test_leave_makes_an_engineer_unavailable(alice, provider):
    profile = engineer(provider)
    Leave.objects.create(
        engineer=profile.user,
        starts_at=datetime(2026, 12, 7, tzinfo=JST),
        ends_at=datetime(2026, 12, 9, tzinfo=JST),
    )
    _, unavailable = search(submitted(alice))
    assert any("on leave" in r for r in reasons(unavailable, profile))


def test_a_booked_engineer_is_unavailable_with_the_booking_named(alice, bob, carol, ken):
    profile = profile_for(ken)
    approved(alice, carol, ken)
    _, unavailable = search(submitted(bob))
    assert any("already booked 2026-12-08 10:00" in r for r in reasons(unavailable, profile))


def test_nearest_and_least_loaded_first(alice, provider):
    far = engineer(provider, home_latitude="35.906295", home_longitude="139.623999")  # Omiya
    near = engineer(provider, home_latitude="35.686", home_longitude="139.765")  # Otemachi
    available, _ = search(submitted(alice))
    assert [c.profile.public_id for c in available] == [near.public_id, far.public_id]
    assert available[0].travel_minutes < available[1].travel_minutes


def test_the_search_runs_a_fixed_number_of_queries(alice, provider, django_assert_max_num_queries):
    for _ in range(3):
        engineer(provider)
    request = submitted(alice)
    with django_assert_max_num_queries(12) as few:
        search(request)
    for _ in range(20):
        engineer(provider)
    with django_assert_max_num_queries(len(few)):
        search(request)
