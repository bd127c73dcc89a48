"""A customer's webhook endpoints and the log of every event sent to them."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock
from genba.core.ids import new_public_id
from genba.messaging.webhooks.signing import new_secret


def new_endpoint_id() -> str:
    return new_public_id("whk")


def new_delivery_id() -> str:
    return new_public_id("whd")


def new_event_id() -> str:
    # Standard Webhooks' `webhook-id`: one per event, the same on every retry and replay of it.
    return new_public_id("msg")


class WebhookEndpoint(models.Model):
    """A URL of one customer organization, subscribed to some event types.

    The secret is stored as it is (HMAC needs it to sign), never shown by the API except once in the
    answer to the create and to an explicit rotate, and never shown in the admin. After a rotation
    the previous secret keeps signing too (a second signature in the header) for a day, so that a
    receiver can switch without losing events.
    """

    public_id = models.CharField(
        max_length=40, unique=True, default=new_endpoint_id, editable=False
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.CharField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["organization", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.public_id} {self.url}"

    def signing_secrets(self) -> list[str]:
        """The current secret, then the previous one while its grace period lasts."""
        out = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and self.previous_secret_expires_at > clock.now()
        ):
            out.append(self.previous_secret)
        return out


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    # The last attempt failed; another is scheduled at next_attempt_at.
    FAILED = "failed", _("Failed")
    # Every attempt of the schedule failed; only a manual replay sends it again.
    EXHAUSTED = "exhausted", _("Exhausted")


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its attempts. A replay is a new row with the same event."""

    public_id = models.CharField(
        max_length=40, unique=True, default=new_delivery_id, editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40, db_index=True)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt may run. While an attempt is under way it holds a short lease, so that
    # the same task run twice (a retry of the worker, a duplicate enqueue) does not send twice.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Every attempt: {"at", "status_code", "error", "duration_ms"}.
    attempt_log = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.event_type} ({self.status})"

    @property
    def organization(self):
        return self.endpoint.organization
