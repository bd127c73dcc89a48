"""Dispatch: engineers (skills, languages, home base, coverage, working week, leave, photo ID),
their bookings (never two at once), and proposals the customer approves or declines."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.contracts.models import SkillLevel
from genba.core import clock
from genba.core.ids import new_booking_id, new_engineer_id, new_proposal_id


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


class ProposalTravel(models.Model):
    """The travel a proposal expects for one visit (issue 13, docs/pricing.md "Travel"): the hours
    each engineer travels (priced at the policy's travel_time_rate) and the site zone's flat fee
    as it stood when proposed; the expected costs are its items. What the customer approves is
    what the invoice charges for travel time; the costs are billed as the actual expenses."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="travel")
    visit = models.ForeignKey("orders.Visit", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    flat_fee = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("expected travel")
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "visit"], name="one_travel_per_visit"),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gte=0, hours__lte=24),
                name="travel_hours_0_to_24",
            ),
            models.CheckConstraint(
                condition=models.Q(flat_fee__isnull=True)
                | models.Q(flat_fee__gte=1, flat_fee__lte=10_000_000),
                name="travel_flat_fee_yen",
            ),
        ]

    def __str__(self) -> str:
        return f"travel of {self.proposal_id} for visit {self.visit_id}"


class ProposalTravelItem(models.Model):
    """One expected travel cost (a ticket, a hotel night), estimated at cost."""

    travel = models.ForeignKey(ProposalTravel, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(max_length=200)
    amount = models.PositiveIntegerField(help_text="yen, tax excluded")

    class Meta:
        verbose_name = _("expected travel cost")
        ordering = ["travel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=1, amount__lte=10_000_000),
                name="travel_item_amount_yen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ¥{self.amount:,}"


def _photo_id_path(instance: EngineerProfile, filename: str) -> str:
    # No user input on disk: the engineer's public id names the file.
    return f"photo-ids/{instance.public_id}"


class EngineerProfile(models.Model):
    """What dispatch knows of an engineer (a user with the engineer role)."""

    public_id = models.CharField(
        max_length=40, unique=True, default=new_engineer_id, editable=False
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engineer_profile"
    )
    skill_level = models.CharField(
        max_length=20, choices=SkillLevel.choices, default=SkillLevel.ENTRY
    )
    languages = models.JSONField(default=list, help_text='e.g. ["en", "ja"]')
    home_label = models.CharField(
        max_length=200, blank=True, help_text=_("e.g. the nearest station")
    )
    home_latitude = models.DecimalField(max_digits=9, decimal_places=6)
    home_longitude = models.DecimalField(max_digits=9, decimal_places=6)
    # Coverage zone codes (sites.CoverageZone.code) the engineer is sent to, e.g. ["A", "B"].
    zones = models.JSONField(default=list, blank=True)
    # Data centers the engineer holds an access badge or induction for, e.g. ["Equinix TY2"].
    datacenter_access = models.JSONField(default=list, blank=True)
    # The working week: days (0 = Monday) and hours in Asia/Tokyo; leave is recorded apart.
    work_days = models.JSONField(default=list, help_text="0 = Monday … 6 = Sunday")
    work_start = models.TimeField(default=time(8))
    work_end = models.TimeField(default=time(20))
    photo_id = models.FileField(upload_to=_photo_id_path, blank=True, max_length=200)
    photo_id_content_type = models.CharField(max_length=50, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    def clean(self) -> None:
        if self.work_start >= self.work_end:
            raise ValidationError({"work_end": _("The working day must end after it starts.")})


class Leave(models.Model):
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leaves"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["engineer", "starts_at"]
        indexes = [models.Index(fields=["engineer", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.engineer} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class BookingStatus(models.TextChoices):
    # A proposed booking holds nothing: only a confirmed one blocks the engineer's time. Approval
    # confirms, and is refused if the engineer was confirmed elsewhere meanwhile.
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """One engineer on one visit, for the reservation plus grace: [starts_at, ends_at).

    On PostgreSQL an exclusion constraint (migration 0004) makes two confirmed bookings of one
    engineer that overlap impossible; on SQLite the booking service checks under the write lock.
    """

    public_id = models.CharField(max_length=40, unique=True, default=new_booking_id, editable=False)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    visit = models.ForeignKey("orders.Visit", on_delete=models.CASCADE, related_name="bookings")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.PROPOSED
    )
    # The length, kept so that a week's workload is a sum of integers (the availability search sums
    # thousands of bookings per search; SQLite has no native interval arithmetic).
    minutes = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["engineer", "starts_at"]
        indexes = [
            models.Index(fields=["engineer", "status", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="booking_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.engineer} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} ({self.status})"
        )

    def save(self, *args, **kwargs):
        self.minutes = int((self.ends_at - self.starts_at).total_seconds() // 60)
        super().save(*args, **kwargs)
