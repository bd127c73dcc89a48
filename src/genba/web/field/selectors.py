"""What an engineer's pages read: only the visits assigned to him or her (rulebook §7).

Each page reads in a fixed number of queries, whatever the number of visits, lines or files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404

from genba.accounts.models import Role
from genba.core import clock
from genba.core.clock import JST
from genba.orders.models import VISIT_END_STATUSES, Attachment, Visit, VisitStatus

# Sites are in Japan: "today" is the Tokyo calendar day, whatever zone the phone is set to.
UPCOMING_DAYS = 14
RECENT_DAYS = 30
RECENT_LIMIT = 10
ACTIVE_STATUSES = {VisitStatus.EN_ROUTE, VisitStatus.ON_SITE, VisitStatus.WORKING}


def assigned_visits(user) -> QuerySet[Visit]:
    if user is None or not user.is_active or user.role != Role.ENGINEER:
        return Visit.objects.none()
    return Visit.objects.filter(assigned_engineers=user)


def with_end(visit: Visit) -> Visit:
    """The end of the reserved block, for the time window a card shows (hours, never money)."""
    try:
        visit.scheduled_end = (
            visit.scheduled_start + timedelta(hours=float(visit.reserved_hours))
            if visit.scheduled_start
            else None
        )
    except (ArithmeticError, ValueError):
        # A start stored near the year 9999 or hours that are NaN (behind the input schemas):
        # the card shows the start alone rather than the engineer's whole day failing (issue 11).
        visit.scheduled_end = None
    return visit


@dataclass
class Day:
    today: date
    today_visits: list[Visit] = field(default_factory=list)
    upcoming: list[Visit] = field(default_factory=list)
    recent: list[Visit] = field(default_factory=list)


def engineer_day(user, now: datetime | None = None) -> Day:
    """Today's visits (and any still under way), the next 14 days, and recent finished ones."""
    now = (now or clock.now()).astimezone(JST)
    today = now.date()
    day_start = datetime.combine(today, time.min, tzinfo=JST)
    tomorrow = day_start + timedelta(days=1)
    horizon = day_start + timedelta(days=UPCOMING_DAYS + 1)
    recent_from = day_start - timedelta(days=RECENT_DAYS)
    visits = (
        assigned_visits(user)
        .filter(
            Q(scheduled_start__gte=recent_from, scheduled_start__lt=horizon)
            | Q(status__in=ACTIVE_STATUSES)
        )
        .select_related("request__site")
        .order_by("scheduled_start", "id")
    )
    result = Day(today=today)
    for visit in visits:
        with_end(visit)
        start = visit.scheduled_start
        if visit.status in ACTIVE_STATUSES or (start and day_start <= start < tomorrow):
            result.today_visits.append(visit)
        elif start and start >= tomorrow:
            result.upcoming.append(visit)
        elif visit.status in VISIT_END_STATUSES:
            result.recent.append(visit)
    result.recent = list(reversed(result.recent))[:RECENT_LIMIT]
    return result


def get_visit_for(user, public_id: str, *, details: bool = True) -> Visit:
    """The visit if it is assigned to the user; otherwise 404, as if it did not exist."""
    qs = assigned_visits(user).select_related(
        "request__site",
        "request__policy",  # the step window (orders.actions) reads it
        "request__organization",
        "request__local_contact",
        "request__remote_engineer",
    )
    if details:
        qs = qs.prefetch_related(
            "assigned_engineers",
            "request__equipment",
            "request__items_to_bring",
            "request__paperwork",
            "request__attachments",
        )
    try:
        return with_end(qs.get(public_id=public_id))
    except Visit.DoesNotExist:
        raise Http404 from None


def get_attachment_for(user, visit_id: str, attachment_id: str) -> Attachment:
    visit = get_visit_for(user, visit_id, details=False)
    attachment = Attachment.objects.filter(
        request_id=visit.request_id, public_id=attachment_id
    ).first()
    if attachment is None:
        raise Http404
    return attachment


def map_url(site) -> str:
    """The customer's own Google Maps link when given (it is checked to be one), else a Maps
    search for the full address, which opens the Maps app on a phone."""
    if site is None:
        return ""
    if site.maps_url:
        return site.maps_url
    address = " ".join(
        p for p in (site.postal_code, site.prefecture, site.city, site.street, site.building) if p
    )
    if not address:
        return ""
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address})
