"""`genba plan --date D`: the open requests of a day and the engineers who work that day, as a §10
instance; and accepting a plan, which turns each assignment into a proposal (nothing is stored
before that)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from genba.core.clock import JST
from genba.core.errors import GenbaError
from genba.dispatch.bookings import booking_window
from genba.dispatch.models import Booking, BookingStatus, EngineerProfile, Leave
from genba.dispatch.places import home_point, site_point
from genba.dispatch.travel import DEFAULT_FIXED_MINUTES, DEFAULT_SPEED_KMH
from genba.orders.models import RequestStatus, ServiceRequest, VisitStatus


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=JST)
    return start, start + timedelta(days=1)


def open_requests(day: date):
    """Submitted requests whose only visit is on `day` (a request is proposed whole, so requests
    with several visits are planned by hand)."""
    start, end = _day_bounds(day)
    return (
        ServiceRequest.objects.filter(status=RequestStatus.SUBMITTED)
        .annotate(n_visits=Count("visits", filter=~Q(visits__status=VisitStatus.CANCELLED)))
        .filter(n_visits=1, visits__scheduled_start__gte=start, visits__scheduled_start__lt=end)
        .select_related("site", "policy")
        .prefetch_related("visits")
        .distinct()
    )


def instance_for_date(day: date, *, time_limit_s: int = 10) -> dict:
    start, end = _day_bounds(day)
    requests = []
    for request in open_requests(day):
        visit = next(v for v in request.visits.all() if v.status != VisitStatus.CANCELLED)
        point = site_point(request.site)
        if point is None:
            continue  # no place to travel to: left to the coordinator
        try:
            window_start, window_end = booking_window(visit, request.policy)
            times = (
                window_start.astimezone(JST).isoformat(),
                window_end.astimezone(JST).isoformat(),
            )
        except (ArithmeticError, ValueError):
            # A stored start or hours the clock cannot reach (issue 11): left to the coordinator,
            # whose request page names the value to correct; the day's other requests are planned.
            continue
        requests.append(
            {
                "id": request.public_id,
                "skill_level": request.skill_level,
                "languages": sorted(request.languages or []),
                "engineers": request.engineers,
                "start": times[0],
                "end": times[1],
                "site": {"lat": point[0], "lng": point[1]},
            }
        )
    on_leave = set(
        Leave.objects.filter(starts_at__lt=end, ends_at__gt=start).values_list(
            "engineer_id", flat=True
        )
    )
    first_booking = {}
    for engineer_id, starts in (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED, starts_at__gte=start, starts_at__lt=end
        )
        .order_by("-starts_at")
        .values_list("engineer_id", "starts_at")
    ):
        first_booking[engineer_id] = starts
    engineers = []
    for profile in EngineerProfile.objects.filter(active=True, user__is_active=True).select_related(
        "user"
    ):
        if day.weekday() not in (profile.work_days or []) or profile.user_id in on_leave:
            continue
        shift_start = datetime.combine(day, profile.work_start, tzinfo=JST)
        shift_end = datetime.combine(day, profile.work_end, tzinfo=JST)
        # An engineer already confirmed that day is planned only before that first booking.
        shift_end = min(shift_end, first_booking.get(profile.user_id, shift_end))
        if shift_end <= shift_start:
            continue
        lat, lng = home_point(profile)
        engineers.append(
            {
                "id": profile.public_id,
                "skill_level": profile.skill_level,
                "languages": sorted(profile.languages or []),
                "home": {"lat": lat, "lng": lng},
                "shift": {
                    "start": shift_start.isoformat(),
                    "end": shift_end.astimezone(JST).isoformat(),
                },
            }
        )
    return {
        "travel": {"speed_kmh": DEFAULT_SPEED_KMH, "fixed_minutes": DEFAULT_FIXED_MINUTES},
        "time_limit_s": time_limit_s,
        "engineers": engineers,
        "requests": requests,
    }


def accept_plan(plan: dict, *, by) -> list[tuple[str, str]]:
    """A coordinator accepts: one proposal per assignment, each in its own transaction. Returns
    (request id, "proposed" or why it was refused) per assignment."""
    from genba.dispatch.services import proposal_create

    results = []
    profiles = {p.public_id: p.user for p in EngineerProfile.objects.select_related("user")}
    for assignment in plan.get("assignments", []):
        request = ServiceRequest.objects.filter(public_id=assignment["request"]).first()
        if request is None:
            results.append((assignment["request"], "unknown request"))
            continue
        try:
            proposal_create(
                request=request,
                by=by,
                engineers=[profiles[e] for e in assignment["engineers"]],
                message="Proposed from the day's plan.",
            )
        except (GenbaError, KeyError) as error:
            results.append((request.public_id, getattr(error, "message", str(error))))
            continue
        results.append((request.public_id, "proposed"))
    return results
