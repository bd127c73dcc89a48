"""Model -> API document. Reads only what `orders.selectors.with_details` prefetched.

Every document is written for its reader (`user`): it carries the actions that reader may take now
(`orders.actions`, the same answer the pages and the services give), and an engineer's copy carries
no price: engineers see no proposals (their estimates) and no invoices (rulebook §7).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language

from genba.accounts.models import Role
from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.models import ProposalStatus
from genba.orders import selectors
from genba.orders.actions import allowed_actions, visit_actions
from genba.orders.models import CLOSED_STATUSES, ServiceRequest


def site_document(site) -> dict | None:
    if site is None:
        return None
    return {
        "id": site.public_id,
        **{
            name: getattr(site, name)
            for name in (
                "name",
                "company_name",
                "postal_code",
                "prefecture",
                "city",
                "street",
                "building",
                "floor",
                "room",
                "entry_instructions",
                "maps_url",
                "is_datacenter",
                "latitude",
                "longitude",
            )
        },
    }


def contact_document(contact) -> dict | None:
    if contact is None:
        return None
    return {
        "id": contact.public_id,
        **{
            name: getattr(contact, name)
            for name in (
                "name",
                "company",
                "phone",
                "phone_input",
                "email",
                "skype",
                "whatsapp",
                "line",
                "language",
            )
        },
    }


def _engineers(proposal, request: ServiceRequest) -> list[dict]:
    # Rulebook §7: a proposed engineer's name and contact are shown on a proposal made to the
    # customer, and only while the request is open.
    if request.status in CLOSED_STATUSES or proposal.status not in (
        ProposalStatus.OPEN,
        ProposalStatus.APPROVED,
    ):
        return []
    return [
        {"name": e.get_full_name() or e.email, "email": e.email, "phone": e.phone}
        for e in proposal.engineers.all()
    ]


VISIT_FIELDS = (
    "status",
    "scheduled_start",
    "reserved_hours",
    "reserved_hours_defaulted",
    "en_route_at",
    "arrived_at",
    "work_started_at",
    "signed_off_at",
    "signed_off_by_name",
    "ended_reason",
)


def sees_prices(user) -> bool:
    """Engineers are never shown a rate, an estimate or an amount (rulebook §7)."""
    return user is not None and user.role != Role.ENGINEER


def visit_fields(visit, user, now) -> dict:
    """A visit's own fields and what `user` may do on it now. `visit.request` must be loaded."""
    try:
        actions = sorted(visit_actions(visit, user, now=now))
    except OverflowError:
        # The step window is computed from the start: one stored near the year 1 (behind the
        # input schemas) has none, and the visit offers no action until its start is corrected
        # (its request carries request.start.out_of_range). The list around it still answers.
        actions = []
    return {
        "id": visit.public_id,
        **{name: getattr(visit, name) for name in VISIT_FIELDS},
        "actions": actions,
    }


def attachment_document(request, attachment) -> dict:
    return {
        "id": attachment.public_id,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "download_url": reverse(
            "api-1.0.0:attachment_download",
            kwargs={"request_id": request.public_id, "attachment_id": attachment.public_id},
        ),
    }


def _work(request) -> dict:
    """What the work needs, read from the prefetched parts of the request."""
    return {
        "equipment": [
            {
                "make": e.make,
                "model": e.model,
                "serial": e.serial,
                "quantity": e.quantity,
                "description": e.description,
            }
            for e in request.equipment.all()
        ],
        "items_to_bring": [i.name for i in request.items_to_bring.all()],
        "paperwork": [
            {"description": p.description, "done": p.done} for p in request.paperwork.all()
        ],
        "attachments": [attachment_document(request, a) for a in request.attachments.all()],
    }


