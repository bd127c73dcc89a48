"""Reads the portal's pages need beyond the apps' selectors; each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from genba.billing.selectors import invoices_visible_to
from genba.core.models import AuditEvent
from genba.dispatch.models import EngineerProfile, ProposalStatus
from genba.orders import selectors as order_selectors
from genba.orders.models import CLOSED_STATUSES, RequestStatus, ServiceRequest, VisitStatus

PAGE_SIZE = 25
# Statuses in which an open finding can still hold the request up (approval, release).
CHECKED = {
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.INFO_REQUESTED,
    RequestStatus.PROPOSED,
    RequestStatus.APPROVED,
}

# Words for the audit trail's action codes, as the customer reads them.
ACTIONS = {
    "created": _("Request created"),
    "updated": _("Request changed"),
    "submitted": _("Submitted to the provider"),
    "info_requested": _("Provider asked for more information"),
    "call_recorded": _("Phone call recorded"),
    "proposed": _("Engineer proposed"),
    "approved": _("Approved"),
    "declined": _("Declined"),
    "withdrawn": _("Proposal withdrawn"),
    "proposal_declined": _("Proposal declined"),
    "proposal_withdrawn": _("Proposal withdrawn by the provider"),
    "released": _("Engineer dispatched"),
    "started": _("Work started"),
    "en_route": _("Engineer on the way"),
    "arrived": _("Engineer arrived"),
    "work_started": _("Work started on site"),
    "signed_off": _("Visit signed off"),
    "no_access": _("No access to the site"),
    "completed": _("Request completed"),
    "cancelled": _("Cancelled"),
    "invoiced": _("Invoiced"),
    "paid": _("Paid"),
    "attachment_added": _("File attached"),
    "expense_added": _("Expense recorded"),
    "reassigned": _("Another engineer will come"),
    "rescheduled": _("Visit moved to another time"),
    "step_undone": _("Engineer's step corrected by the provider"),
    "start_undone": _("Work start corrected by the provider"),
}
OBJECT_LABELS = {
    "servicerequest": _("Request"),
    "visit": _("Visit"),
    "proposal": _("Proposal"),
    "attachment": _("File"),
}


def request_list(user, *, status: str = "", q: str = "") -> QuerySet[ServiceRequest]:
    """The organization's requests, newest first, filtered; details prefetched for the page."""
    qs = order_selectors.requests_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(public_id__iexact=q)
            | Q(title__icontains=q)
            | Q(reference__icontains=q)
            | Q(site__name__icontains=q)
            | Q(site__city__icontains=q)
        )
    return order_selectors.with_details(qs.order_by("-created_at", "-id"))


def list_rows(requests) -> list[dict]:
    """Per request: first visit, and counts of open errors and warnings (one policy read each)."""
    rules: dict = {}
    rows = []
    for request in requests:
        visits = [v for v in request.visits.all() if v.status != VisitStatus.CANCELLED]
        starts = [v.scheduled_start for v in visits if v.scheduled_start]
        errors = warnings = 0
        if request.status in CHECKED:
            findings = order_selectors.request_findings(request, rules)
            errors = sum(f.severity == "error" for f in findings)
            warnings = sum(f.severity == "warning" for f in findings)
        rows.append(
            {
                "request": request,
                "first_visit": min(starts) if starts else None,
                "visit_count": len(visits),
                "errors": errors,
                "warnings": warnings,
            }
        )
    return rows


def engineers_shown(proposal, request) -> bool:
    """Rulebook §7: a proposed engineer's name, contact and photo ID are shown on a proposal made to
    the customer, and only while the request is open (as api.documents does)."""
    return request.status not in CLOSED_STATUSES and proposal.status in (
        ProposalStatus.OPEN,
        ProposalStatus.APPROVED,
    )


def proposal_rows(request) -> list[dict]:
    """Proposals, newest first, with the engineers the customer may see (one query for profiles)."""
    proposals = list(request.proposals.all())
    shown_users = [
        e.pk for p in proposals if engineers_shown(p, request) for e in p.engineers.all()
    ]
    profiles = {}
    if shown_users:
        profiles = {p.user_id: p for p in EngineerProfile.objects.filter(user_id__in=shown_users)}
    rows = []
    for proposal in reversed(proposals):
        engineers = []
        if engineers_shown(proposal, request):
            for user in proposal.engineers.all():
                profile = profiles.get(user.pk)
                engineers.append(
                    {
                        "name": user.get_full_name() or user.email,
                        "email": user.email,
                        "phone": user.phone,
                        "profile_id": profile.public_id if profile else "",
                        "has_photo": bool(profile and profile.photo_id),
                        "photo_is_image": bool(
                            profile and profile.photo_id_content_type.startswith("image/")
                        ),
                        "languages": profile.languages if profile else [],
                        "skill_level": profile.get_skill_level_display() if profile else "",
                    }
                )
        rows.append({"proposal": proposal, "engineers": engineers})
    return rows


def timeline(request, organization_id: int) -> list[dict]:
    """Every audit row of the request, its visits, proposals and files, oldest first. The
    organization filter keeps rows about other parties (engineers' photo IDs, bookings) out."""
    visits = list(request.visits.all())
    numbers = {v.public_id: n for n, v in enumerate(visits, start=1)}
    names = {a.public_id: a.original_name for a in request.attachments.all()}
    ids = [request.public_id, *numbers, *(p.public_id for p in request.proposals.all()), *names]
    events = AuditEvent.objects.filter(object_id__in=ids, organization_id=organization_id).order_by(
        "at", "id"
    )
    rows = []
    for event in events:
        rows.append(
            {
                "event": event,
                "action": ACTIONS.get(event.action, event.action.replace("_", " ")),
                "object": OBJECT_LABELS.get(event.object_type, event.object_type),
                "object_detail": numbers.get(event.object_id) or names.get(event.object_id, ""),
                "actor": _actor_name(event.actor_label),
                "from_state": _state_label(event.object_type, event.from_state),
                "to_state": _state_label(event.object_type, event.to_state),
            }
        )
    return rows


def _actor_name(label: str) -> str:
    # audit.record keeps "Name <email>"; the page shows the name (a system step shows as "system").
    name = label.split(" <", 1)[0].strip()
    return name or label


def _state_label(object_type: str, value: str) -> str:
    if not value:
        return ""
    choices = {
        "servicerequest": RequestStatus,
        "visit": VisitStatus,
        "proposal": ProposalStatus,
    }.get(object_type)
    if choices is None:
        return value
    try:
        return choices(value).label
    except ValueError:
        return value


def request_invoices(user, request) -> list:
    return list(invoices_visible_to(user).filter(request=request).order_by("issue_date", "number"))
