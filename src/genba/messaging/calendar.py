"""iCalendar (RFC 5545): private feeds for engineers, customers and staff, and the scheduling
messages (iTIP, RFC 5546, sent by e-mail) of one visit: an invitation (REQUEST) or its
cancellation (CANCEL).

What a calendar may say of a visit depends on its request: nothing before a proposal, TENTATIVE
while the customer weighs an open proposal, CONFIRMED once the customer approved. No event carries
a rate, an estimate or an amount: engineers read them too (rulebook §7).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from genba.core import clock
from genba.dispatch.places import site_point
from genba.orders.models import RequestStatus, VisitStatus

logger = logging.getLogger(__name__)
PRODID = "-//Genba//Field visits//EN"

# The one rule of "the customer approved": a calendar says CONFIRMED for these requests only.
APPROVED_STATUSES = frozenset(
    {
        RequestStatus.APPROVED,
        RequestStatus.RELEASED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.COMPLETED,
        RequestStatus.INVOICED,
        RequestStatus.PAID,
    }
)
# Offered, not yet approved: TENTATIVE, for the customer and the engineers on the open proposal.
PROPOSED_STATUSES = frozenset({RequestStatus.PROPOSED})


def event_status(visit) -> str | None:
    """CONFIRMED, TENTATIVE or CANCELLED; None where a calendar must not show the visit at all
    (draft, submitted, information requested, declined, cancelled requests)."""
    if visit.status == VisitStatus.CANCELLED:
        return "CANCELLED"
    if visit.request.status in APPROVED_STATUSES:
        return "CONFIRMED"
    if visit.request.status in PROPOSED_STATUSES:
        return "TENTATIVE"
    return None


def organizer() -> vCalAddress:
    """The provider's sending address: the From of every message that carries an invitation
    (iMIP wants the organizer to be the sender)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or settings.DEFAULT_FROM_EMAIL}")
    if name:
        organizer.params["CN"] = vText(name)
    return organizer


def _attendee(email: str, name: str, *, on_site: bool) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["CN"] = vText(name)
    # The engineers on the visit are the ones who must be there; the customer's people are kept
    # informed. Nobody is asked to answer: the booking and the customer's approval are made in
    # Genba, and a reply to the organizer's address would reach no one.
    attendee.params["ROLE"] = "REQ-PARTICIPANT" if on_site else "NON-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def _end(visit, minimum_hours):
    """The reservation's end; the start itself when a stored value makes it incomputable (a start
    at the very end of the year 9999, hours that are NaN): a feed or an invitation never fails
    for one visit (issue 11), and the request's findings name the value to correct."""
    try:
        hours = max(visit.reserved_hours, minimum_hours)
        return visit.scheduled_start + timedelta(seconds=int(hours * 3600))
    except (ArithmeticError, ValueError, TypeError):
        logger.warning("visit %s: stored start or hours cannot be read", visit.public_id)
        return visit.scheduled_start


def visit_event(visit, *, status: str) -> Event:
    request = visit.request
    event = Event()
    # Stable per visit, so that a later invitation updates the same calendar entry...
    event.add("uid", f"{visit.public_id}@genba")
    # ...and a raised SEQUENCE tells the calendar that this version replaces the one it has.
    event.add("sequence", visit.calendar_sequence)
    event.add("dtstamp", clock.now())
    event.add("dtstart", visit.scheduled_start)
    event.add("dtend", _end(visit, request.policy.minimum_hours))
    event.add("summary", f"[{request.public_id}] {request.title or 'On-site visit'}")
    if request.site is not None:
        event.add("location", request.site.address_line)
        point = site_point(request.site)
        if point:
            event.add("geo", point)
    # One link for every attendee: /r/<id>/ sends each role to its own page for the request.
    # Nothing else: the description must never carry a price (engineers read it).
    event.add("description", f"{settings.GENBA_BASE_URL}/r/{request.public_id}/")
    event.add("status", status)
    return event


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _scheduling(visit, method: str, status: str, attendees: Iterable) -> bytes:
    """One visit per message: a scheduling message is about one UID (several events in one
    attachment are read by many mail clients as the first one only), so a request of several
    visits sends one attachment each."""
    cal = _calendar(method)
    event = visit_event(visit, status=status)
    event.add("organizer", organizer())
    on_site = {e.email.lower(): e for e in visit.assigned_engineers.all()}
    seen = set()
    for email, name in [
        *((e.email, e.get_full_name()) for e in on_site.values()),
        *((a.email, a.name) for a in attendees),
    ]:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        event.add("attendee", _attendee(email, name, on_site=email.lower() in on_site))
    cal.add_component(event)
    return cal.to_ical()


def invitation(visit, *, to: Iterable) -> bytes:
    """METHOD:REQUEST for one visit, CONFIRMED, to the recipients `to` (anything with `email`
    and `name`). The attendees are the visit's engineers and the recipients, so that each
    recipient's calendar finds itself in the list."""
    return _scheduling(visit, "REQUEST", "CONFIRMED", to)


def cancellation(visit, *, to: Iterable, whole: bool = True) -> bytes:
    """METHOD:CANCEL for one visit (same UID, the visit's SEQUENCE, STATUS:CANCELLED).

    `whole`: the visit itself is cancelled, so every attendee is named; otherwise only the
    recipients `to` are taken off a visit that goes on without them (an engineer reassigned)."""
    if whole:
        return _scheduling(visit, "CANCEL", "CANCELLED", to)
    cal = _calendar("CANCEL")
    event = visit_event(visit, status="CANCELLED")
    event.add("organizer", organizer())
    for recipient in to:
        event.add("attendee", _attendee(recipient.email, recipient.name, on_site=True))
    cal.add_component(event)
    return cal.to_ical()


def feed(visits) -> bytes:
    """A subscribed calendar: CONFIRMED and TENTATIVE visits. A cancelled visit, or one whose
    request is not (yet) proposed or approved, is left out: a subscribing calendar replaces the
    whole feed at each refresh, so a visit that leaves the feed leaves the calendar, while several
    calendar apps show a STATUS:CANCELLED event of a feed as if it were still on."""
    cal = _calendar()
    cal.add("x-wr-calname", "Genba visits")
    for visit in visits:
        status = event_status(visit)
        if visit.scheduled_start and status in ("CONFIRMED", "TENTATIVE"):
            cal.add_component(visit_event(visit, status=status))
    return cal.to_ical()
