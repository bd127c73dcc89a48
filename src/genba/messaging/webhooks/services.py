"""Every write to webhook endpoints and deliveries: keyword-only, one transaction each, audited.

Only customer users manage their own organization's endpoints: the provider's staff see deliveries
in the admin but do not register URLs for a customer. Secrets never go into the audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit, clock
from genba.core.errors import NotAllowed, Problems, TransitionRefused
from genba.core.transitions import lock, require_role
from genba.messaging.webhooks import delivery as sending
from genba.messaging.webhooks.events import EVENT_TYPES
from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint
from genba.messaging.webhooks.signing import new_secret
from genba.messaging.webhooks.tasks import enqueue_delivery

# After a rotation the old secret signs too, for this long, so receivers can switch without a gap.
ROTATION_GRACE = timedelta(hours=24)
URL_MAX_LENGTH = 2000


def _require_member(by, organization_id: int) -> None:
    require_role(by, Role.CUSTOMER)
    if by.organization_id != organization_id:
        raise NotAllowed(_("Only users of the endpoint's organization may do this."), code="role")


def _check_url(problems: Problems, url: str) -> str:
    url = (url or "").strip()
    if not url:
        problems.add("url", _("This field is required."), "required")
    elif len(url) > URL_MAX_LENGTH:
        problems.add("url", _("At most %(n)s characters.") % {"n": URL_MAX_LENGTH}, "too_long")
    else:
        try:
            sending.check_registrable(url)
        except sending.UrlRefused as exc:
            problems.add("url", str(exc), exc.code)
    return url


def _check_event_types(problems: Problems, event_types: list[str]) -> list[str]:
    if not event_types:
        problems.add("event_types", _("Subscribe to at least one event type."), "required")
    for i, name in enumerate(event_types):
        if name not in EVENT_TYPES:
            problems.add(
                f"event_types[{i}]",
                _("Unknown event type %(name)s (see GET /api/v1/webhooks/event-types).")
                % {"name": name},
                "unknown_event_type",
            )
    return list(dict.fromkeys(event_types))  # without repeats, in the order given


@transaction.atomic
def endpoint_create(
    *, organization, by, url: str, event_types: list[str], description: str = ""
) -> WebhookEndpoint:
    """Register a URL. The answer's `secret` is the only time it is shown (until a rotation)."""
    _require_member(by, organization.pk)
    problems = Problems()
    url = _check_url(problems, url)
    event_types = _check_event_types(problems, event_types)
    problems.raise_if_any(_("The webhook endpoint is not valid."))
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=url,
        event_types=event_types,
        description=(description or "").strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        obj=endpoint,
        action="created",
        data={"url": endpoint.url, "event_types": endpoint.event_types},
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given (None leaves a field as it is)."""
    endpoint = lock(WebhookEndpoint, endpoint.pk)
    _require_member(by, endpoint.organization_id)
    problems = Problems()
    changes: dict = {}
    if url is not None:
        changes["url"] = _check_url(problems, url)
    if event_types is not None:
        changes["event_types"] = _check_event_types(problems, event_types)
    if description is not None:
        changes["description"] = description.strip()
    if active is not None:
        changes["active"] = bool(active)
    problems.raise_if_any(_("The webhook endpoint is not valid."))
    changed = sorted(k for k, v in changes.items() if getattr(endpoint, k) != v)
    if not changed:
        return endpoint
    for name in changed:
        setattr(endpoint, name, changes[name])
    endpoint.updated_at = clock.now()
    endpoint.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=by,
        obj=endpoint,
        action="updated",
        data={"fields": changed, **{k: changes[k] for k in changed if k != "description"}},
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Deactivate: nothing more is sent; the endpoint and its delivery log stay readable."""
    endpoint = lock(WebhookEndpoint, endpoint.pk)
    _require_member(by, endpoint.organization_id)
    if not endpoint.active:
        return endpoint
    endpoint.active = False
    endpoint.updated_at = clock.now()
    endpoint.save(update_fields=["active", "updated_at"])
    audit.record(actor=by, obj=endpoint, action="deactivated")
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """A new secret, shown once in the answer; the old one keeps signing for ROTATION_GRACE."""
    endpoint = lock(WebhookEndpoint, endpoint.pk)
    _require_member(by, endpoint.organization_id)
    now = clock.now()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret = new_secret()
    endpoint.updated_at = now
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    audit.record(
        actor=by,
        obj=endpoint,
        action="secret_rotated",
        data={"previous_valid_until": endpoint.previous_secret_expires_at.isoformat()},
    )
    return endpoint


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send the event again: a new delivery with the same event id (receivers deduplicate on
    `webhook-id`) and the same payload, on its own retry schedule."""
    original = lock(WebhookDelivery, delivery.pk)
    endpoint = lock(WebhookEndpoint, original.endpoint_id)
    _require_member(by, endpoint.organization_id)
    if not endpoint.active:
        raise TransitionRefused(
            _("The endpoint is not active: activate it before replaying."), code="inactive"
        )
    replay = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=original.event_id,
        event_type=original.event_type,
        payload=original.payload,
        replay_of=original,
        next_attempt_at=clock.now(),
    )
    audit.record(
        actor=by,
        obj=replay,
        action="replayed",
        organization=endpoint.organization,
        data={"replay_of": original.public_id, "event_id": original.event_id},
    )
    enqueue_delivery(replay)
    return replay
