"""Coordinator endpoints: engineers, availability, proposals, release, calls, information requests;
and the photo ID a customer sees on a proposal. The same services the pages will call."""

from __future__ import annotations

from decimal import Decimal

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BaseModel, Field

from genba.accounts.models import Role
from genba.api.documents import request_detail_document
from genba.api.problems import refusals
from genba.api.schemas import AvailabilityOut, EngineerOut2, ReasonIn, RequestDetailOut
from genba.core.bounds import MultiLineText, PublicIdText, SingleLineText, Yen
from genba.core.errors import FieldProblem, ValidationFailed
from genba.core.transitions import require_role
from genba.dispatch import availability, services
from genba.dispatch.models import EngineerProfile, Proposal
from genba.dispatch.photo_ids import photo_id_for_viewer, photo_id_set
from genba.orders import selectors
from genba.orders import services as order_services

router = Router(tags=["dispatch (coordinators)"])


class TravelCostIn(BaseModel):
    description: SingleLineText(200, min_length=1)
    amount: Yen


class TravelIn(BaseModel):
    """One visit's expected travel (docs/pricing.md "Travel"): its costs at cost and, when the
    policy charges travel time, the hours each engineer travels."""

    visit: PublicIdText() | None = Field(
        None, description="The visit's id; may be left out when the request has one visit."
    )
    hours: Decimal | None = Field(None, ge=0, le=24, decimal_places=2)
    expenses: list[TravelCostIn] = Field(default_factory=list, max_length=20)


class ProposeIn(BaseModel):
    engineer_ids: list[PublicIdText()] = Field(min_length=1, max_length=10)
    message: MultiLineText(5000) = ""
    travel: list[TravelIn] = Field(default_factory=list, max_length=366)


class MessageIn(BaseModel):
    message: MultiLineText(5000) = ""


class CallIn(BaseModel):
    note: MultiLineText(5000)


def _staff(request) -> None:
    require_role(request.auth, Role.COORDINATOR, Role.ADMIN)


def _act(request, request_id: str, service, **kwargs) -> dict:
    """A coordinator's action on a request: scope it, call its one service, answer the request."""
    _staff(request)
    target = selectors.get_request_for(request.auth, request_id, details=False)
    service(request=target, by=request.auth, **kwargs)
    return request_detail_document(
        selectors.get_request_for(request.auth, request_id), user=request.auth
    )


def engineer_document(profile: EngineerProfile) -> dict:
    user = profile.user
    return {
        "id": profile.public_id,
        "name": user.get_full_name() or user.email,
        "email": user.email,
        "phone": user.phone,
        "skill_level": profile.skill_level,
        "languages": profile.languages,
        "zones": profile.zones,
        "home": profile.home_label,
        "datacenter_access": profile.datacenter_access,
        "active": profile.active,
        "has_photo_id": bool(profile.photo_id),
    }


@router.get(
    "/engineers",
    response=list[EngineerOut2],
    summary="Engineers (coordinators)",
    openapi_extra=refusals(403),
)
def list_engineers(request):
    _staff(request)
    return [
        engineer_document(p)
        for p in EngineerProfile.objects.select_related("user").order_by("user__email")
    ]


@router.post(
    "/engineers/{engineer_id}/photo-id",
    response=EngineerOut2,
    summary="Upload a photo ID",
    openapi_extra=refusals(400, 403, 404, 413, 422),
)
def upload_photo_id(request, engineer_id: str, file: File[UploadedFile]):
    _staff(request)
    profile = EngineerProfile.objects.select_related("user").filter(public_id=engineer_id).first()
    if profile is None:
        raise Http404
    return engineer_document(photo_id_set(profile=profile, upload=file, by=request.auth))


@router.get(
    "/requests/{request_id}/availability",
    response=AvailabilityOut,
    summary="Who can take it",
    openapi_extra=refusals(403, 404),
)
def request_availability(request, request_id: str):
    _staff(request)
    target = selectors.get_request_for(request.auth, request_id)
    available, unavailable = availability.search(target)

    def row(c):
        return {
            **c.profile.as_document(),
            "travel_minutes": c.travel_minutes,
            "week_hours": c.week_hours,
            "reasons": c.fits if c.available else c.misses,
        }

    return {"available": [row(c) for c in available], "unavailable": [row(c) for c in unavailable]}


@router.post(
    "/requests/{request_id}/proposals",
    response={201: RequestDetailOut},
    summary="Propose engineers",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def propose(request, request_id: str, data: ProposeIn):
    _staff(request)
    target = selectors.get_request_for(request.auth, request_id, details=False)
    profiles = list(
        EngineerProfile.objects.select_related("user").filter(public_id__in=data.engineer_ids)
    )
    if len(profiles) != len(set(data.engineer_ids)):
        raise ValidationFailed(
            _("Unknown engineer."),
            problems=[FieldProblem("engineer_ids", _("Unknown engineer id."), "unknown")],
        )
    services.proposal_create(
        request=target,
        by=request.auth,
        engineers=[p.user for p in profiles],
        message=data.message,
        travel=[t.model_dump() for t in data.travel],
    )
    return Status(
        201,
        request_detail_document(
            selectors.get_request_for(request.auth, request_id), user=request.auth
        ),
    )


@router.post(
    "/requests/{request_id}/proposals/{proposal_id}/withdraw",
    response=RequestDetailOut,
    openapi_extra=refusals(403, 404, 409, body=True),
)
def withdraw(request, request_id: str, proposal_id: str, data: MessageIn):
    _staff(request)
    target = selectors.get_request_for(request.auth, request_id, details=False)
    proposal = Proposal.objects.filter(request=target, public_id=proposal_id).first()
    if proposal is None:
        raise Http404
    services.proposal_withdraw(proposal=proposal, by=request.auth, reason=data.message)
    return request_detail_document(
        selectors.get_request_for(request.auth, request_id), user=request.auth
    )


@router.post(
    "/requests/{request_id}/ask-info",
    response=RequestDetailOut,
    summary="Ask the customer",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def ask_info(request, request_id: str, data: MessageIn):
    return _act(request, request_id, order_services.request_ask_info, message=data.message)


@router.post(
    "/requests/{request_id}/record-call",
    response=RequestDetailOut,
    summary="Record a phone call",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def record_call(request, request_id: str, data: CallIn):
    return _act(request, request_id, order_services.request_record_call, note=data.note)


@router.post(
    "/requests/{request_id}/decline",
    response=RequestDetailOut,
    summary="Turn the order down (reason required)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def decline_request(request, request_id: str, data: ReasonIn):
    return _act(request, request_id, order_services.request_decline, reason=data.reason)


@router.post(
    "/requests/{request_id}/release",
    response=RequestDetailOut,
    summary="Release (dispatch)",
    openapi_extra=refusals(403, 404, 409),
)
def release(request, request_id: str):
    return _act(request, request_id, order_services.request_release)


@router.get(
    "/requests/{request_id}/proposals/{proposal_id}/engineers/{engineer_id}/photo-id",
    response={200: None},
    summary="A proposed engineer's photo ID (logged)",
    openapi_extra=refusals(403, 404),
)
def photo_id(request, request_id: str, proposal_id: str, engineer_id: str):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    profile = photo_id_for_viewer(
        viewer=request.auth, request=target, proposal_id=proposal_id, engineer_id=engineer_id
    )
    response = FileResponse(profile.photo_id.open("rb"), content_type=profile.photo_id_content_type)
    response["Content-Disposition"] = f'inline; filename="{profile.public_id}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
