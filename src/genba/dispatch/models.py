"""Proposals: the provider's offer of engineers for a request, which the customer approves or declines.

Engineers' profiles, bookings and the optimizer arrive with the dispatch issue; the proposal lives
here already because approval is part of the ordering flow.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock
from genba.core.ids import new_proposal_id


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Proposal(models.Model):
    public_id = models.CharField(
        max_length=40, unique=True, default=new_proposal_id, editable=False
    )
    request = models.ForeignKey(
        "orders.ServiceRequest", on_delete=models.CASCADE, related_name="proposals"
    )
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    engineers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="proposals")
    message = models.TextField(blank=True)
    # The estimate shown with the offer (genba.pricing, as `genba quote` prints it), kept as offered.
    # Decimals (hours, multipliers) are kept as exact strings, as everywhere in the API.
    estimate = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("proposal")
        ordering = ["request", "created_at", "id"]
        constraints = [
            # At most one open proposal per request: the customer answers one offer at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="open"),
                name="one_open_proposal_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    @property
    def organization(self):
        return self.request.organization
