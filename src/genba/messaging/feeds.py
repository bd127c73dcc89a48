"""Private calendar feeds: issuing and revoking them (keyword-only, one transaction each, audited).

A feed is the user's own: what it shows follows the user's role (genba.api.messaging
`visits_for_feed`), so only roles that have visits to show may have one, and only the owner (or an
admin) revokes it. The raw token is returned once and never stored or audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit, clock
from genba.core.errors import NotAllowed
from genba.core.transitions import require_role
from genba.messaging.models import CalendarFeed

# Billing has no visits to follow; everyone else sees a role-scoped set.
FEED_ROLES = (Role.CUSTOMER, Role.ENGINEER, Role.COORDINATOR, Role.ADMIN)


@transaction.atomic
def feed_create(*, by) -> tuple[CalendarFeed, str]:
    """A new feed for the caller; the raw token (the URL's key) is returned once."""
    require_role(by, *FEED_ROLES)
    created, raw = CalendarFeed.issue(by)
    # A feed has no organization of its own: the audit row goes under its owner's.
    audit.record(actor=by, obj=created, action="created", organization=by.organization)
    return created, raw


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, by) -> CalendarFeed:
    """The feed's URL answers 404 from now on. Revoking twice is a no-op."""
    feed = CalendarFeed.objects.select_for_update().select_related("user").get(pk=feed.pk)
    if feed.user_id != by.pk and by.role != Role.ADMIN:
        raise NotAllowed(_("Only the feed's owner may revoke it."), code="owner")
    if feed.revoked_at is not None:
        return feed
    feed.revoked_at = clock.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(actor=by, obj=feed, action="revoked", organization=feed.user.organization)
    return feed
