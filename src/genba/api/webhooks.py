"""/api/v1/webhooks: a customer's webhook endpoints, their delivery log, and replays.

Customers only (the provider's staff get 403); every lookup is scoped to the caller's organization,
so another customer's endpoint or delivery is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from django.http import Http404
from ninja import Query, Router
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from genba.accounts.models import Role
from genba.api import idempotency
from genba.api.problems import refusals
from genba.core.bounds import Page, PageSize, SingleLineText
from genba.core.transitions import require_role
from genba.messaging.webhooks import services
from genba.messaging.webhooks.events import DESCRIPTIONS, EVENT_TYPES
from genba.messaging.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
EventType = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
# The rules themselves are the service's (messaging.webhooks.delivery.check_url), for every path.
URL_RULES = (
    "An https:// URL (http:// only where the server sets GENBA_WEBHOOKS_ALLOW_HTTP, for "
    "development), to a public address, without user name or password."
)


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(description=URL_RULES)
    event_types: list[EventType] = Field(max_length=50)
    description: Description = ""


class WebhookPatchIn(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: Url | None = Field(None, description=URL_RULES)
    event_types: list[EventType] | None = Field(None, max_length=50)
    description: Description | None = None
    active: bool | None = None


class WebhookOut(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str]
    active: bool
    # After a rotation, the previous secret also signs until then (a second v1 signature).
    previous_secret_valid_until: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookWithSecretOut(WebhookOut):
    # Shown in the answers to the create and to rotate-secret only: keep it, it is not shown again.
    secret: str


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    replay_of: str | None
    created_at: datetime
    payload: dict
    attempt_log: list[AttemptOut]


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    count: int
    page: int
    page_size: int
    pages: int


class DeliveryFilters(BaseModel):
    status: DeliveryStatus | None = None
    event_type: SingleLineText(60) = ""
    page: Page = 1
    page_size: PageSize = 25


class EventTypeOut(BaseModel):
    type: str
    description: str


def endpoint_document(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict:
    document = {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "active": endpoint.active,
        "previous_secret_valid_until": endpoint.previous_secret_expires_at
        if endpoint.previous_secret
        else None,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }
    if with_secret:
        document["secret"] = endpoint.secret
    return document


def delivery_document(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.public_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "replay_of": delivery.replay_of.public_id if delivery.replay_of_id else None,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
        "attempt_log": delivery.attempt_log,
    }


# OpenAPI links from a registered endpoint to what takes its id (schemathesis follows them).
_WEBHOOK_ID = {"webhook_id": "$response.body#/id"}
WEBHOOK_LINKS = {
    "GetWebhook": ("genba_api_webhooks_get_webhook", _WEBHOOK_ID),
    "UpdateWebhook": ("genba_api_webhooks_update_webhook", _WEBHOOK_ID),
    "DeleteWebhook": ("genba_api_webhooks_delete_webhook", _WEBHOOK_ID),
    "RotateSecret": ("genba_api_webhooks_rotate_secret", _WEBHOOK_ID),
    "ListDeliveries": ("genba_api_webhooks_list_deliveries", _WEBHOOK_ID),
}


def _customer(request):
    user = request.auth
    require_role(user, Role.CUSTOMER)
    return user


def _endpoint(user, public_id: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(
        organization_id=user.organization_id, public_id=public_id
    ).first()
    if endpoint is None:
        raise Http404
    return endpoint


def _delivery(endpoint: WebhookEndpoint, public_id: str) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("replay_of")
        .filter(endpoint=endpoint, public_id=public_id)
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


# Before /{webhook_id}, which would otherwise take "event-types" for an id.
@router.get(
    "/event-types",
    response=list[EventTypeOut],
    summary="The event types to subscribe to",
    openapi_extra=refusals(403),
)
def list_event_types(request):
    _customer(request)
    return [{"type": t, "description": DESCRIPTIONS.get(t, "")} for t in EVENT_TYPES]


@router.get(
    "",
    response=list[WebhookOut],
    summary="Your organization's webhook endpoints",
    openapi_extra=refusals(403),
)
def list_webhooks(request):
    user = _customer(request)
    qs = WebhookEndpoint.objects.filter(organization_id=user.organization_id)
    return [endpoint_document(e) for e in qs.order_by("created_at", "id")[:200]]


@router.post(
    "",
    response={201: WebhookWithSecretOut},
    summary="Register an endpoint (the answer holds its secret, shown once)",
    openapi_extra=refusals(403, body=True, links={201: WEBHOOK_LINKS}),
)
def create_webhook(request, data: WebhookIn):
    user = _customer(request)

    def create():
        endpoint = services.endpoint_create(
            organization=user.organization,
            by=user,
            url=data.url,
            event_types=data.event_types,
            description=data.description,
        )
        return endpoint_document(endpoint, with_secret=True)

    return idempotency.run(request, user, create)


@router.get(
    "/{webhook_id}",
    response=WebhookOut,
    summary="An endpoint (without its secret)",
    openapi_extra=refusals(403, 404),
)
def get_webhook(request, webhook_id: str):
    return endpoint_document(_endpoint(_customer(request), webhook_id))


@router.patch(
    "/{webhook_id}",
    response=WebhookOut,
    summary="Change an endpoint (fields sent only)",
    openapi_extra=refusals(403, 404, body=True),
)
def update_webhook(request, webhook_id: str, data: WebhookPatchIn):
    user = _customer(request)
    endpoint = services.endpoint_update(
        endpoint=_endpoint(user, webhook_id),
        by=user,
        url=data.url,
        event_types=data.event_types,
        description=data.description,
        active=data.active,
    )
    return endpoint_document(endpoint)


@router.delete(
    "/{webhook_id}",
    response={204: None},
    summary="Deactivate an endpoint (its log stays)",
    openapi_extra=refusals(403, 404),
)
def delete_webhook(request, webhook_id: str):
    user = _customer(request)
    services.endpoint_delete(endpoint=_endpoint(user, webhook_id), by=user)
    return Status(204, None)


@router.post(
    "/{webhook_id}/rotate-secret",
    response={200: WebhookWithSecretOut},
    summary="A new secret (shown once); the previous one keeps signing for 24 hours",
    openapi_extra=refusals(403, 404),
)
def rotate_secret(request, webhook_id: str):
    user = _customer(request)
    endpoint = _endpoint(user, webhook_id)

    def rotate():
        rotated = services.endpoint_rotate_secret(endpoint=endpoint, by=user)
        return endpoint_document(rotated, with_secret=True)

    # With an Idempotency-Key, a retried rotation returns the first new secret instead of making
    # a second one (which would end the grace of the secret the receiver still uses).
    return idempotency.run(request, user, rotate, status=200)


@router.get(
    "/{webhook_id}/deliveries",
    response=DeliveryPage,
    summary="The delivery log, newest first",
    openapi_extra=refusals(403, 404, 422),
)
def list_deliveries(request, webhook_id: str, filters: Query[DeliveryFilters]):
    endpoint = _endpoint(_customer(request), webhook_id)
    qs = endpoint.deliveries.select_related("replay_of")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.event_type:
        qs = qs.filter(event_type=filters.event_type)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    page = qs.order_by("-created_at", "-id")[start : start + filters.page_size]
    return {
        "items": [delivery_document(d) for d in page],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
    }


@router.get(
    "/{webhook_id}/deliveries/{delivery_id}",
    response=DeliveryOut,
    summary="One delivery",
    openapi_extra=refusals(403, 404),
)
def get_delivery(request, webhook_id: str, delivery_id: str):
    endpoint = _endpoint(_customer(request), webhook_id)
    return delivery_document(_delivery(endpoint, delivery_id))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/replay",
    response={201: DeliveryOut},
    summary="Send the event again (same event id, same payload)",
    openapi_extra=refusals(403, 404, 409),
)
def replay_delivery(request, webhook_id: str, delivery_id: str):
    user = _customer(request)
    delivery = _delivery(_endpoint(user, webhook_id), delivery_id)

    def replay():
        created = services.delivery_replay(delivery=delivery, by=user)
        return delivery_document(
            WebhookDelivery.objects.select_related("replay_of").get(pk=created.pk)
        )

    return idempotency.run(request, user, replay)
