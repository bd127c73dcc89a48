"""Who can take a request: every active engineer, ranked, each with the reasons for or against
(skill, languages, coverage zone, working hours, leave, free for the reservation plus grace and
travel, workload that week). A fixed number of queries, whatever the number of engineers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from genba.dispatch.bookings import booking_window, neighbour_conflict
from genba.dispatch.models import Booking, BookingStatus, EngineerProfile, Leave
from genba.dispatch.places import home_point, site_point
from genba.dispatch.travel import travel_minutes
from genba.orders.completeness import coverage_for
from genba.orders.models import ServiceRequest, VisitStatus
from genba.orders.selectors import policy_rules, request_facts

SKILL_RANK = {"entry": 0, "senior": 1, "specialist": 2}
_NEIGHBOURHOOD = timedelta(hours=12)


@dataclass
class Candidate:
    profile: EngineerProfile
    fits: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    travel_minutes: int | None = None
    week_hours: Decimal = Decimal(0)

    @property
    def available(self) -> bool:
        return not self.misses

    def rank(self) -> tuple:
        # Closest first, then the least loaded that week, then the least over-qualified.
        return (
            self.travel_minutes if self.travel_minutes is not None else 10**6,
            self.week_hours,
            SKILL_RANK[self.profile.skill_level],
            str(self.profile),
        )


def _windows(request: ServiceRequest):
    visits = [
        v for v in request.visits.all() if v.status != VisitStatus.CANCELLED and v.scheduled_start
    ]
    return [booking_window(v, request.policy) for v in visits]


def search(request: ServiceRequest) -> tuple[list[Candidate], list[Candidate]]:
    """(available ranked best first, unavailable with why)."""
    windows = _windows(request)
    point = site_point(request.site)
    rules = policy_rules(request.policy)
    facts = request_facts(request)
    zone = coverage_for(facts.site, rules) if facts.site else None
    wanted_languages = set(request.languages or [])
    profiles = list(
        EngineerProfile.objects.filter(active=True, user__is_active=True).select_related("user")
    )
    ids = [p.user_id for p in profiles]

    leaves: dict[int, list] = defaultdict(list)
    bookings: dict[int, list] = defaultdict(list)
    week_hours: dict[int, Decimal] = defaultdict(Decimal)
    if windows:
        first, last = min(w[0] for w in windows), max(w[1] for w in windows)
        for leave in Leave.objects.filter(
            engineer_id__in=ids, starts_at__lt=last, ends_at__gt=first
        ):
            leaves[leave.engineer_id].append(leave)
        near = (
            Booking.objects.filter(
                engineer_id__in=ids,
                status=BookingStatus.CONFIRMED,
                starts_at__lt=last + _NEIGHBOURHOOD,
                ends_at__gt=first - _NEIGHBOURHOOD,
            )
            .exclude(visit__request=request)
            .values_list(
                "engineer_id",
                "starts_at",
                "ends_at",
                "visit__request__site__latitude",
                "visit__request__site__longitude",
            )
        )
        for engineer_id, starts, ends, lat, lng in near:
            bookings[engineer_id].append(
                (starts, ends, (float(lat), float(lng)) if lat is not None else None)
            )
        monday = localtime(first).replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        week = Booking.objects.filter(
            engineer_id__in=ids,
            status=BookingStatus.CONFIRMED,
            starts_at__gte=monday,
            starts_at__lt=monday + timedelta(days=7),
        ).values_list("engineer_id", "starts_at", "ends_at")
        for engineer_id, starts, ends in week:
            week_hours[engineer_id] += Decimal((ends - starts).total_seconds()) / 3600

    available, unavailable = [], []
    for profile in profiles:
        candidate = _judge(
            profile,
            request,
            windows,
            point,
            zone,
            wanted_languages,
            leaves[profile.user_id],
            bookings[profile.user_id],
        )
        candidate.week_hours = week_hours[profile.user_id].quantize(Decimal("0.1"))
        candidate.fits.append(_("%(hours)s h booked that week") % {"hours": candidate.week_hours})
        (available if candidate.available else unavailable).append(candidate)
    available.sort(key=Candidate.rank)
    unavailable.sort(key=lambda c: (len(c.misses), str(c.profile)))
    return available, unavailable


def _judge(
    profile, request, windows, point, zone, wanted_languages, leaves, neighbours
) -> Candidate:
    c = Candidate(profile)
    asked = request.skill_level
    if SKILL_RANK[profile.skill_level] >= SKILL_RANK[asked]:
        c.fits.append(_("skill %(has)s ≥ %(asked)s") % {"has": profile.skill_level, "asked": asked})
    else:
        c.misses.append(
            _("skill %(has)s < %(asked)s") % {"has": profile.skill_level, "asked": asked}
        )
    missing = wanted_languages - set(profile.languages or [])
    if missing:
        c.misses.append(
            _("does not speak %(languages)s") % {"languages": ", ".join(sorted(missing))}
        )
    elif wanted_languages:
        c.fits.append(
            _("speaks %(languages)s") % {"languages": ", ".join(sorted(wanted_languages))}
        )
    if zone is None:
        c.misses.append(_("the site is outside the coverage table"))
    elif zone.zone in (profile.zones or []):
        c.fits.append(_("covers zone %(zone)s") % {"zone": zone.zone})
    else:
        c.misses.append(_("does not cover zone %(zone)s") % {"zone": zone.zone})
    if not windows:
        c.misses.append(_("the request has no scheduled visit"))
        return c
    name = str(profile)
    home = home_point(profile)
    for start, end in windows:
        local_start, local_end = localtime(start), localtime(end)
        on_shift = (
            local_start.weekday() in (profile.work_days or [])
            and local_start.date() == local_end.date()
            and profile.work_start <= local_start.time()
            and local_end.time() <= profile.work_end
        )
        if not on_shift:
            c.misses.append(
                _("not working %(when)s")
                % {"when": f"{local_start:%a %Y-%m-%d %H:%M}–{local_end:%H:%M}"}
            )
        if any(leave.starts_at < end and leave.ends_at > start for leave in leaves):
            c.misses.append(_("on leave %(day)s") % {"day": f"{local_start:%Y-%m-%d}"})
        reason = neighbour_conflict(start, end, point, neighbours, name)
        if reason:
            c.misses.append(reason)
    if point is not None and c.travel_minutes is None:
        # From the last place the engineer is before the first visit: a booking that day, or home.
        first = windows[0][0]
        before = [
            n
            for n in neighbours
            if n[1] <= first and localtime(n[1]).date() == localtime(first).date() and n[2]
        ]
        origin = max(before, key=lambda n: n[1])[2] if before else home
        c.travel_minutes = travel_minutes(origin, point)
        c.fits.append(_("%(minutes)s min away") % {"minutes": c.travel_minutes})
    if not c.misses:
        c.fits.append(_("free for the reservation, grace and travel"))
    return c
