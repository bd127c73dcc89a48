"""Helpers for the API tests: create and move requests, read problems and findings."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.models import Proposal
from genba.dispatch.services import proposal_create
from genba.orders import services, visit_services
from genba.orders.models import ServiceRequest, Visit
from tests.factories import complete_order

JST = ZoneInfo("Asia/Tokyo")
PROBLEM_JSON = "application/problem+json"
# A real (tiny) PDF: the upload check reads the magic bytes, not the name alone.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# The visit of complete_order() is Tuesday 2026-12-08 10:00 JST, 3 hours reserved.
VISIT_DAY_ARRIVAL = datetime(2026, 12, 8, 10, 5, tzinfo=JST)
VISIT_DAY_END = datetime(2026, 12, 8, 12, 30, tzinfo=JST)


def order_without(*paths: str, **overrides) -> dict:
    """complete_order() with the dotted paths removed ("reference", "visits.0.reserved_hours")."""
    document = copy.deepcopy(complete_order(**overrides))
    for path in paths:
        *parents, leaf = path.split(".")
        target = document
        for name in parents:
            target = target[int(name) if name.isdigit() else name]
        del target[leaf]
    return document


def create(api, document: dict | None = None, **overrides) -> dict:
    response = api.post(
        "requests", document if document is not None else complete_order(**overrides)
    )
    assert response.status_code == 201, response.content
    return response.json()


def codes(document: dict) -> set[str]:
    return {f["code"] for f in document["findings"]}


def problem(response, status: int) -> dict:
    """The RFC 9457 body of a refusal, checked for its status and media type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    return body


def error_fields(body: dict) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


def model(public_id: str) -> ServiceRequest:
    return ServiceRequest.objects.get(public_id=public_id)


def audit_count(public_id: str, action: str) -> int:
    return AuditEvent.objects.filter(object_id=public_id, action=action).count()


def submit(api, request_id: str) -> dict:
    response = api.post(f"requests/{request_id}/submit")
    assert response.status_code == 200, response.content
    return response.json()


def propose(request_id: str, *, by, engineers) -> Proposal:
    """The coordinator's side, through the service (the API has no coordinator endpoints yet)."""
    return proposal_create(request=model(request_id), by=by, engineers=list(engineers))


def proposed(api, *, carol, ken, **overrides) -> tuple[dict, Proposal]:
    document = create(api, **overrides)
    submit(api, document["id"])
    return document, propose(document["id"], by=carol, engineers=[ken])


def approved(api, *, carol, ken, **overrides) -> tuple[dict, Proposal]:
    document, proposal = proposed(api, carol=carol, ken=ken, **overrides)
    response = api.post(f"requests/{document['id']}/proposals/{proposal.public_id}/approve")
    assert response.status_code == 200, response.content
    return response.json(), proposal


def on_site(api, *, carol, ken, **overrides) -> tuple[dict, Visit]:
    """A request released and its engineer arrived, with the clock on the visit's day."""
    document, _ = approved(api, carol=carol, ken=ken, **overrides)
    services.request_release(request=model(document["id"]), by=carol)
    visit = Visit.objects.get(public_id=document["visits"][0]["id"])
    # Steps follow the clock (rulebook §3): "on my way" on the day, then the arrival.
    clock.set_now(VISIT_DAY_ARRIVAL - timedelta(minutes=40))
    visit_services.visit_en_route(visit=visit, by=ken)
    clock.set_now(VISIT_DAY_ARRIVAL)
    visit_services.visit_arrive(visit=visit, by=ken)
    clock.set_now(VISIT_DAY_END)
    return document, visit


def pdf_upload(name: str = "instructions.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(api, request_id: str, file, kind: str = "work_instructions", **extra):
    """POST a multipart file with the raw client (the JSON helper would send it as JSON)."""
    data = {"file": file} if file is not None else {}
    if kind is not None:
        data["kind"] = kind
    return api.client.post(f"/api/v1/requests/{request_id}/attachments", data, **extra)
