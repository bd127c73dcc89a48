"""Policies (the provider's rules, presets as data) and contracts (a customer's terms)."""

from __future__ import annotations

import json
from datetime import time
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
PRESET_KEYS = ("ecorpone", "tokyo-its")


class SkillLevel(models.TextChoices):
    ENTRY = "entry", _("Entry / junior")
    SENIOR = "senior", _("Senior")
    SPECIALIST = "specialist", _("Specialist")


def load_preset(key: str) -> dict:
    if key not in PRESET_KEYS:
        raise KeyError(key)
    return json.loads((PRESETS_DIR / f"{key}.json").read_text())


def _hours_field(**kw):
    return models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], **kw
    )


class PolicyManager(models.Manager):
    def ensure_presets(self) -> None:
        """Create the preset rows that are missing (a migration loads them; this restores them)."""
        for key in PRESET_KEYS:
            if not self.filter(key=key).exists():
                self.create(key=key, **Policy.fields_from_preset(load_preset(key)))


class Policy(models.Model):
    """Every number of rulebook §8; the presets are two rows, editable like any other."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="Asia/Tokyo")
    business_days = models.JSONField(default=list, help_text="0 = Monday … 6 = Sunday")
    business_start = models.TimeField(default=time(9))
    business_end = models.TimeField(default=time(18))
    holidays_after_hours = models.BooleanField(default=True)
    year_end_closure = models.BooleanField(default=True)
    after_hours_multiplier = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.5")
    )
    minimum_hours = _hours_field(default=Decimal("2"))
    default_reserved_hours = _hours_field(default=Decimal("2"))
    grace_minutes = models.PositiveIntegerField(default=0)
    overtime_multiplier = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1"))
    billing_increment_minutes = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    min_lead_hours = models.PositiveIntegerField(default=24)
    # "On my way" is accepted no earlier than this before a visit's scheduled start (rulebook §3).
    en_route_window_hours = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(48)]
    )
    reference_required_before_release = models.BooleanField(default=False)
    equipment_list_required = models.BooleanField(default=False)
    datacenter_reference_required = models.BooleanField(default=False)
    remote_engineer_required = models.BooleanField(default=True)
    maps_url_expected = models.BooleanField(default=False)
    sla_offered = models.BooleanField(default=True)
    sla_requires_retainer = models.BooleanField(default=True)
    invoice_within_hours = models.PositiveIntegerField(null=True, blank=True)
    default_skill_level = models.CharField(
        max_length=20, choices=SkillLevel.choices, default=SkillLevel.ENTRY
    )
    default_engineers = models.PositiveSmallIntegerField(default=1)
    standard_equipment = models.JSONField(default=list, blank=True)
    photo_id_retention_days = models.PositiveIntegerField(default=90)
    # Issue 13. A change the customer asks for this close to the start charges as a cancellation
    # after approval (0: never).
    late_change_hours = models.PositiveIntegerField(default=24)
    # Travel time charged per hour of travel, on top of travel expenses at cost (None: not charged).
    travel_time_rate = models.PositiveIntegerField(null=True, blank=True, help_text="yen per hour")

    objects = PolicyManager()

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def clean(self) -> None:
        if self.business_start >= self.business_end:
            raise ValidationError({"business_end": _("Business hours must end after they start.")})
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in self.business_days or []):
            raise ValidationError(
                {"business_days": _("Business days are numbers 0 (Monday) to 6.")}
            )

    @classmethod
    def fields_from_preset(cls, data: dict) -> dict:
        values = {k: v for k, v in data.items() if k != "key"}
        values["business_start"] = time.fromisoformat(values["business_start"])
        values["business_end"] = time.fromisoformat(values["business_end"])
        for name in (
            "after_hours_multiplier",
            "minimum_hours",
            "default_reserved_hours",
            "overtime_multiplier",
        ):
            values[name] = Decimal(values[name])
        return values

    def as_rules_dict(self) -> dict:
        """The values the pure code reads (orders.facts.PolicyRules.from_dict, pricing)."""
        names = [f.name for f in self._meta.concrete_fields if f.name != "id"]
        return {name: getattr(self, name) for name in names}


class ContractKind(models.TextChoices):
    RETAINER = "retainer", _("Retainer (SLA guaranteed)")
    AD_HOC = "ad_hoc", _("Ad hoc")


class TaxTreatment(models.TextChoices):
    STANDARD = "standard", _("Standard (consumption tax 10%)")
    EXEMPT = "exempt", _("Exempt (export of a service)")


class PaymentTerms(models.TextChoices):
    END_OF_NEXT_MONTH = "end_of_next_month", _("End of the month after issue")
    NET_DAYS = "net_days", _("Net days after issue")


class TransferFeePayer(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROVIDER = "provider", _("Provider")


class ContractQuerySet(models.QuerySet):
    def active_on(self, moment):
        day = moment.date()
        return self.filter(active=True, starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Contract(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="contracts"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ContractKind.choices)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="contracts")
    active = models.BooleanField(default=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # Yen per engineer-hour for each skill level ("please inquire what your base rate is").
    rate_entry = models.PositiveIntegerField()
    rate_senior = models.PositiveIntegerField()
    rate_specialist = models.PositiveIntegerField()
    tax_treatment = models.CharField(
        max_length=20, choices=TaxTreatment.choices, default=TaxTreatment.STANDARD
    )
    exempt_reason = models.TextField(blank=True)
    payment_terms = models.CharField(
        max_length=30, choices=PaymentTerms.choices, default=PaymentTerms.END_OF_NEXT_MONTH
    )
    payment_net_days = models.PositiveIntegerField(null=True, blank=True)
    transfer_fee_payer = models.CharField(
        max_length=20, choices=TransferFeePayer.choices, default=TransferFeePayer.CUSTOMER
    )
    sla_arrival_tolerance_minutes = models.PositiveIntegerField(default=15)
    class4_response_minutes = models.PositiveIntegerField(default=240)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.tax_treatment == TaxTreatment.EXEMPT and not self.exempt_reason.strip():
            # Rulebook §5.7: exemption is the provider's recorded decision, never inferred.
            errors["exempt_reason"] = _("An exempt contract needs the reason recorded.")
        if self.payment_terms == PaymentTerms.NET_DAYS and not self.payment_net_days:
            errors["payment_net_days"] = _("Net-days terms need the number of days.")
        if self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A contract cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    def rate_for(self, skill_level: str) -> int:
        return {
            "entry": self.rate_entry,
            "senior": self.rate_senior,
            "specialist": self.rate_specialist,
        }[skill_level]

    @property
    def is_retainer(self) -> bool:
        return self.kind == ContractKind.RETAINER
