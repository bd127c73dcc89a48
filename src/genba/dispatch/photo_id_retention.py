"""Photo-ID retention (rulebook §7): an engineer's photo ID is deleted `photo_id_retention_days`
after the last request that showed it closes. Run by the worker's periodic sweep
(`genba.messaging.tasks.run_sweeps`); the rule in full is in docs/dispatch.md, "Photo-ID retention".

A request "showed" the photo ID when a proposal made on it names the engineer. It is "closed" in a
closed status (paid, cancelled, declined: the customer can no longer open the photo from then on);
completed and invoiced requests are still open, since their customer still sees it. The clock of
each request is its own policy's `photo_id_retention_days`, counted from its `closed_at`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from genba.contracts.models import Policy
from genba.core import audit, clock
from genba.core.models import AuditEvent
from genba.dispatch.models import EngineerProfile, Proposal
from genba.orders.models import CLOSED_STATUSES

logger = logging.getLogger("genba.dispatch")

# Audit actions that put a new file in `photo_id`; the admin's rows count only when they name the
# field (AuditedAdminMixin records the changed fields).
_UPLOAD_ACTIONS = ("photo_id_set", "admin_created", "admin_changed")


@dataclass(frozen=True)
class PhotoIdDue:
    """A profile whose photo ID is due for deletion, and the request whose deadline passed last."""

    profile_id: int
    engineer_id: str
    request_id: str
    closed_at: datetime
    retention_days: int

    @property
    def deadline(self) -> datetime:
        return self.closed_at + timedelta(days=self.retention_days)


def _closed_at(prefix: str = ""):
    # A closed request without `closed_at` (data older than the stamp, which the services never
    # leave) counts from its last change rather than keeping the photo for ever.
    return Coalesce(f"{prefix}request__closed_at", f"{prefix}request__updated_at")


def _candidates(profiles: QuerySet[EngineerProfile], now: datetime) -> QuerySet[EngineerProfile]:
    """Profiles with a file, shown on at least one request, on no request still open, and on none
    closed more recently than the shortest retention of any policy (so not due whatever its
    policy): the rows read below stay few once the due ones are purged. One SQL statement, used as
    a subquery by the queries below (no id lists: thousands of engineers fit)."""
    shortest = Policy.objects.aggregate(days=Min("photo_id_retention_days"))["days"] or 0
    shown = Proposal.objects.filter(engineers=OuterRef("user_id"))
    shown_open = shown.exclude(request__status__in=CLOSED_STATUSES)
    shown_lately = shown.annotate(closed=_closed_at()).filter(
        closed__gt=now - timedelta(days=shortest)
    )
    return (
        profiles.exclude(photo_id="")
        .filter(Exists(shown))
        .exclude(Exists(shown_open))
        .exclude(Exists(shown_lately))
        .order_by()
    )


def _uploaded_at(candidates: QuerySet[EngineerProfile]) -> dict[str, datetime]:
    """When each candidate's current file was put there, from the audit trail (absent: unknown)."""
    latest: dict[str, datetime] = {}
    rows = AuditEvent.objects.filter(
        object_type=EngineerProfile._meta.model_name,
        object_id__in=candidates.values("public_id"),
        action__in=_UPLOAD_ACTIONS,
    ).values_list("object_id", "action", "at", "data")
    for engineer_id, action, at, data in rows:
        if action != "photo_id_set" and "photo_id" not in ((data or {}).get("fields") or []):
            continue
        if engineer_id not in latest or at > latest[engineer_id]:
            latest[engineer_id] = at
    return latest


def photo_ids_due(
    *, now: datetime | None = None, profiles: QuerySet[EngineerProfile] | None = None
) -> list[PhotoIdDue]:
    """The photo IDs whose retention has run out at `now`, earliest deadline first. Three queries
    whatever the number of engineers; `profiles` narrows the search (the purge re-checks one)."""
    now = now or clock.now()
    candidates = _candidates(
        profiles if profiles is not None else EngineerProfile.objects.all(), now
    )
    uploaded = _uploaded_at(candidates)
    # Every (engineer, request) pair a proposal made; all these requests are closed (the candidates
    # have no open one).
    showings = (
        Proposal.engineers.through.objects.filter(user__engineer_profile__in=candidates)
        .values_list(
            "user__engineer_profile__public_id",
            "proposal__request__public_id",
            _closed_at("proposal__"),
            "proposal__request__policy__photo_id_retention_days",
            "user__engineer_profile__id",
        )
        .distinct()
    )
    last: dict[str, PhotoIdDue] = {}
    by_engineer: dict[str, list[PhotoIdDue]] = defaultdict(list)
    for engineer_id, request_id, closed_at, days, profile_id in showings:
        by_engineer[engineer_id].append(
            PhotoIdDue(profile_id, engineer_id, request_id, closed_at, days)
        )
    for engineer_id, shown in by_engineer.items():
        # A request that closed before the current file was uploaded never showed this file (its
        # customer saw the one before, or none): a re-upload after a purge is not deleted at once.
        # Closed at the very instant of the upload counts as shown (the stricter reading).
        since = uploaded.get(engineer_id)
        shown = [s for s in shown if since is None or s.closed_at >= since]
        if not shown:
            continue
        last[engineer_id] = max(shown, key=lambda s: s.deadline)
    return sorted((d for d in last.values() if d.deadline <= now), key=lambda d: d.deadline)


def _purge_one(due: PhotoIdDue, now: datetime) -> bool:
    with transaction.atomic():
        # Locked, then checked again: a proposal or an upload since the search keeps the photo.
        # (photo_id_set takes the same lock, so an upload never lands between check and delete.)
        mine = EngineerProfile.objects.filter(pk=due.profile_id)
        if not list(mine.select_for_update().values_list("pk", flat=True)):
            return False
        again = photo_ids_due(now=now, profiles=mine)
        if not again:
            return False
        due = again[0]
        profile = EngineerProfile.objects.select_related("user__organization").get(
            pk=due.profile_id
        )
        name = profile.photo_id.name
        # The file goes first: should the commit then fail, the field names a missing file, which
        # the views answer with 404 and the next sweep clears (deleting a missing file is a no-op).
        profile.photo_id.delete(save=False)
        profile.photo_id_content_type = ""
        profile.save(update_fields=["photo_id", "photo_id_content_type"])
        audit.record(
            actor=None,
            obj=profile,
            action="photo_id_deleted",
            reason="retention",
            organization=profile.user.organization,
            data={
                "file": name,
                "request": due.request_id,
                "closed_at": due.closed_at.isoformat(),
                "retention_days": due.retention_days,
                "deadline": due.deadline.isoformat(),
            },
        )
    return True


def photo_ids_purge(*, now: datetime | None = None) -> int:
    """Delete every photo ID whose retention has run out, one transaction per profile; the number
    deleted. Safe to run any number of times, by any number of workers (the row lock decides)."""
    now = now or clock.now()
    deleted = 0
    for due in photo_ids_due(now=now):
        try:
            deleted += _purge_one(due, now)
        except Exception:  # one unreadable file or storage hiccup must not stop the others
            logger.exception("Photo ID of %s could not be deleted", due.engineer_id)
    return deleted
