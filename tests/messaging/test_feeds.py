"""Calendar feeds are issued to the roles that have visits to follow and revoked by their owner
(or an admin); each is audited, never with the token."""

from __future__ import annotations

import pytest

from genba.accounts.models import Role
from genba.core.errors import NotAllowed
from genba.core.models import AuditEvent
from genba.messaging.feeds import feed_create, feed_revoke
from genba.messaging.models import CalendarFeed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_engineer_gets_a_feed_and_the_audit_row_has_no_token(ken):
    feed, raw = feed_create(by=ken)
    assert CalendarFeed.find(raw) == feed
    event = AuditEvent.objects.get(action="created", object_type="calendarfeed")
    assert (event.actor, event.organization) == (ken, ken.organization)
    assert raw not in str(event.data)


def test_billing_has_no_visits_to_follow(bill):
    with pytest.raises(NotAllowed):
        feed_create(by=bill)
    assert not CalendarFeed.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_owner_revokes_a_feed_once(alice, frozen_clock):
    feed, raw = feed_create(by=alice)
    feed_revoke(feed=feed, by=alice)
    feed_revoke(feed=feed, by=alice)
    assert CalendarFeed.find(raw) is None
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at == frozen_clock
    assert AuditEvent.objects.filter(action="revoked").count() == 1


def test_another_organizations_user_cannot_revoke_a_feed(alice, bob):
    feed, raw = feed_create(by=alice)
    with pytest.raises(NotAllowed):
        feed_revoke(feed=feed, by=bob)
    assert CalendarFeed.find(raw) == feed
    assert not AuditEvent.objects.filter(action="revoked").exists()


def test_an_admin_revokes_a_users_feed(alice, provider):
    admin = UserFactory(organization=provider, role=Role.ADMIN)
    feed, raw = feed_create(by=alice)
    feed_revoke(feed=feed, by=admin)
    assert CalendarFeed.find(raw) is None
    assert AuditEvent.objects.get(action="revoked").organization == alice.organization
