"""/api/v1/sla (the at-risk and breached lists) and private calendar feeds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from ninja import Router
from ninja.responses import Status
from pydantic import BaseModel

from genba.accounts.models import Role
from genba.api.problems import refusals
from genba.core import clock
from genba.core.transitions import require_role
from genba.dispatch.models import BookingStatus
from genba.messaging import feeds, sla
from genba.messaging.calendar import feed
from genba.messaging.models import CalendarFeed
from genba.orders.models import Visit

router = Router(tags=["SLA and calendars"])
# A feed shows the last two months and everything ahead.
_LOOKBACK = timedelta(days=60)


class SlaRowOut(BaseModel):
    request_id: str
    customer: str
    title: str
    due_at: str
    state: str
    guaranteed: bool | None = None
    arrived_at: str | None = None


class SlaOut(BaseModel):
    arrivals: list[SlaRowOut]
    invoices: list[SlaRowOut]


class FeedOut(BaseModel):
    id: int
    url: str | None = None
    created_at: str
    revoked: bool


@router.get(
    "/sla",
    response=SlaOut,
    summary="At-risk and breached arrivals and invoices (staff)",
    openapi_extra=refusals(403),
)
def sla_lists(request, state: str = ""):
    require_role(request.auth, Role.COORDINATOR, Role.BILLING, Role.ADMIN)
    arrivals, invoices = [], []
    if request.auth.role != Role.BILLING:
        arrivals = [
            {
                "request_id": r["request"].public_id,
                "customer": r["request"].organization.name,
                "title": r["request"].title,
                "due_at": r["target"].isoformat(),
                "state": r["state"],
                "guaranteed": r["guaranteed"],
                "arrived_at": r["arrived_at"].isoformat() if r["arrived_at"] else None,
            }
            for r in sla.arrival_rows()
            if not state or r["state"] == state
        ]
    if request.auth.role != Role.COORDINATOR:
        invoices = [
            {
                "request_id": r["request"].public_id,
                "customer": r["request"].organization.name,
                "title": r["request"].title,
                "due_at": r["deadline"].isoformat(),
                "state": r["state"],
            }
            for r in sla.invoice_rows()
            if not state or r["state"] == state
        ]
    return {"arrivals": arrivals, "invoices": invoices}


@router.post(
    "/calendar-feeds",
    response={201: FeedOut},
    summary="A private iCal feed of your visits",
    openapi_extra=refusals(403),
)
def create_feed(request):
    created, raw = feeds.feed_create(by=request.auth)
    return Status(
        201,
        {
            "id": created.pk,
            "url": f"{settings.GENBA_BASE_URL}/calendar/{raw}.ics",
            "created_at": created.created_at.isoformat(),
            "revoked": False,
        },
    )


@router.get(
    "/calendar-feeds",
    response=list[FeedOut],
    summary="Your calendar feeds (URLs are shown once)",
    openapi_extra=refusals(),
)
def list_feeds(request):
    return [
        {"id": f.pk, "created_at": f.created_at.isoformat(), "revoked": f.revoked_at is not None}
        for f in CalendarFeed.objects.filter(user=request.auth)
    ]


@router.delete(
    "/calendar-feeds/{feed_id}",
    response={204: None},
    summary="Revoke a feed",
    openapi_extra=refusals(404, 422),
)
def revoke_feed(request, feed_id: int):
    # Someone else's feed, or one already revoked, is not there for this caller.
    found = CalendarFeed.objects.filter(
        user=request.auth, pk=feed_id, revoked_at__isnull=True
    ).first()
    if found is None:
        raise Http404
    feeds.feed_revoke(feed=found, by=request.auth)
    return Status(204, None)


def visits_for_feed(user):
    """The visits a user's feed holds (calendar.feed says CONFIRMED or TENTATIVE of each):

    - approved requests (calendar.APPROVED_STATUSES): the customer's own, the engineer's
      assigned or confirmed ones, all for coordinators and admins;
    - proposed requests, TENTATIVE: the customer's own, and for an engineer those where he or she
      is on the open proposal (a proposed booking), all for coordinators and admins;
    - never a cancelled visit, nor one of a draft, submitted, information-requested, declined or
      cancelled request."""
    from genba.dispatch.models import ProposalStatus
    from genba.messaging.calendar import APPROVED_STATUSES, PROPOSED_STATUSES
    from genba.orders.models import VisitStatus

    qs = (
        Visit.objects.select_related("request__site", "request__policy")
        .exclude(scheduled_start=None)
        .exclude(status=VisitStatus.CANCELLED)
    )
    approved = Q(request__status__in=APPROVED_STATUSES)
    proposed = Q(request__status__in=PROPOSED_STATUSES)
    if user.role == Role.CUSTOMER:
        return qs.filter(approved | proposed, request__organization_id=user.organization_id)
    if user.role == Role.ENGINEER:
        mine = Q(assigned_engineers=user) | Q(
            bookings__engineer=user, bookings__status=BookingStatus.CONFIRMED
        )
        offered = Q(
            bookings__engineer=user,
            bookings__status=BookingStatus.PROPOSED,
            bookings__proposal__status=ProposalStatus.OPEN,
        )
        return qs.filter((approved & mine) | (proposed & offered)).distinct()
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return qs.filter(approved | proposed)
    return qs.none()


def calendar_feed_view(request, token: str):
    """GET /calendar/<token>.ics: the token in the URL is the credential (calendar apps send no
    other); a revoked or unknown token is 404."""
    found = CalendarFeed.find(token)
    if found is None:
        raise Http404
    visits = visits_for_feed(found.user).filter(scheduled_start__gte=clock.now() - _LOOKBACK)
    response = HttpResponse(
        feed(visits.order_by("scheduled_start")[:1000]), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
