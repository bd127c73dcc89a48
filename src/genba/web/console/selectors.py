"""Reads the console's pages need, each in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from genba.contracts.models import Policy
from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.models import Booking
from genba.messaging.sla import arrival_rows
from genba.orders import completeness
from genba.orders.models import RequestStatus, ServiceRequest, VisitStatus
from genba.orders.selectors import request_findings, requests_visible_to, rules_by_policy

# The coordinator's work: everything between the customer's submission and the engineer's sign-off.
INBOX_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.INFO_REQUESTED,
    RequestStatus.PROPOSED,
    RequestStatus.APPROVED,
    RequestStatus.RELEASED,
    RequestStatus.IN_PROGRESS,
)
SLA_RANK = {"breached": 0, "at_risk": 1, "on_track": 2, None: 3}
SORTS = ("urgency", "sla", "findings", "start", "newest")
INBOX_LIMIT = 300


@dataclass
class InboxRow:
    request: ServiceRequest
    errors: int = 0
    warnings: int = 0
    first_start: datetime | None = None
    sla_state: str | None = None
    sla_target: datetime | None = None
    missing: list[str] = field(default_factory=list)


def inbox(
    user, *, status: str = "", organization: str = "", search: str = "", sort: str = "urgency"
) -> tuple[list[InboxRow], dict[str, int], int]:
    """(rows sorted and capped, count per status before the status filter, rows in total)."""
    qs = (
        requests_visible_to(user)
        .filter(status__in=INBOX_STATUSES)
        .select_related(
            "organization", "contract", "policy", "site", "local_contact", "remote_engineer"
        )
        .prefetch_related("visits", "equipment", "items_to_bring", "paperwork", "attachments")
    )
    if organization:
        qs = qs.filter(organization__public_id=organization)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(public_id__icontains=search)
            | Q(title__icontains=search)
            | Q(reference__icontains=search)
            | Q(site__name__icontains=search)
            | Q(organization__name__icontains=search)
        )
    requests = list(qs)
    counts = {s.value: 0 for s in INBOX_STATUSES}
    for r in requests:
        counts[r.status] += 1
    if status:
        requests = [r for r in requests if r.status == status]
    rules = rules_by_policy({r.policy for r in requests})
    sla = {row["request"].pk: row for row in arrival_rows()}
    rows = []
    for r in requests:
        findings = request_findings(r, rules)
        starts = [
            v.scheduled_start
            for v in r.visits.all()
            if v.status != VisitStatus.CANCELLED and v.scheduled_start
        ]
        row = InboxRow(
            request=r,
            errors=sum(1 for f in findings if f.severity == completeness.ERROR),
            warnings=sum(1 for f in findings if f.severity == completeness.WARNING),
            first_start=min(starts) if starts else None,
        )
        if r.pk in sla:
            row.sla_state, row.sla_target = sla[r.pk]["state"], sla[r.pk]["target"]
        rows.append(row)
    rows.sort(key=_sort_key(sort))
    return rows[:INBOX_LIMIT], counts, len(rows)


def _sort_key(sort: str):
    far = datetime.max.replace(tzinfo=clock.now().tzinfo)

    def start(row):
        return row.first_start or far

    if sort == "sla":
        return lambda r: (SLA_RANK[r.sla_state], r.sla_target or far, -r.request.urgency, start(r))
    if sort == "findings":
        return lambda r: (-r.errors, -r.warnings, -r.request.urgency, start(r))
    if sort == "start":
        return lambda r: (start(r), -r.request.urgency)
    if sort == "newest":
        return lambda r: (-r.request.created_at.timestamp(), r.request.pk)
    return lambda r: (-r.request.urgency, SLA_RANK[r.sla_state], -r.errors, start(r))


def timeline(sr: ServiceRequest) -> list[AuditEvent]:
    """The request's audit trail with its visits', proposals' and bookings' (two queries)."""
    ids = [sr.public_id]
    ids += [v.public_id for v in sr.visits.all()]
    ids += [p.public_id for p in sr.proposals.all()]
    ids += list(Booking.objects.filter(visit__request=sr).values_list("public_id", flat=True))
    return list(AuditEvent.objects.filter(object_id__in=ids).order_by("-at", "-id"))


def policies_with_zones():
    return Policy.objects.prefetch_related("zones__areas").order_by("key")
