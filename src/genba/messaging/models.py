"""What the messaging app remembers: messages sent (so a job run twice sends once), SLA alerts
raised (once each), periodic sweeps run (once per slot, whatever the number of workers), and
private calendar feeds."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from genba.core import clock


class Notification(models.Model):
    # "<event>:<recipient>": the same event never mails the same person twice.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    request = models.ForeignKey(
        "orders.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class SlaAlertKind(models.TextChoices):
    ARRIVAL_AT_RISK = "arrival_at_risk", "Arrival at risk"
    ARRIVAL_BREACHED = "arrival_breached", "Arrival breached"
    INVOICE_AT_RISK = "invoice_at_risk", "Invoice deadline at risk"
    INVOICE_LATE = "invoice_late", "Invoice late"
    URGENT = "urgent", "Class 4 request"


class SlaAlert(models.Model):
    request = models.ForeignKey(
        "orders.ServiceRequest", on_delete=models.CASCADE, related_name="sla_alerts"
    )
    kind = models.CharField(max_length=30, choices=SlaAlertKind.choices)
    due_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="one_alert_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class SweepRun(models.Model):
    """One row per sweep and time slot: the worker that inserts it runs the sweep; the others,
    whose insert fails, skip it."""

    name = models.CharField(max_length=40)
    slot = models.CharField(max_length=20)
    ran_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A private iCal feed: the URL's token is the only key, so it is stored hashed and revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed of {self.user}"

    @classmethod
    def issue(cls, user) -> tuple[CalendarFeed, str]:
        raw = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=_hash(raw)), raw

    @classmethod
    def find(cls, raw: str) -> CalendarFeed | None:
        return (
            cls.objects.select_related("user", "user__organization")
            .filter(token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
