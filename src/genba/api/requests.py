"""/api/v1/requests: a customer's service requests, and the actions a customer takes on them."""

from __future__ import annotations

import math
from datetime import datetime

from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Body, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from genba.api import idempotency
from genba.api.documents import request_detail_document, request_document
from genba.api.problems import refusals
from genba.api.schemas import AttachmentOut, ReasonIn, RequestDetailOut, RequestPage, SignOffIn
from genba.core.bounds import FilterInstant, Page, PageSize, SearchText
from genba.dispatch import services as dispatch_services
from genba.dispatch.models import Proposal
from genba.orders import selectors, services, visit_services
from genba.orders.attachments import attachment_add
from genba.orders.inputs import RequestIn
from genba.orders.models import Attachment, AttachmentKind, RequestStatus, Visit

router = Router(tags=["requests"])

# OpenAPI links from a created request to what takes its id (schemathesis follows them).
_REQUEST_ID = {"request_id": "$response.body#/id"}
REQUEST_LINKS = {
    "GetRequest": ("genba_api_requests_get_request", _REQUEST_ID),
    "UpdateRequest": ("genba_api_requests_update_request", _REQUEST_ID),
    "SubmitRequest": ("genba_api_requests_submit_request", _REQUEST_ID),
    "CancelRequest": ("genba_api_requests_cancel_request", _REQUEST_ID),
    "AddAttachment": ("genba_api_requests_add_attachment", _REQUEST_ID),
}


class RequestFilters(Schema):
    # Bounded like every input (genba.core.bounds): one line of search text without control
    # characters, dates the database can compare, a page number that stays an offset it can take.
    status: list[RequestStatus] = Field(
        default_factory=list, max_length=20, description="one or more statuses"
    )
    q: SearchText = Field("", description="search id, title, reference")
    created_after: FilterInstant | None = None
    created_before: FilterInstant | None = None
    page: Page = 1
    page_size: PageSize = 25


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _detail(request, public_id: str) -> dict:
    return request_detail_document(
        selectors.get_request_for(request.auth, public_id), user=request.auth
    )


@router.get(
    "",
    response=RequestPage,
    summary="List your organization's requests",
    openapi_extra=refusals(422),
)
def list_requests(request, filters: Query[RequestFilters]):
    qs = selectors.requests_visible_to(request.auth)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.q:
        qs = qs.filter(
            Q(public_id__iexact=filters.q)
            | Q(title__icontains=filters.q)
            | Q(reference__icontains=filters.q)
        )
    # A date or time without an offset is read in the server's time zone (TIME_ZONE).
    if filters.created_after:
        qs = qs.filter(created_at__gte=_aware(filters.created_after))
    if filters.created_before:
        qs = qs.filter(created_at__lt=_aware(filters.created_before))
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    page = list(
        selectors.with_details(qs.order_by("-created_at", "-id"))[start : start + filters.page_size]
    )
    rules: dict = {}
    return {
        "items": [request_document(r, rules, user=request.auth) for r in page],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
    }


@router.post(
    "",
    response={201: RequestDetailOut},
    summary="Create a request (draft)",
    openapi_extra=refusals(403, body=True, links={201: REQUEST_LINKS}),
)
def create_request(request, data: RequestIn):
    def create():
        created = services.request_create(by=request.auth, data=data)
        return request_detail_document(
            selectors.get_request_for(request.auth, created.public_id), user=request.auth
        )

    return idempotency.run(request, request.auth, create)


@router.get(
    "/{request_id}",
    response=RequestDetailOut,
    summary="A request with its findings and timeline",
    openapi_extra=refusals(404),
)
def get_request(request, request_id: str):
    return _detail(request, request_id)


@router.patch(
    "/{request_id}",
    response=RequestDetailOut,
    summary="Change a draft (only the fields sent)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def update_request(request, request_id: str, data: RequestIn):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    services.request_update(request=target, by=request.auth, data=data)
    return _detail(request, request_id)


@router.post(
    "/{request_id}/submit",
    response=RequestDetailOut,
    summary="Send the request to the provider",
    openapi_extra=refusals(403, 404, 409),
)
def submit_request(request, request_id: str):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    services.request_submit(request=target, by=request.auth)
    return _detail(request, request_id)


@router.post(
    "/{request_id}/cancel",
    response=RequestDetailOut,
    summary="Cancel the request",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def cancel_request(request, request_id: str, data: Body[ReasonIn | None] = None):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    services.request_cancel(request=target, by=request.auth, reason=data.reason if data else "")
    return _detail(request, request_id)


def _proposal(request, request_id: str, proposal_id: str) -> Proposal:
    target = selectors.get_request_for(request.auth, request_id, details=False)
    return get_object_or_404(Proposal, request=target, public_id=proposal_id)


@router.post(
    "/{request_id}/proposals/{proposal_id}/approve",
    response=RequestDetailOut,
    summary="Approve a proposal",
    openapi_extra=refusals(403, 404, 409),
)
def approve_proposal(request, request_id: str, proposal_id: str):
    dispatch_services.proposal_approve(
        proposal=_proposal(request, request_id, proposal_id), by=request.auth
    )
    return _detail(request, request_id)


@router.post(
    "/{request_id}/proposals/{proposal_id}/decline",
    response=RequestDetailOut,
    summary="Decline a proposal",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def decline_proposal(request, request_id: str, proposal_id: str, data: ReasonIn):
    dispatch_services.proposal_decline(
        proposal=_proposal(request, request_id, proposal_id), by=request.auth, reason=data.reason
    )
    return _detail(request, request_id)


@router.post(
    "/{request_id}/visits/{visit_id}/sign-off",
    response=RequestDetailOut,
    summary="Sign off a visit",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def sign_off_visit(request, request_id: str, visit_id: str, data: Body[SignOffIn | None] = None):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    visit = get_object_or_404(Visit, request=target, public_id=visit_id)
    data = data or SignOffIn()
    visit_services.visit_sign_off(
        visit=visit, by=request.auth, signer_name=data.signer_name, signed_at=data.signed_at
    )
    return _detail(request, request_id)


@router.post(
    "/{request_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file",
    openapi_extra=refusals(400, 403, 404, 409, 413, 422),
)
def add_attachment(
    request,
    request_id: str,
    file: File[UploadedFile],
    kind: Form[AttachmentKind] = AttachmentKind.OTHER,
):
    target = selectors.get_request_for(request.auth, request_id, details=False)

    def create():
        attachment = attachment_add(request=target, by=request.auth, upload=file, kind=kind)
        document = request_document(
            selectors.get_request_for(request.auth, request_id), user=request.auth
        )
        return next(a for a in document["attachments"] if a["id"] == attachment.public_id)

    return idempotency.run(request, request.auth, create)


@router.get(
    "/{request_id}/attachments/{attachment_id}",
    url_name="attachment_download",
    summary="Download an attachment",
    response={200: None},
    openapi_extra=refusals(404),
)
def attachment_download(request, request_id: str, attachment_id: str):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    attachment = Attachment.objects.filter(request=target, public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
