"""Invoices and credit notes (rulebook §6): numbered per year without gaps, immutable once issued.

An issued document keeps a snapshot of everything printed on it (issuer, registration number, bank,
recipient, lines, taxes), so a later change of the provider's details or a policy does not change it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.billing.registration import normalize_registration_number
from genba.core import clock
from genba.core.ids import new_invoice_id
from genba.core.provider import display_phone


class AccountType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary (普通)")
    CURRENT = "current", _("Current (当座)")


class IssuerProfile(models.Model):
    """The provider as an invoice issuer. One row; edited by billing or admin."""

    legal_name = models.CharField(max_length=200)
    legal_name_ja = models.CharField(max_length=200)
    registration_number = models.CharField(
        max_length=14, help_text=_("Qualified invoice issuer number: T + 13 digits")
    )
    postal_code = models.CharField(max_length=10)
    address = models.CharField(max_length=300)
    address_ja = models.CharField(max_length=300)
    phone = models.CharField(
        max_length=30, help_text=_("Office phone: on invoices, findings, e-mails and the portal")
    )
    email = models.EmailField()
    bank_name = models.CharField(max_length=100)
    bank_branch = models.CharField(max_length=100)
    account_type = models.CharField(
        max_length=20, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField(max_length=20)
    account_holder = models.CharField(max_length=100, help_text=_("as registered, in katakana"))
    # The provider's numbers for customers (issue 13 item 6; core.provider). Not printed on
    # invoices, so not part of the snapshot.
    urgent_phone = models.CharField(
        max_length=30, blank=True, help_text=_("Urgent line, called outside office hours")
    )
    office_days = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Weekdays the office is open: 0 = Monday … 6 = Sunday"),
    )
    office_opens = models.TimeField(null=True, blank=True, help_text=_("Japan time (Asia/Tokyo)"))
    office_closes = models.TimeField(null=True, blank=True, help_text=_("Japan time (Asia/Tokyo)"))
    office_hours_note = models.CharField(
        max_length=200, blank=True, help_text=_("e.g. closed on national holidays")
    )

    CONTACT_FIELDS = (
        "phone",
        "urgent_phone",
        "office_days",
        "office_opens",
        "office_closes",
        "office_hours_note",
    )
    _NOT_PRINTED = frozenset(CONTACT_FIELDS) - {"phone"}

    class Meta:
        verbose_name = _("issuer profile")

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.registration_number})"

    def clean(self) -> None:
        number = normalize_registration_number(self.registration_number)
        if number is None:
            raise ValidationError(
                {
                    "registration_number": _(
                        "Not a valid registration number: T and 13 digits with a valid check digit."
                    )
                }
            )
        self.registration_number = number
        problems = office_problems(self)
        if problems:
            raise ValidationError(problems)

    def snapshot(self) -> dict:
        names = [
            f.name
            for f in self._meta.concrete_fields
            if f.name != "id" and f.name not in self._NOT_PRINTED
        ]
        data = {name: getattr(self, name) for name in names}
        data["account_type_label"] = self.get_account_type_display()
        data["phone"] = display_phone(self.phone)  # E.164 as stored, printed as people read it
        return data


def office_problems(profile) -> dict[str, str]:
    """What is wrong with the provider's numbers and office hours, by field (empty when nothing).

    Phones must be numbers we can dial (core.phones: with a country code, or Japanese); the office
    phone may stay blank only on a profile that has no invoice details yet (never on a saved one:
    the field is required). Hours are whole: days, an opening and a closing time, opening first."""
    from genba.core.phones import normalize_phone

    problems: dict[str, str] = {}
    for name in ("phone", "urgent_phone"):
        value = (getattr(profile, name) or "").strip()
        if value and normalize_phone(value) is None:
            problems[name] = str(
                _(
                    "Not a phone number we can call: give it with its country code (+81 3-1234-5678)."
                )
            )
    days = profile.office_days if profile.office_days is not None else []  # JSON null: none
    if not isinstance(days, list) or any(
        not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days
    ):
        problems["office_days"] = str(_("Weekdays are numbers from 0 (Monday) to 6 (Sunday)."))
    opens, closes = profile.office_opens, profile.office_closes
    if (opens is None) != (closes is None):
        field = "office_closes" if closes is None else "office_opens"
        problems[field] = str(_("Give both the opening and the closing time, or neither."))
    elif opens is not None and closes is not None and opens >= closes:
        problems["office_closes"] = str(_("The office must close after it opens."))
    elif opens is not None and not days and "office_days" not in problems:
        problems["office_days"] = str(_("Choose the days the office is open."))
    return problems


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class NumberSequence(models.Model):
    """The last number used per kind and year: locked while a number is taken, so numbers never
    repeat or skip, whatever runs at once."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_per_kind_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Invoice(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_invoice_id, editable=False)
    kind = models.CharField(
        max_length=20, choices=DocumentKind.choices, default=DocumentKind.INVOICE
    )
    number = models.CharField(max_length=20, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    request = models.ForeignKey(
        "orders.ServiceRequest", on_delete=models.PROTECT, related_name="invoices"
    )
    # A credit note names the invoice it corrects.
    credits = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_note"
    )
    issue_date = models.DateField()
    due_date = models.DateField()
    issued_at = models.DateTimeField(default=clock.now, editable=False)
    # The zone the document is written in, frozen at issue (rulebook §6: an issued document never
    # changes, so a later change of the policy's zone does not move its times).
    time_zone = models.CharField(max_length=64, default="Asia/Tokyo", editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Rulebook §4/§6: the invoice is due within `invoice_within_hours` of the request's completion.
    completed_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="JPY")
    subtotal = models.IntegerField()
    tax_amount = models.IntegerField()
    total = models.IntegerField()
    tax_treatment = models.CharField(max_length=20)
    exempt_reason = models.TextField(blank=True)
    taxes = models.JSONField(default=list)  # [{"rate": "0.10", "base": 42000, "amount": 4200}]
    # The approved estimate the invoice is read against (issue 13, docs/pricing.md "Travel"), as it
    # stood at issue: {"proposal", "subtotal", "total", "travel", "travel_actual"} in yen; {} when
    # no estimate was approved (a request cancelled before approval) or for a credit note.
    estimate = models.JSONField(default=dict, blank=True)
    issuer = models.JSONField()  # IssuerProfile.snapshot() at issue
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField(blank=True)
    payment_terms = models.CharField(max_length=100)
    transfer_fee_payer = models.CharField(max_length=20)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True, help_text=_("why a credit note was issued"))

    class Meta:
        ordering = ["-issue_date", "-number"]
        indexes = [models.Index(fields=["organization", "-issue_date"])]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # Rulebook §6: an issued invoice never changes; a correction is a credit note.
        if self.pk is not None:
            raise RuntimeError("an issued invoice never changes: issue a credit note")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("issued invoices are kept (at least 7 years)")

    @property
    def is_late(self) -> bool:
        return self.deadline_at is not None and self.issued_at > self.deadline_at

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    visit_label = models.CharField(max_length=100)
    visit_date = models.DateField(null=True, blank=True)
    kind = models.CharField(
        max_length=20
    )  # reservation, overtime, expense, travel_time, travel_fee
    description = models.CharField(max_length=300)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    engineers = models.PositiveSmallIntegerField(default=1)
    rate = models.IntegerField()
    multiplier = models.DecimalField(max_digits=6, decimal_places=4)
    after_hours = models.BooleanField(default=False)
    overtime = models.BooleanField(default=False)
    amount = models.IntegerField()
    tax_rate = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("an issued invoice never changes: issue a credit note")
        super().save(*args, **kwargs)
