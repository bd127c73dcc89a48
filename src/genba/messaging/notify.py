"""Messages for each step of rulebook §3, in each recipient's language, sent once.

`notify_event(event_id)` runs in the worker (tasks.py) for every transition's audit row. It may run
twice (at-least-once delivery): a recipient already mailed for that event is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.timezone import localtime

from genba.accounts.models import Role, User
from genba.core.models import AuditEvent
from genba.messaging import recipients as who
from genba.messaging.calendar import invitation
from genba.messaging.models import Notification
from genba.messaging.texts import MISSING, NO_FINDINGS, TEXTS
from genba.orders.models import ServiceRequest, Visit


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


def _when(moment) -> str:
    return f"{localtime(moment):%Y-%m-%d %H:%M} JST" if moment else "—"


def _findings(request, language: str) -> str:
    from genba.orders.selectors import request_findings

    open_items = [f for f in request_findings(request) if f.severity in ("error", "warning")]
    if not open_items:
        return NO_FINDINGS[language]
    return MISSING[language] + "\n" + "\n".join(f"- {f.message(language)}" for f in open_items)


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
    is the page for the recipient's role; `visit` and `invoice` name what the message is about."""
    sent = 0
    to = list(to)
    roles = _roles(to)
    for recipient in to:
        language = "ja" if recipient.language.startswith("ja") else "en"
        unique = f"{key}:{recipient.email}"
        if Notification.objects.filter(key=unique).exists():
            continue
        subject, body = TEXTS[kind][language]
        fields = {
            "ref": request.public_id,
            "title": request.title or request.public_id,
            "url": _url(roles.get(recipient.email.lower()), request, visit=visit, invoice=invoice),
            **values,
        }
        if "{findings}" in body:
            fields["findings"] = _findings(request, language)
        message = EmailMessage(
            subject.format(**fields),
            body.format(**fields),
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        message.send()
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


def notify_event(event_id: int) -> int:
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
        total = f"¥{estimate['total']:,}" if estimate.get("total") is not None else "—"
        return send(
            "proposed", key=key, request=request, to=customers, engineers=engineers, estimate=total
        )
    if action == "approved":
        visits = list(
            request.visits.exclude(status="cancelled").prefetch_related("assigned_engineers")
        )
        lines = "\n".join(f"- {_when(v.scheduled_start)}" for v in visits)
        ics = [("visit.ics", invitation(visits), "text/calendar; method=REQUEST")]
        from genba.messaging.sla import arrival_target

        target = arrival_target(request)
        sent = send(
            "approved",
            key=key,
            request=request,
            to=customers + who.contact(request.remote_engineer),
            attachments=ics,
            visits=lines,
            sla=_when(target),
        )
        site = request.site.address_line if request.site else "—"
        for visit in visits:
            sent += send(
                "assigned",
                key=f"{key}:{visit.public_id}",
                request=request,
                to=who.engineers(visit),
                attachments=ics,
                visit=visit,
                visits=lines,
                site=site,
            )
        return sent
    if action == "invoiced":
        return _invoice(event, key, request, customers)
    return 0


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
            time=_when(visit.signed_off_at),
        )
    return 0
