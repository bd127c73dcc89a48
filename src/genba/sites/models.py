"""Sites to visit, the people to call, and the coverage table (area -> zone) of each policy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock
from genba.core.ids import new_contact_id, new_site_id


class CoverageZone(models.Model):
    policy = models.ForeignKey("contracts.Policy", on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    travel_required = models.BooleanField(
        default=False, help_text=_("Visits here need travel and accommodation booked.")
    )
    # Issue 13. A flat travel fee per visit to this zone, instead of travel time (None: none).
    travel_flat_fee = models.PositiveIntegerField(null=True, blank=True, help_text="yen per visit")

    class Meta:
        ordering = ["policy", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="zone_code_per_policy")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CoverageArea(models.Model):
    """A whole prefecture (no municipality code) or one municipality, mapped to a zone."""

    zone = models.ForeignKey(CoverageZone, on_delete=models.CASCADE, related_name="areas")
    prefecture = models.CharField(max_length=10, help_text="Japanese name, e.g. 東京都")
    municipality_code = models.CharField(
        max_length=5, blank=True, help_text="JIS X 0402 code; blank for the whole prefecture"
    )
    municipality_name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["prefecture", "municipality_code"]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.municipality_name} → {self.zone.code}"


class Site(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_site_id, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(max_length=200, help_text=_("What the customer calls the place"))
    company_name = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    prefecture = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=200, blank=True)
    building = models.CharField(max_length=200, blank=True)
    floor = models.CharField(max_length=40, blank=True)
    room = models.CharField(max_length=100, blank=True)
    entry_instructions = models.TextField(blank=True)
    maps_url = models.CharField(max_length=500, blank=True)
    is_datacenter = models.BooleanField(default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_line(self) -> str:
        parts = [
            self.postal_code and f"〒{self.postal_code}",
            self.prefecture,
            self.city,
            self.street,
        ]
        rest = " ".join(p for p in (self.building, self.floor and f"{self.floor}F", self.room) if p)
        return " ".join(p for p in parts if p) + (f" {rest}" if rest else "")


class Language(models.TextChoices):
    EN = "en", "English"
    JA = "ja", "日本語"


class Contact(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_contact_id, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    # The number as typed is kept so the customer sees what to correct when it does not parse;
    # `phone` holds the E.164 form, blank when the input is not a valid number.
    phone_input = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    email = models.CharField(max_length=254, blank=True)
    skype = models.CharField(max_length=100, blank=True)
    whatsapp = models.CharField(max_length=40, blank=True)
    line = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from genba.core.phones import normalize_phone

        self.phone = normalize_phone(self.phone_input) or ""
        super().save(*args, **kwargs)
