"""The console's forms: they parse input only; the services decide.

Text and times carry the bounds of genba.core.bounds (the same checks as the API's schemas): no
control characters (line breaks only in text areas), a new start within the planning window.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from genba.contracts.models import Policy
from genba.core.bounds import (
    MAX_YEN,
    OutOfBounds,
    check_planned,
    multi_line_validator,
    single_line_validator,
)
from genba.core.clock import JST
from genba.core.phones import normalize_phone
from genba.core.prefectures import normalize_prefecture
from genba.web.console.selectors import INBOX_STATUSES, SORTS

TEXT = 5000
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    customer = forms.ChoiceField(label=_("Customer"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        validators=[single_line_validator(100)],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All open"))] + [
            (s.value, s.label) for s in INBOX_STATUSES
        ]
        self.fields["customer"].choices = [("", _("All customers"))] + [
            (o.public_id, o.name) for o in organizations
        ]
        labels = {
            "urgency": _("Urgency"),
            "sla": _("SLA risk"),
            "findings": _("Missing information"),
            "start": _("First visit"),
            "newest": _("Newest"),
        }
        self.fields["sort"].choices = [(s, labels[s]) for s in SORTS]
        self.fields["q"].widget.attrs["type"] = "search"

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or "" if self.is_valid() else ""


class AskInfoForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the customer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT,
        validators=[multi_line_validator(TEXT)],
        required=False,
        help_text=_("Written in the customer's language; edit it freely before sending."),
    )


class CallForm(forms.Form):
    note = forms.CharField(
        label=_("Call note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT,
        validators=[multi_line_validator(TEXT)],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT,
        validators=[multi_line_validator(TEXT)],
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT,
        validators=[multi_line_validator(TEXT)],
        required=False,
    )


class ProposalForm(forms.Form):
    engineers = forms.MultipleChoiceField(label=_("Engineers"), widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(
        label=_("Message with the proposal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT,
        validators=[multi_line_validator(TEXT)],
        required=False,
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineers"].choices = [
            (c.profile.public_id, str(c.profile)) for c in candidates
        ]

    # Issue 13: the expected travel, on the request's first visit (the API takes it per visit).
    travel_costs = forms.CharField(
        label=_("Expected travel costs"),
        help_text=_(
            'One per line, the amount in yen last: "Shinkansen Tokyo–Shin-Osaka return 29,440".'
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        validators=[multi_line_validator(4000)],
        required=False,
    )
    travel_hours = forms.DecimalField(
        label=_("Travel hours per engineer"),
        help_text=_("Charged at the policy's travel time rate, unless the zone has a flat fee."),
        min_value=0,
        max_value=24,
        decimal_places=2,
        required=False,
    )

    def clean_travel_costs(self) -> list[dict]:
        costs, bad = [], []
        for number, line in enumerate(self.cleaned_data["travel_costs"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            description, _space, amount = line.rpartition(" ")
            amount = amount.replace(",", "").removeprefix("¥").removeprefix("￥")
            if not description.strip() or not amount.isdigit():
                bad.append(str(number))
                continue
            costs.append({"description": description.strip(), "amount": int(amount)})
        if bad:
            raise forms.ValidationError(
                _("Line %(lines)s: write what it is, then the amount in yen.")
                % {"lines": ", ".join(bad)}
            )
        return costs

    def travel(self) -> list[dict]:
        """The service's travel input: the costs and hours given, on the first visit."""
        costs = self.cleaned_data.get("travel_costs") or []
        hours = self.cleaned_data.get("travel_hours")
        if not costs and not hours:
            return []
        return [{"hours": hours, "expenses": costs}]


class ReassignForm(forms.Form):
    engineer = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        validators=[single_line_validator(500)],
    )

    def __init__(self, *args, engineers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].choices = [(p.public_id, str(p)) for p in engineers]


