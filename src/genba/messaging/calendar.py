"""iCalendar (RFC 5545): an invitation per scheduled visit, and private feeds for engineers and
customers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from genba.core import clock
from genba.dispatch.places import site_point

PRODID = "-//Genba//Field visits//EN"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def visit_event(visit) -> Event:
    request = visit.request
    hours = max(visit.reserved_hours, request.policy.minimum_hours)
    event = Event()
    # Stable per visit, so that a later invitation updates the same calendar entry.
    event.add("uid", f"{visit.public_id}@genba")
    event.add("dtstamp", clock.now())
    event.add("dtstart", visit.scheduled_start)
    event.add("dtend", visit.scheduled_start + timedelta(seconds=int(hours * 3600)))
    event.add("summary", f"[{request.public_id}] {request.title or 'On-site visit'}")
    if request.site is not None:
        event.add("location", request.site.address_line)
        point = site_point(request.site)
        if point:
            event.add("geo", point)
    # One link for every attendee: /r/<id>/ sends each role to its own page for the request.
    event.add("description", f"{settings.GENBA_BASE_URL}/r/{request.public_id}/")
    event.add("status", "CANCELLED" if visit.status == "cancelled" else "CONFIRMED")
    return event


def invitation(visits) -> bytes:
    cal = _calendar("REQUEST")
    for visit in visits:
        if visit.scheduled_start:
            cal.add_component(visit_event(visit))
    return cal.to_ical()


def feed(visits) -> bytes:
    cal = _calendar()
    cal.add("x-wr-calname", "Genba visits")
    for visit in visits:
        if visit.scheduled_start:
            cal.add_component(visit_event(visit))
    return cal.to_ical()
