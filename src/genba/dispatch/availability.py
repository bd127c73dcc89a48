"""Who can take a request: every active engineer, ranked, each with the reasons for or against
(skill, languages, coverage zone, working hours, leave, free for the reservation plus grace and
travel, workload that week). A fixed number of queries, whatever the number of engineers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import FloatField, Sum
from django.db.models.functions import Cast
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
_LONGEST = timedelta(hours=25)  # 24 reserved hours at most, plus grace
_MARGIN = timedelta(days=8)  # beyond every instant a search derives from a window


@dataclass
class Candidate:
    profile: EngineerRow
    fits: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    # The misses no coordinator may override (skill, language, zone, leave, another booking or
    # the travel to or from it): proposal, approval, reassign and reschedule refuse on these.
    blocks: list[str] = field(default_factory=list)
    travel_minutes: int | None = None
    week_hours: Decimal = Decimal(0)

    @property
    def available(self) -> bool:
        return not self.misses

    def block(self, reason: str) -> None:
        self.misses.append(reason)
        self.blocks.append(reason)

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
    candidates = assess(request)
    available = sorted((c for c in candidates if c.available), key=Candidate.rank)
    unavailable = sorted(
        (c for c in candidates if not c.available), key=lambda c: (len(c.misses), str(c.profile))
    )
    return available, unavailable


def blocking_reasons(request: ServiceRequest, engineers, windows=None) -> list[str]:
    """Why these engineers cannot take the request's visits (or the given (start, end) windows):
    the one check a proposal, an approval, a reassignment and a reschedule all run. An engineer
    with no active dispatch profile cannot be sent anywhere."""
    engineers = list(engineers)
    found = {c.profile.user_id: c for c in assess(request, engineers=engineers, windows=windows)}
    reasons = []
    for engineer in engineers:
        candidate = found.get(engineer.pk)
        name = engineer.get_full_name() or engineer.email
        if candidate is None:
            reasons.append(_("%(name)s has no active dispatch profile.") % {"name": name})
        else:
            reasons += [f"{name}: {reason}" for reason in candidate.blocks]
    return reasons


def assess(request: ServiceRequest, *, engineers=None, windows=None) -> list[Candidate]:
    """Every active engineer (or only `engineers`) judged against the request's visits, or against
    `windows` (a reschedule's new times)."""
    try:
        windows = [
            Window(start, end, localtime(start), localtime(end))
            for start, end in (windows if windows is not None else _windows(request))
        ]
        for w in windows:
            # Every instant the search derives (neighbours, leave, the week) lies within a week
            # or so of a window: near the years 1 and 9999 (a row stored behind the input
            # schemas) it cannot be computed, and no engineer can be judged free for it.
            w.start - _MARGIN, w.end + _MARGIN  # noqa: B018
        unreadable = False
    except OverflowError:
        windows, unreadable = [], True
    point = site_point(request.site)
    facts = request_facts(request)
    zone = coverage_for(facts.site, policy_rules(request.policy)) if facts.site else None
    # Plain rows, not model instances: building 1,000 instances (profile and user) was most of a
    # search's time with 500 engineers (docs/performance.md).
    chosen = EngineerProfile.objects.filter(active=True, user__is_active=True)
    if engineers is not None:
        chosen = chosen.filter(user__in=[e.pk for e in engineers])
    profiles = [
        EngineerRow.from_values(values)
        for values in chosen.annotate(
            home_lat=Cast("home_latitude", FloatField()),
            home_lng=Cast("home_longitude", FloatField()),
        ).values_list(*ROW_FIELDS)
    ]

    leaves: dict[int, list] = defaultdict(list)
    bookings: dict[int, list] = defaultdict(list)
    week_hours: dict[int, Decimal] = defaultdict(Decimal)
    if windows:
        first, last = windows[0].start, max(w.end for w in windows)
        for engineer_id, starts, ends in Leave.objects.filter(
            starts_at__lt=last, ends_at__gt=first
        ).values_list("engineer_id", "starts_at", "ends_at"):
            leaves[engineer_id].append((starts, ends))
        near = (
            Booking.objects.filter(
                status=BookingStatus.CONFIRMED,
                starts_at__lt=last + _NEIGHBOURHOOD,
                # No booking is longer than a day, so this lower bound keeps the index range tight.
                starts_at__gt=first - _NEIGHBOURHOOD - _LONGEST,
                ends_at__gt=first - _NEIGHBOURHOOD,
            )
            .exclude(visit__request=request)
            # Coordinates as floats straight from SQL: the Decimal converter was a quarter of a search.
            .annotate(
                lat=Cast("visit__request__site__latitude", FloatField()),
                lng=Cast("visit__request__site__longitude", FloatField()),
            )
            .values_list("engineer_id", "starts_at", "ends_at", "lat", "lng")
        )
        for engineer_id, starts, ends, lat, lng in near:
            here = (lat, lng) if lat is not None else None
            bookings[engineer_id].append((starts, ends, here))
        monday = windows[0].local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        # Summed by the database: a week of 500 engineers is thousands of rows not worth reading.
        week = (
            Booking.objects.filter(
                status=BookingStatus.CONFIRMED,
                starts_at__gte=monday,
                starts_at__lt=monday + timedelta(days=7),
            )
            .values("engineer_id")
            .annotate(booked=Sum("minutes"))
            .values_list("engineer_id", "booked")
        )
        for engineer_id, booked in week:
            week_hours[engineer_id] = (Decimal(booked) / 60).quantize(Decimal("0.1"))

    words = _Words(request, zone)
    candidates = []
    for profile in profiles:
        if unreadable:
            # Not "no scheduled visit": a visit exists and nobody may be booked on it until its
            # start is corrected (the request carries request.start.out_of_range).
            candidate = Candidate(profile)
            candidate.block(words.unreadable)
            candidates.append(candidate)
            continue
        candidate = _judge(
            profile, windows, point, zone, words, leaves[profile.user_id], bookings[profile.user_id]
        )
        candidate.week_hours = week_hours[profile.user_id]
        candidate.fits.append(words.week % {"hours": candidate.week_hours})
        candidates.append(candidate)
    return candidates


class Window(NamedTuple):
    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime


ROW_FIELDS = (
    "public_id",
    "user_id",
    "skill_level",
    "languages",
    "home_lat",
    "home_lng",
    "zones",
    "work_days",
    "work_start",
    "work_end",
    "home_label",
    "datacenter_access",
    "photo_id",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__phone",
)


class EngineerRow(NamedTuple):
    """What the search needs of an engineer, read as one tuple per engineer."""

    public_id: str
    user_id: int
    skill_level: str
    languages: list
    home_latitude: float
    home_longitude: float
    zones: list
    work_days: list
    work_start: time
    work_end: time
    home_label: str
    datacenter_access: list
    photo_id: str
    first_name: str
    last_name: str
    email: str
    phone: str

    @classmethod
    def from_values(cls, values) -> EngineerRow:
        return cls(*values)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def as_document(self) -> dict:
        return {
            "id": self.public_id,
            "name": str(self),
            "email": self.email,
            "phone": self.phone,
            "skill_level": self.skill_level,
            "languages": self.languages,
            "zones": self.zones,
            "home": self.home_label,
            "datacenter_access": self.datacenter_access,
            "active": True,
            "has_photo_id": bool(self.photo_id),
        }


class _Words:
    """Every phrase translated once per search, not once per engineer (500 engineers × 10 phrases)."""

    def __init__(self, request: ServiceRequest, zone) -> None:
        self.asked = request.skill_level
        self.languages = set(request.languages or [])
        self.skill_ok = _("skill %(has)s ≥ %(asked)s")
        self.skill_low = _("skill %(has)s < %(asked)s")
        self.not_speaking = _("does not speak %(languages)s")
        self.speaks = _("speaks %(languages)s") % {"languages": ", ".join(sorted(self.languages))}
        self.outside = _("the site is outside the coverage table")
        if zone is not None:
            self.covers = _("covers zone %(zone)s") % {"zone": zone.zone}
            self.not_covering = _("does not cover zone %(zone)s") % {"zone": zone.zone}
        self.no_visit = _("the request has no scheduled visit")
        self.unreadable = _("a visit's stored start cannot be read; correct it first")
        self.not_working = _("not working %(when)s")
        self.leave = _("on leave %(day)s")
        self.away = _("%(minutes)s min away")
        self.free = _("free for the reservation, grace and travel")
        self.week = _("%(hours)s h booked that week")


def _judge(profile, windows, point, zone, words: _Words, leaves, neighbours) -> Candidate:
    c = Candidate(profile)
    has = profile.skill_level
    if SKILL_RANK[has] >= SKILL_RANK[words.asked]:
        c.fits.append(words.skill_ok % {"has": has, "asked": words.asked})
    else:
        c.block(words.skill_low % {"has": has, "asked": words.asked})
    missing = words.languages - set(profile.languages or [])
    if missing:
        c.block(words.not_speaking % {"languages": ", ".join(sorted(missing))})
    elif words.languages:
        c.fits.append(words.speaks)
    if zone is None:
        c.block(words.outside)
    elif zone.zone in (profile.zones or []):
        c.fits.append(words.covers)
    else:
        c.block(words.not_covering)
    if not windows:
        c.misses.append(words.no_visit)
        return c
    days = profile.work_days or []
    for w in windows:
        on_shift = (
            w.local_start.weekday() in days
            and w.local_start.date() == w.local_end.date()
            and profile.work_start <= w.local_start.time()
            and w.local_end.time() <= profile.work_end
        )
        if not on_shift:
            c.misses.append(
                words.not_working
                % {"when": f"{w.local_start:%a %Y-%m-%d %H:%M}–{w.local_end:%H:%M}"}
            )
        if any(starts < w.end and ends > w.start for starts, ends in leaves):
            c.block(words.leave % {"day": f"{w.local_start:%Y-%m-%d}"})
        if neighbours:
            reason = neighbour_conflict(w.start, w.end, point, neighbours, str(profile))
            if reason:
                c.block(reason)
    if point is not None:
        # From the last place the engineer is before the first visit: a booking that day, or home.
        first = windows[0]
        day = first.local_start.date()
        before = [
            n for n in neighbours if n[1] <= first.start and n[2] and localtime(n[1]).date() == day
        ]
        origin = max(before, key=lambda n: n[1])[2] if before else home_point(profile)
        c.travel_minutes = travel_minutes(origin, point)
        c.fits.append(words.away % {"minutes": c.travel_minutes})
    if not c.misses:
        c.fits.append(words.free)
    return c