class VisitReassignForm(forms.Form):
    """The whole crew of one visit, one select per engineer the request asks for (the service
    takes the crew: whoever is left out is taken off the visit)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        validators=[single_line_validator(500)],
    )

    def __init__(self, *args, crew_size: int = 1, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.crew_size = max(crew_size, 1)
        for i in range(self.crew_size):
            label = _("Engineer") if self.crew_size == 1 else _("Engineer %(n)s") % {"n": i + 1}
            self.fields[f"engineer_{i}"] = forms.ChoiceField(label=label)
        # The reason after the selects, as a coordinator fills them in.
        self.order_fields([*self.engineer_fields(), "reason"])
        self.set_choices(choices)

    def engineer_fields(self) -> list[str]:
        return [f"engineer_{i}" for i in range(self.crew_size)]

    def set_choices(self, choices) -> None:
        """Choices may be grouped ("Available", "Unavailable"); a refused form shown again gets
        the ranked list while keeping what was picked."""
        for name in self.engineer_fields():
            self.fields[name].choices = choices

    def engineer_ids(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.engineer_fields()]


class VisitRescheduleForm(forms.Form):
    """The new start in Japan time (sites are in Japan, whatever zone the coordinator is in)."""

    scheduled_start = forms.CharField(
        label=_("New start (JST)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reserved_hours = forms.DecimalField(
        label=_("Reserved hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Blank keeps the hours as they are."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        validators=[single_line_validator(500)],
    )

    def clean_scheduled_start(self):
        value = (self.cleaned_data.get("scheduled_start") or "").strip()
        try:
            moment = datetime.strptime(value[:16], LOCAL_FORMAT).replace(tzinfo=JST)
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        try:
            return check_planned(moment)  # the window the API's VisitIn keeps
        except OutOfBounds as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class DayForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def day_from(cls, data, default: date) -> date:
        form = cls(data)
        return form.cleaned_data["date"] if form.is_valid() else default


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this invoice credited?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[multi_line_validator(2000)],
    )


class PolicyForm(forms.ModelForm):
    """The numbers a provider tunes; the rest of the policy is shown, not edited here."""

    class Meta:
        model = Policy
        fields = [
            "name",
            "business_start",
            "business_end",
            "after_hours_multiplier",
            "overtime_multiplier",
            "minimum_hours",
            "default_reserved_hours",
            "grace_minutes",
            "billing_increment_minutes",
            "min_lead_hours",
            "en_route_window_hours",
            "invoice_within_hours",
            "photo_id_retention_days",
            "reference_required_before_release",
            "equipment_list_required",
            "datacenter_reference_required",
            "remote_engineer_required",
            "maps_url_expected",
            "travel_time_rate",
        ]
        widgets = {
            "business_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "business_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "name": _("Name"),
            "business_start": _("Business hours start"),
            "business_end": _("Business hours end"),
            "after_hours_multiplier": _("After-hours multiplier"),
            "overtime_multiplier": _("Overtime multiplier"),
            "minimum_hours": _("Minimum hours"),
            "default_reserved_hours": _("Default reserved hours"),
            "grace_minutes": _("Grace minutes"),
            "billing_increment_minutes": _("Billing increment (minutes)"),
            "min_lead_hours": _("Minimum lead time (hours)"),
            "en_route_window_hours": _("'On my way' accepted from (hours before start)"),
            "invoice_within_hours": _("Invoice within (hours)"),
            "photo_id_retention_days": _("Photo ID retention (days)"),
            "reference_required_before_release": _("Reference required before release"),
            "equipment_list_required": _("Equipment list required"),
            "datacenter_reference_required": _("Data center reference required"),
            "remote_engineer_required": _("Remote engineer required"),
            "maps_url_expected": _("Map link expected"),
            "travel_time_rate": _("Travel time rate (yen per hour, empty: not charged)"),
        }

    def clean(self):
        data = super().clean()
        for name in ("after_hours_multiplier", "overtime_multiplier"):
            value = data.get(name)
            if value is not None and not Decimal("1") <= value <= Decimal("5"):
                self.add_error(name, _("Between 1 and 5."))
        if data.get("minimum_hours") is not None and data["minimum_hours"] > 24:
            self.add_error("minimum_hours", _("At most 24 hours."))
        if data.get("default_reserved_hours") is not None and not (
            Decimal("0.5") <= data["default_reserved_hours"] <= 24
        ):
            self.add_error("default_reserved_hours", _("Between 0.5 and 24 hours."))
        if data.get("grace_minutes") is not None and data["grace_minutes"] > 240:
            self.add_error("grace_minutes", _("At most 240 minutes."))
        rate = data.get("travel_time_rate")
        if rate is not None and not 1 <= rate <= MAX_YEN:
            self.add_error("travel_time_rate", _("Empty, or from 1 to 10,000,000 yen."))
        start, end = data.get("business_start"), data.get("business_end")
        if start and end and start >= end:
            self.add_error("business_end", _("Business hours must end after they start."))
        return data


class ZoneForm(forms.Form):
    name = forms.CharField(
        label=_("Zone name"), max_length=100, validators=[single_line_validator(100)]
    )
    travel_required = forms.BooleanField(label=_("Travel and accommodation needed"), required=False)
    travel_flat_fee = forms.IntegerField(
        label=_("Flat travel fee per visit (yen, empty: none)"),
        required=False,
        min_value=1,
        max_value=MAX_YEN,
    )


class AreaForm(forms.Form):
    zone = forms.ChoiceField(label=_("Zone"))
    prefecture = forms.CharField(label=_("Prefecture"), max_length=10, help_text=_("e.g. 東京都"))
    municipality_code = forms.RegexField(
        label=_("Municipality code"),
        regex=r"^\d{5}$",
        required=False,
        help_text=_("JIS X 0402, five digits; blank for the whole prefecture"),
    )
    municipality_name = forms.CharField(
        label=_("Municipality"),
        max_length=60,
        required=False,
        validators=[single_line_validator(60)],
    )

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z.pk, f"{z.code} {z.name}") for z in zones]

    def clean_prefecture(self):
        name = normalize_prefecture(self.cleaned_data["prefecture"])
        if name is None:
            raise forms.ValidationError(_("Not a Japanese prefecture."))
        return name


class ProviderContactForm(forms.Form):
    """The provider's numbers and office hours (billing.services.provider_contact_update decides)."""

    WEEKDAYS = [
        (0, _("Monday")),
        (1, _("Tuesday")),
        (2, _("Wednesday")),
        (3, _("Thursday")),
        (4, _("Friday")),
        (5, _("Saturday")),
        (6, _("Sunday")),
    ]

    phone = forms.CharField(
        label=_("Office phone"),
        max_length=30,
        validators=[single_line_validator(30)],
        help_text=_("With its country code, e.g. +81 3-1234-5678. Also printed on invoices."),
    )
    urgent_phone = forms.CharField(
        label=_("Urgent line"),
        required=False,
        max_length=30,
        validators=[single_line_validator(30)],
        help_text=_("Called outside office hours, e.g. for a visit at short notice."),
    )
    office_days = forms.TypedMultipleChoiceField(
        label=_("Office days"),
        required=False,
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    office_opens = forms.TimeField(
        label=_("Office opens (JST)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    office_closes = forms.TimeField(
        label=_("Office closes (JST)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    office_hours_note = forms.CharField(
        label=_("Note on office hours"),
        required=False,
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=_("e.g. closed on national holidays"),
    )

    def clean_phone(self):
        return self._phone("phone")

    def clean_urgent_phone(self):
        return self._phone("urgent_phone")

    def _phone(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and normalize_phone(value) is None:
            raise forms.ValidationError(
                _(
                    "Not a phone number we can call: give it with its country code (+81 3-1234-5678)."
                )
            )
        return value