def request_document(request: ServiceRequest, rules: dict | None = None, *, user) -> dict:
    """The request as `user` (the caller) may read it, with the actions open to `user` now."""
    language = (get_language() or "en")[:2]
    findings = selectors.request_findings(request, rules)
    now = clock.now()
    return {
        "id": request.public_id,
        "status": request.status,
        "actions": sorted(allowed_actions(request, user, findings=findings)),
        "title": request.title,
        "reference": request.reference,
        "work_description": request.work_description,
        "skill_level": request.skill_level,
        "skill_level_defaulted": request.skill_level_defaulted,
        "engineers": request.engineers,
        "languages": list(request.languages or []),
        "urgency": request.urgency,
        "sla_requested": request.sla_requested,
        "sla_guaranteed": request.contract.is_retainer and request.contract.active,
        "force_without_local_contact": request.force_without_local_contact,
        "datacenter_reference": request.datacenter_reference,
        "customer_notes": request.customer_notes,
        "policy": request.policy.key,
        "contract": request.contract.name,
        "site": site_document(request.site),
        "local_contact": contact_document(request.local_contact),
        "remote_engineer": contact_document(request.remote_engineer),
        "visits": [visit_fields(v, user, now) for v in request.visits.all()],
        **_work(request),
        # A proposal carries its estimate (rates and amounts): never in an engineer's copy.
        "proposals": [
            {
                "id": p.public_id,
                "status": p.status,
                "message": p.message,
                "created_at": p.created_at,
                "decided_at": p.decided_at,
                "decline_reason": p.decline_reason,
                "estimate": p.estimate,
                "engineers": _engineers(p, request),
            }
            for p in request.proposals.all()
        ]
        if sees_prices(user)
        else [],
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "field": f.field,
                "message": f.message(language),
                "message_en": f.message_en,
                "message_ja": f.message_ja,
            }
            for f in findings
        ],
        "blocking": any(f.severity == "error" for f in findings),
        **{
            name: getattr(request, name)
            for name in (
                "call_recorded_at",
                "created_at",
                "updated_at",
                "submitted_at",
                "approved_at",
                "sla_started_at",
                "released_at",
                "completed_at",
                "closed_at",
                "cancellation_charged",
                "end_reason",
            )
        },
    }


def request_detail_document(request: ServiceRequest, *, user) -> dict:
    """The request with its timeline: every transition of the request, its visits and proposals."""
    ids = [request.public_id]
    ids += [v.public_id for v in request.visits.all()]
    ids += [p.public_id for p in request.proposals.all()]
    events = AuditEvent.objects.filter(object_id__in=ids).order_by("at", "id")
    document = request_document(request, user=user)
    document["events"] = [
        {
            "at": e.at,
            "actor": e.actor_label,
            "object": e.object_id,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "reason": e.reason,
        }
        for e in events
    ]
    return document


def visit_document(visit, *, user) -> dict:
    """One visit as the engineer's app reads it: the visit, its crew, its notes, and what the job
    needs from its request (site, contacts, work, equipment, files). Money is not in it: this is
    the document engineers work from (rulebook §7). Reads what `visit_details` prefetched."""
    request = visit.request
    return {
        **visit_fields(visit, user, clock.now()),
        "notes": visit.notes,
        "engineers": [
            {"name": e.get_full_name() or e.email, "email": e.email, "phone": e.phone}
            for e in visit.assigned_engineers.all()
        ],
        "request": {
            "id": request.public_id,
            "status": request.status,
            "title": request.title,
            "reference": request.reference,
            "customer": request.organization.name,
            "work_description": request.work_description,
            "skill_level": request.skill_level,
            "engineers": request.engineers,
            "languages": list(request.languages or []),
            "datacenter_reference": request.datacenter_reference,
            "customer_notes": request.customer_notes,
            "site": site_document(request.site),
            "local_contact": contact_document(request.local_contact),
            "remote_engineer": contact_document(request.remote_engineer),
            **_work(request),
        },
    }


def expense_document(expense, *, user) -> dict:
    """One expense as `user` may read it (orders.expense_reads): a customer's copy carries no
    receipt and no names; `actions` are orders.actions.expense_actions."""
    from genba.orders.actions import expense_actions
    from genba.orders.expense_reads import PROVIDER_READERS, sees_receipt

    visit = expense.visit
    provider_side = user.role in PROVIDER_READERS or user.role == Role.ENGINEER
    receipt = None
    if sees_receipt(user, expense):
        receipt = {
            "name": expense.receipt_name,
            "content_type": expense.receipt_content_type,
            "size": expense.receipt_size,
            "download_url": reverse(
                "api-1.0.0:expense_receipt",
                kwargs={"visit_id": visit.public_id, "expense_id": expense.public_id},
            ),
        }

    def name(person):
        return (person.get_full_name() or person.email) if person and provider_side else ""

    return {
        "id": expense.public_id,
        "visit": visit.public_id,
        "description": expense.description,
        "amount": expense.amount,
        "status": expense.status,
        "recorded_by": name(expense.recorded_by),
        "recorded_at": expense.recorded_at,
        "decided_by": name(expense.decided_by),
        "decided_at": expense.decided_at,
        "rejection_reason": expense.rejection_reason if provider_side else "",
        "receipt": receipt,
        "actions": sorted(expense_actions(expense, user, visit=visit)),
    }
