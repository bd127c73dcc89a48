"""Private iCal feeds: engineers and customers subscribe with a token URL; revoked is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from genba.core.models import AuditEvent
from genba.messaging.models import CalendarFeed
from tests.orders.helpers import approved

pytestmark = pytest.mark.django_db


def feed_path(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


def test_an_engineer_subscribes_to_the_visits_assigned(api_as, alice, carol, ken):
    request = approved(alice, carol, ken)
    created = api_as(ken).post("calendar-feeds")
    assert created.status_code == 201
    response = Client().get(feed_path(created.json()["url"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert f"[{request.public_id}]" in text and "BEGIN:VEVENT" in text


def test_a_customer_sees_only_its_own_visits(api_as, alice, bob, carol, ken):
    mine = approved(alice, carol, ken)
    url = api_as(bob).post("calendar-feeds").json()["url"]
    assert mine.public_id not in Client().get(feed_path(url)).content.decode()


def test_a_revoked_or_unknown_feed_is_404(api_as, alice):
    api = api_as(alice)
    created = api.post("calendar-feeds").json()
    assert api.client.delete(f"/api/v1/calendar-feeds/{created['id']}").status_code == 204
    assert Client().get(feed_path(created["url"])).status_code == 404
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_issuing_and_revoking_through_the_api_are_audited(api_as, alice):
    api = api_as(alice)
    created = api.post("calendar-feeds").json()
    api.client.delete(f"/api/v1/calendar-feeds/{created['id']}")
    actions = AuditEvent.objects.filter(object_type="calendarfeed").values_list("action", flat=True)
    assert list(actions) == ["created", "revoked"]


def test_another_user_cannot_revoke_my_feed(api_as, alice, bob):
    created = api_as(alice).post("calendar-feeds").json()
    assert api_as(bob).client.delete(f"/api/v1/calendar-feeds/{created['id']}").status_code == 404
    assert CalendarFeed.objects.get(pk=created["id"]).revoked_at is None


def test_the_token_is_stored_hashed(api_as, alice):
    url = api_as(alice).post("calendar-feeds").json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
