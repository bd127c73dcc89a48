"""Messages for each step of rulebook §3, in each recipient's language, sent once.

`notify_event(event_id)` runs in the worker (tasks.py) for every transition's audit row, and for
the changes that keep a status (a visit reassigned or rescheduled, genba.core.transitions.announce).
It may run twice (at-least-once delivery): a recipient already mailed for that event is skipped.

Calendar attachments (calendar.py) are built per recipient: each invitation names its recipient
as an attendee. Engineers are never sent a rate, an estimate or an amount.

Headers are built from people's text (a request title goes into the subject): `email_message` is
where every message Genba sends is put together (notifications here, intake's replies), and it
passes every header through `header_text`, so a title "x\r\nBcc: ..." is one line of subject, not
a second header. Each recipient's message is sent on its own: one that cannot be sent is logged and
the others still go; `notify_event` then fails the job, naming what was not sent (run again, it
sends only those: the rest are recorded as sent).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from genba.accounts.models import Role, User
from genba.billing.selectors import provider_contact
from genba.core.clock import JST
from genba.core.models import AuditEvent
from genba.messaging import recipients as who
from genba.messaging.calendar import APPROVED_STATUSES, cancellation, invitation
from genba.messaging.models import Notification
from genba.messaging.texts import CALENDAR_NOTE, MISSING, NO_FINDINGS, REASON, TEXTS
from genba.orders.models import ServiceRequest, Visit

logger = logging.getLogger(__name__)

# Long enough for "[req_…] <a 200-character title>" and the Notification.subject column (300).
SUBJECT_MAX = 300
# Other headers (References of a long thread): a bound, not a format rule (mail folds long lines).
HEADER_MAX = 10000
# Bidirectional overrides and isolates: they make a subject display other than it reads.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def header_text(value, limit: int = SUBJECT_MAX) -> str:
    """Text fit for one e-mail header: control characters (CR, LF, NUL, tab, DEL, C1 controls) and
    line or paragraph separators become spaces, runs of spaces one space, bidi overrides go, and
    the result is at most `limit` characters (ending with "…" when cut)."""
    text = str(value or "").translate(_BIDI)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def email_message(
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    *,
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
) -> EmailMessage:
    """The one place an outgoing message is built: every header value, address and name goes
    through `header_text` (the body is free text and keeps its lines)."""

    def address(value: str) -> str:
        return header_text(value, HEADER_MAX)

    return EmailMessage(
        header_text(subject, SUBJECT_MAX),
        body,
        address(from_email),
        [address(a) for a in to],
        reply_to=[address(a) for a in reply_to or []],
        headers={
            header_text(name, 100): header_text(value, HEADER_MAX)
            for name, value in (headers or {}).items()
        },
    )


class UndeliveredMessages(Exception):
    """Some messages of a job could not be sent (each logged); the others were."""


# The messages of the running notify_event that could not be sent (None outside one).
_undelivered: ContextVar[list[str] | None] = ContextVar("undelivered", default=None)


def _url(role: str | None, request, *, visit=None, invoice=None) -> str:
    """The page a recipient of `role` opens for this message: the customer's portal, the
    coordinators' console, the engineer's visit in the field app, billing's invoice or queue.
    A recipient without an account (a customer's contact) is sent to the portal."""
    if role in (Role.COORDINATOR, Role.ADMIN):
        path = reverse("console:request", args=[request.public_id])
    elif role == Role.ENGINEER:
        path = reverse("field:visit", args=[visit.public_id]) if visit else reverse("field:home")
    elif role == Role.BILLING:
        path = (
            reverse("console:invoice", args=[invoice.public_id])
            if invoice
            else reverse("console:billing")
        )
    else:
        path = reverse("portal:request", args=[request.public_id])
    return f"{settings.GENBA_BASE_URL}{path}"


def _roles(recipients: list[who.Recipient]) -> dict[str, str]:
    """Each recipient's role, by e-mail address (unique per user)."""
    emails = {r.email for r in recipients} | {r.email.lower() for r in recipients}
    rows = User.objects.filter(email__in=emails).values_list("email", "role")
    return {email.lower(): role for email, role in rows}


def _language(recipient: who.Recipient) -> str:
    return "ja" if recipient.language.startswith("ja") else "en"


def _when(moment, zone: str | None = None) -> str:
    """JST, the time of the site; and the recipient's own time when he or she is elsewhere."""
    if not moment:
        return "—"
    text = f"{moment.astimezone(JST):%Y-%m-%d %H:%M} JST"
    if zone and zone != "Asia/Tokyo":
        try:
            text += f" ({moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone})"
        except (ZoneInfoNotFoundError, ValueError):
            pass  # an unknown zone in a profile: JST alone is still right
    return text


def _when_for(moment):
    """`_when` in each recipient's zone (send() calls it per recipient)."""
    return lambda recipient: _when(moment, recipient.time_zone)


def _ics(visit, content: bytes, method: str) -> tuple[str, bytes, str]:
    # The method in the MIME type is what makes a mail client offer the calendar actions (iMIP).
    return (f"{visit.public_id}.ics", content, f"text/calendar; method={method}")


def _calendar_note(attachments, language: str) -> str:
    for _name, _content, mimetype in attachments:
        if mimetype.startswith("text/calendar") and "method=" in mimetype:
            method = mimetype.split("method=", 1)[1].strip().upper()
            return CALENDAR_NOTE.get(method, {}).get(language, "")
    return ""


def _findings(request, language: str) -> str:
    from genba.orders.selectors import request_findings

    open_items = [f for f in request_findings(request) if f.severity in ("error", "warning")]
    if not open_items:
        return NO_FINDINGS[language]
    return MISSING[language] + "\n" + "\n".join(f"- {f.message(language)}" for f in open_items)


# The travel lines of an estimate in the proposal's e-mail (issue 13 item 2).
_TRAVEL_WORDS = {
    "en": {
        "travel": "Travel (expected): {description}",
        "travel_time": "Travel time {hours} h at ¥{rate:,}/h",
        "travel_fee": "Travel: zone flat fee",
        "note": "Travel is estimated: the invoice charges the actual travel costs.",
    },
    "ja": {
        "travel": "交通費・宿泊費（見込み）：{description}",
        "travel_time": "移動時間 {hours} 時間（¥{rate:,}/時間）",
        "travel_fee": "出張費（地域定額）",
        "note": "交通費は見込みです。請求書には実費を記載します。",
    },
}


def estimate_text(estimate: dict, language: str) -> str:
    """The estimate's total, then its travel lines (one per line) when it has any."""
    if estimate.get("total") is None:
        return "—"
    words = _TRAVEL_WORDS["ja" if language == "ja" else "en"]
    text = f"¥{estimate['total']:,}"
    travel = [ln for ln in estimate.get("lines", []) if ln.get("kind") in words]
    if not travel:
        return text
    rows = [text]
    for line in travel:
        label = words[line["kind"]].format(
            description=line.get("description", ""), hours=line.get("hours"), rate=line["rate"]
        )
        rows.append(f"- {label}  ¥{line['amount']:,}")
    rows.append(words["note"])
    return "\n".join(rows)


def send(
    kind: str,
    *,
    key: str,
    request,
    to: Iterable[who.Recipient],
    attachments=(),
    visit=None,
    invoice=None,
    **values,
) -> int:
    """Send `kind` to each recipient once per `key`; returns how many were sent now. The `{url}`
    is the page for the recipient's role; `visit` and `invoice` name what the message is about.

    `attachments`, and any of `values`, may be a function of the recipient: an invitation names
    its recipient, a time is written in the recipient's zone. `{calendar}` in a text says what
    calendar attachment the recipient got (or nothing).

    A message that cannot be built or sent is logged and skipped (not recorded as sent): the other
    recipients still get theirs."""
    sent = 0
    to = list(to)
    roles = _roles(to)
    provider = None  # read once, when a customer-side recipient is met
    for recipient in to:
        language = _language(recipient)
        role = roles.get(recipient.email.lower())
        # The customer's side (its users, the remote engineer, the local contact) gets the
        # provider's numbers in the signature (issue 13 item 6); staff do not need them.
        customer_side = role in (None, Role.CUSTOMER)
        if customer_side and provider is None:
            provider = provider_contact()
        unique = f"{key}:{recipient.email}"
        if Notification.objects.filter(key=unique).exists():
            continue
        try:
            message = _message(
                kind,
                language,
                recipient,
                request,
                attachments,
                url=_url(role, request, visit=visit, invoice=invoice),
                values=values,
                signature=provider.signature(language) if customer_side and provider else "",
            )
            message.send()
        except Exception as exc:
            # One recipient's bad address, a refused message or a template that fails for one
            # recipient must not keep the others from hearing.
            logger.exception("notification %s to %s not sent (%s)", kind, recipient.email, key)
            undelivered = _undelivered.get()
            if undelivered is not None:
                undelivered.append(f"{kind} to {recipient.email}: {type(exc).__name__}: {exc}")
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(
                    key=unique,
                    kind=kind,
                    recipient=recipient.email,
                    language=language,
                    subject=message.subject[:300],
                    request=request,
                )
        except IntegrityError:
            pass  # another run of the same job sent it at the same moment: at-least-once
        sent += 1
    return sent


def _message(
    kind, language, recipient, request, attachments, *, url, values, signature: str = ""
) -> EmailMessage:
    subject, body = TEXTS[kind][language]
    files = list(attachments(recipient) if callable(attachments) else attachments)
    fields = {
        "ref": request.public_id,
        "title": request.title or request.public_id,
        "url": url,
        **{name: value(recipient) if callable(value) else value for name, value in values.items()},
    }
    if "{findings}" in body:
        fields["findings"] = _findings(request, language)
    if "{calendar}" in body:
        fields["calendar"] = _calendar_note(files, language)
    message = email_message(
        subject.format(**fields),
        body.format(**fields).rstrip("\n") + signature,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
    )
    for name, content, mimetype in files:
        message.attach(name, content, mimetype)
    return message


def notify_event(event_id: int) -> int:
    """Send the event's messages; returns how many were sent now. When some could not be sent,
    all the others are sent first and then UndeliveredMessages says which: the job shows as
    failed, and running it again sends only those."""
    undelivered: list[str] = []
    token = _undelivered.set(undelivered)
    try:
        sent = _notify_event(event_id)
    finally:
        _undelivered.reset(token)
    if undelivered:
        raise UndeliveredMessages(
            f"event {event_id}: {sent} sent, {len(undelivered)} not sent: " + "; ".join(undelivered)
        )
    return sent


def _notify_event(event_id: int) -> int:
    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    key = f"event:{event.pk}"
    if event.object_type == "servicerequest":
        request = ServiceRequest.objects.select_related(
            "site", "policy", "contract", "organization", "local_contact", "remote_engineer"
        ).get(public_id=event.object_id)
        return _request_step(event, key, request)
    if event.object_type == "visit":
        visit = Visit.objects.select_related(
            "request__site", "request__remote_engineer", "request__local_contact", "request__policy"
        ).get(public_id=event.object_id)
        return _visit_step(event, key, visit)
    return 0


def _request_step(event, key: str, request) -> int:
    action = event.action
    customers = who.customer_users(request)
    if action == "submitted":
        sent = send("received", key=key, request=request, to=customers)
        if request.urgency == 4:
            sent += send(
                "urgent",
                key=key,
                request=request,
                to=who.staff("coordinator", "admin"),
                customer=request.organization.name,
            )
        return sent
    if action == "info_requested":
        return send(
            "info_requested", key=key, request=request, to=customers, message=event.reason or ""
        )
    if action == "proposed":
        proposal = request.proposals.order_by("-created_at", "-id").first()
        engineers = "\n".join(
            f"- {e.get_full_name() or e.email}  {e.phone}  {e.email}"
            for e in proposal.engineers.all()
        )
        estimate = proposal.estimate or {}
        return send(
            "proposed",
            key=key,
            request=request,
            to=customers,
            engineers=engineers,
            estimate=lambda r: estimate_text(estimate, _language(r)),
        )
    if action == "approved":
        visits = list(
            request.visits.exclude(status="cancelled")
            .select_related("request__site", "request__policy")
            .prefetch_related("assigned_engineers")
        )
        from genba.messaging.sla import arrival_target

        target = arrival_target(request)
        # The customer's side gets one invitation per visit; each engineer only his or her visit.
        sent = send(
            "approved",
            key=key,
            request=request,
            to=customers + who.contact(request.remote_engineer),
            attachments=lambda r: [_invite(v, r) for v in visits if v.scheduled_start],
            visits=lambda r: "\n".join(
                f"- {_when(v.scheduled_start, r.time_zone)}" for v in visits
            ),
            sla=_when_for(target),
        )
        site = request.site.address_line if request.site else "—"
        for visit in visits:
            sent += _assigned(f"{key}:{visit.public_id}", visit, who.engineers(visit), site)
        return sent
    if action == "cancelled":
        # Today a request's cancellation ends its visits in bulk; where each visit is cancelled
        # through its own transition, the same per-visit key makes the second telling a no-op.
        return sum(
            _visit_cancelled(visit, customers)
            for visit in request.visits.filter(status="cancelled").select_related(
                "request__site", "request__policy", "request__remote_engineer"
            )
        )
    if action == "invoiced":
        return _invoice(event, key, request, customers)
    return 0


def _invite(visit, recipient) -> tuple[str, bytes, str]:
    return _ics(visit, invitation(visit, to=[recipient]), "REQUEST")


def _assigned(key: str, visit, engineers: list[who.Recipient], site: str) -> int:
    return send(
        "assigned",
        key=key,
        request=visit.request,
        to=engineers,
        attachments=lambda r: [_invite(visit, r)] if visit.scheduled_start else [],
        visit=visit,
        visits=lambda r: f"- {_when(visit.scheduled_start, r.time_zone)}",
        site=site,
    )


def _invoice(event, key: str, request, customers) -> int:
    from genba.billing.models import Invoice
    from genba.billing.pdf import render_invoice_pdf

    invoice = Invoice.objects.filter(number=(event.data or {}).get("invoice")).first()
    if invoice is None:
        return 0
    sent = 0
    for recipient in customers:
        language = "ja" if recipient.language.startswith("ja") else "en"
        pdf = render_invoice_pdf(invoice, language)
        sent += send(
            "invoiced",
            key=key,
            request=request,
            to=[recipient],
            attachments=[(f"{invoice.number}.pdf", pdf, "application/pdf")],
            invoice=invoice,
            number=invoice.number,
            total=f"{invoice.total:,}",
            due=invoice.due_date.isoformat(),
        )
    return sent


def _visit_step(event, key: str, visit) -> int:
    request = visit.request
    engineer = (
        ", ".join(e.get_full_name() or e.email for e in visit.assigned_engineers.all()) or "—"
    )
    site = request.site.address_line if request.site else "—"
    customers = who.customer_users(request)
    if event.action == "en_route":
        return send(
            "en_route",
            key=key,
            request=request,
            visit=visit,
            to=customers + who.contact(request.remote_engineer),
            engineer=engineer,
            site=site,
        )
    if event.action == "arrived":
        to = customers + who.contact(request.remote_engineer) + who.contact(request.local_contact)
        return send(
            "arrived",
            key=key,
            request=request,
            visit=visit,
            to=to,
            engineer=engineer,
            site=site,
            time=_when(visit.arrived_at),
        )
    if event.action == "signed_off":
        return send(
            "signed_off",
            key=key,
            request=request,
            visit=visit,
            to=customers + who.engineers(visit),
            signer=visit.signed_off_by_name,
            time=_when_for(visit.signed_off_at),
        )
    if event.action == "reassigned":
        return _reassigned(event, key, visit, customers, engineer, site)
    if event.action == "rescheduled":
        return _rescheduled(event, key, visit, customers, engineer, site)
    if event.action == "cancelled":
        return _visit_cancelled(visit, customers)
    return 0


def _emails(value) -> set[str]:
    """An event names people by e-mail: one address, or a list of them."""
    if not value:
        return set()
    values = [value] if isinstance(value, str) else list(value)
    return {v.lower() for v in values if v}


def _invited(visit) -> bool:
    """Whether the visit's people hold a calendar invitation for it: sent at approval, and only
    for approved requests and scheduled visits."""
    return visit.request.status in APPROVED_STATUSES and visit.scheduled_start is not None


def _reassigned(event, key: str, visit, customers, engineers: str, site: str) -> int:
    """The coordinator gave the visit to another engineer. The customer's side hears who comes
    now (with the updated invitation), the newcomer is assigned with an invitation, the engineer
    taken off gets the cancellation. Who is on the visit is read now, not from the event: if the
    visit was handed on again meanwhile, nobody is invited to a visit he or she is no longer on."""
    request = visit.request
    data = event.data or {}
    invited = _invited(visit)
    # One announcement per engineer replaced, and each raises the SEQUENCE: keyed by the visit's
    # SEQUENCE as the job reads it, the customer hears once of a crew changed in one go (or
    # several times before the job ran), and of the crew as it is.
    sent = send(
        "reassigned",
        key=f"crew:{visit.public_id}:{visit.calendar_sequence}",
        request=request,
        visit=visit,
        to=customers + who.contact(request.remote_engineer),
        attachments=(lambda r: [_invite(visit, r)]) if invited else (),
        engineers=engineers,
        time=_when_for(visit.scheduled_start),
        site=site,
    )
    if not invited:
        return sent  # before approval no engineer was booked, so none is told
    current = who.engineers(visit)
    on_visit = {r.email.lower() for r in current}
    added = _emails(data.get("to"))
    sent += _assigned(key, visit, [r for r in current if r.email.lower() in added], site)
    # Taken off, and told so only if he or she had been told of the request at all (a hand-over
    # undone before the job ran leaves nothing to cancel).
    told = set(
        Notification.objects.filter(
            request=request, kind__in=("assigned", "rescheduled")
        ).values_list("recipient", flat=True)
    )
    gone = [
        r
        for r in who.users_by_email(_emails(data.get("from")))
        if r.email.lower() not in on_visit and r.email in told
    ]
    sent += send(
        "unassigned",
        key=key,
        request=request,
        visit=None,  # the link goes to the field app's list: the visit is no longer theirs
        to=gone,
        attachments=lambda r: [_ics(visit, cancellation(visit, to=[r], whole=False), "CANCEL")],
        time=_when_for(visit.scheduled_start),
        site=site,
    )
    return sent


def _rescheduled(event, key: str, visit, customers, engineers: str, site: str) -> int:
    """The visit moved in time: everyone who holds its invitation gets the updated one (the
    raised SEQUENCE makes calendars replace the entry). "Now" is the visit as it is when the job
    runs; "was" is the time the event moved it from."""
    request = visit.request
    was = None
    try:
        was = datetime.fromisoformat((event.data or {}).get("from") or "")
    except (TypeError, ValueError):
        pass
    invited = _invited(visit)
    to = customers + who.contact(request.remote_engineer)
    if invited:
        to += who.engineers(visit)
    return send(
        "rescheduled",
        key=key,
        request=request,
        visit=visit,
        to=to,
        attachments=(lambda r: [_invite(visit, r)]) if invited else (),
        engineers=engineers,
        time=_when_for(visit.scheduled_start),
        was=_when_for(was),
        site=site,
    )


def _visit_cancelled(visit, customers) -> int:
    """CANCEL to everyone who got the visit's invitation: the customer's users, the remote
    engineer, the engineers on it. Keyed per visit (not per event), so that a visit told of by
    its own cancellation and by its request's is told once."""
    request = visit.request
    if request.approved_at is None:
        return 0  # never approved: no invitation went out, nobody was booked
    site = request.site.address_line if request.site else "—"
    return send(
        "visit_cancelled",
        key=f"visit-cancelled:{visit.public_id}",
        request=request,
        visit=visit,
        to=customers + who.contact(request.remote_engineer) + who.engineers(visit),
        attachments=lambda r: (
            [_ics(visit, cancellation(visit, to=[r]), "CANCEL")] if visit.scheduled_start else []
        ),
        time=_when_for(visit.scheduled_start),
        site=site,
        reason=lambda r: (
            REASON[_language(r)].format(reason=visit.ended_reason) if visit.ended_reason else ""
        ),
    )
