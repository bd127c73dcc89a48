"""Which transitions become webhook events, what their payload holds, and the signal receiver that
queues one delivery per subscribed endpoint of the organization that owns the object."""

from __future__ import annotations

import logging

from django.db import transaction

from genba.core import clock

logger = logging.getLogger(__name__)

# (model name, transition action) -> event type. Transitions not listed send no event:
# "proposal_declined" / "proposal_withdrawn" on the request are told by the proposal's own event,
# the proposal's "approved" by request.approved, and a visit's work start stays internal.
EVENTS: dict[tuple[str, str], str] = {
    ("servicerequest", "submitted"): "request.submitted",
    ("servicerequest", "info_requested"): "request.info_requested",
    ("servicerequest", "proposed"): "request.proposed",
    ("servicerequest", "approved"): "request.approved",
    ("servicerequest", "released"): "request.released",
    ("servicerequest", "started"): "request.started",
    ("servicerequest", "completed"): "request.completed",
    ("servicerequest", "invoiced"): "request.invoiced",
    ("servicerequest", "paid"): "request.paid",
    ("servicerequest", "cancelled"): "request.cancelled",
    ("servicerequest", "declined"): "request.declined",
    ("visit", "en_route"): "visit.en_route",
    ("visit", "arrived"): "visit.arrived",
    ("visit", "signed_off"): "visit.signed_off",
    ("visit", "no_access"): "visit.no_access",
    ("visit", "cancelled"): "visit.cancelled",
    ("proposal", "declined"): "proposal.declined",
    ("proposal", "withdrawn"): "proposal.withdrawn",
}

DESCRIPTIONS: dict[str, str] = {
    "request.submitted": "The request was sent to the provider (also after a declined proposal).",
    "request.info_requested": "The coordinator asks for missing information.",
    "request.proposed": "Engineers and an estimate are proposed: approve or decline.",
    "request.approved": "The proposal was approved; the engineers are booked.",
    "request.released": "The request is released to dispatch.",
    "request.started": "The first visit started (an engineer set out or arrived).",
    "request.completed": "Every visit has ended.",
    "request.invoiced": "The invoice was issued.",
    "request.paid": "The invoice was paid.",
    "request.cancelled": "The request was cancelled.",
    "request.declined": "The provider declined the request.",
    "visit.en_route": "The engineer set out for the site.",
    "visit.arrived": "The engineer arrived on site.",
    "visit.signed_off": "The visit was signed off.",
    "visit.no_access": "The engineer could not get in or work.",
    "visit.cancelled": "The coordinator cancelled one visit of a running request.",
    "proposal.declined": "The customer declined a proposal; the request is back to submitted.",
    "proposal.withdrawn": "The coordinator withdrew a proposal; the request is back to submitted.",
}

EVENT_TYPES: list[str] = sorted(set(EVENTS.values()))


def event_type_for(obj, action: str) -> str | None:
    return EVENTS.get((obj._meta.model_name, action))


def _request_of(obj):
    return obj if obj._meta.model_name == "servicerequest" else obj.request


def payload_for(obj, *, event_type: str, from_state: str, to_state: str) -> dict:
    """The event document. Only the object, its own request and ids: nothing of another customer,
    no engineer's personal data (the API has the details for whoever may see them)."""
    request = _request_of(obj)
    data: dict = {"request": request.public_id, "reference": request.reference}
    kind = obj._meta.model_name
    if kind == "servicerequest":
        data.update(status=to_state, previous_status=from_state)
    else:
        # After the commit: the request's status now (a sign-off may have completed it).
        data["status"] = type(request).objects.values_list("status", flat=True).get(pk=request.pk)
        name = "visit" if kind == "visit" else "proposal"
        data.update(
            {name: obj.public_id, f"{name}_status": to_state, f"previous_{name}_status": from_state}
        )
    return {"type": event_type, "timestamp": clock.now().isoformat(), "data": data}


def publish(obj, *, action: str, from_state: str, to_state: str) -> list:
    """Queue the event for every active endpoint of the object's organization subscribed to it."""
    from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint, new_event_id
    from genba.messaging.webhooks.tasks import enqueue_delivery

    event_type = event_type_for(obj, action)
    if event_type is None:
        return []
    organization_id = _request_of(obj).organization_id
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(organization_id=organization_id, active=True)
        if event_type in e.event_types
    ]
    if not endpoints:
        return []
    payload = payload_for(obj, event_type=event_type, from_state=from_state, to_state=to_state)
    event_id = new_event_id()
    now = clock.now()
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
        for delivery in deliveries:
            enqueue_delivery(delivery)
    return deliveries


def on_transition(sender, *, obj, action, actor=None, from_state="", to_state="", **kwargs):
    # A webhook problem must never break the transition's other listeners (the signal is sent with
    # `send`, so an exception here would stop them), nor the caller: log it and go on.
    try:
        publish(obj, action=action, from_state=from_state, to_state=to_state)
    except Exception:
        logger.exception("webhook event for %s %s not queued", obj, action)


def connect() -> None:
    from genba.core.signals import transitioned

    transitioned.connect(on_transition, dispatch_uid="genba.messaging.webhooks")
