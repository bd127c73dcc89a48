"""Model -> API document. Reads only what `orders.selectors.with_details` prefetched."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language

from genba.core.models import AuditEvent
from genba.dispatch.models import ProposalStatus
from genba.orders import selectors
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


def request_document(request: ServiceRequest, rules: dict | None = None) -> dict:
    language = (get_language() or "en")[:2]
    findings = selectors.request_findings(request, rules)
    return {
        "id": request.public_id,
        "status": request.status,
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
        "visits": [
            {
                "id": v.public_id,
                **{
                    name: getattr(v, name)
                    for name in (
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
                },
            }
            for v in request.visits.all()
        ],
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
        "attachments": [
            {
                "id": a.public_id,
                "kind": a.kind,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": a.uploaded_at,
                "download_url": reverse(
                    "api-1.0.0:attachment_download",
                    kwargs={"request_id": request.public_id, "attachment_id": a.public_id},
                ),
            }
            for a in request.attachments.all()
        ],
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
        ],
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


def request_detail_document(request: ServiceRequest) -> dict:
    """The request with its timeline: every transition of the request, its visits and proposals."""
    ids = [request.public_id]
    ids += [v.public_id for v in request.visits.all()]
    ids += [p.public_id for p in request.proposals.all()]
    events = AuditEvent.objects.filter(object_id__in=ids).order_by("at", "id")
    document = request_document(request)
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
