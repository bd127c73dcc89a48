"""The portal's forms. The request form itself is in request_form.py (it maps onto RequestIn).

Text fields carry the bounds of genba.core.bounds (no control characters; line breaks only in
text areas), the same checks RequestIn makes, so a page refuses what the API refuses.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from genba.contracts.models import SkillLevel
from genba.core.bounds import https_validator, multi_line_validator, single_line_validator
from genba.orders.models import AttachmentKind, RequestStatus, Urgency


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *RequestStatus.choices],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        validators=[single_line_validator(100)],
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("ID, title, PO number or site")}
        ),
    )


def _text(label, *, max_length=200, help_text="", textarea=False, validators=(), **attrs):
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if textarea else forms.TextInput(attrs)
    bound = multi_line_validator if textarea else single_line_validator
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[bound(max_length), *validators],
    )


LANGUAGE_CHOICES = [("en", _("English")), ("ja", _("Japanese"))]


class RequestForm(forms.Form):
    """Everything but the repeated rows (visits, equipment, items, paperwork)."""

    title = _text(_("Title"), help_text=_("A short name for the job, e.g. “Replace failed disk”."))
    reference = _text(_("PO / case / ticket number"), max_length=100)
    work_description = _text(
        _("Work description"),
        max_length=20000,
        textarea=True,
        help_text=_("What the engineer is to do, step by step, and how you confirm it is done."),
    )
    skill_level = forms.ChoiceField(
        label=_("Skill level"),
        required=False,
        choices=[("", _("Contract default")), *SkillLevel.choices],
    )
    engineers = forms.IntegerField(
        label=_("Engineers"), required=False, min_value=-100, max_value=100, initial=1
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the engineer must speak"),
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), coerce=int, choices=Urgency.choices, initial=Urgency.PLANNED
    )
    sla_requested = forms.BooleanField(label=_("Request an SLA-backed response"), required=False)
    customer_notes = _text(_("Notes for the coordinator"), max_length=20000, textarea=True)

    site_name = _text(_("Site name"), help_text=_("What you call the place, e.g. “Otemachi DC”."))
    site_company_name = _text(_("Company at the site"))
    site_postal_code = _text(
        _("Postal code"), max_length=10, help_text=_("e.g. 100-0004"), autocomplete="postal-code"
    )
    site_prefecture = _text(_("Prefecture"), max_length=40, help_text=_("e.g. Tokyo or 東京都"))
    site_city = _text(_("City / ward"), max_length=100)
    site_street = _text(_("Street address"))
    site_building = _text(_("Building"))
    site_floor = _text(_("Floor"), max_length=40)
    site_room = _text(_("Room / cage / rack"), max_length=100)
    site_entry_instructions = _text(
        _("Entry procedure"),
        max_length=20000,
        textarea=True,
        help_text=_("Security desk, ID to show, badge or escort, where to report."),
    )
    site_maps_url = _text(
        _("Map link"),
        max_length=500,
        validators=[https_validator],
        help_text=_("A Google Maps share link (https://maps.app.goo.gl/…)."),
    )
    site_is_datacenter = forms.BooleanField(label=_("The site is a data center"), required=False)
    datacenter_reference = _text(
        _("Data center work order / reference"),
        max_length=100,
        help_text=_("The reference the data center gave you for this visit."),
    )

    local_name = _text(_("Contact name"))
    local_company = _text(_("Company"))
    local_phone = _text(_("Phone"), max_length=40, type="tel")
    local_email = _text(_("E-mail"), max_length=254, type="email")
    force_without_local_contact = forms.BooleanField(
        label=_("Nobody of ours will be on site"), required=False
    )

    remote_name = _text(_("Contact name"))
    remote_company = _text(_("Company"))
    remote_phone = _text(
        _("Phone"), max_length=40, type="tel", help_text=_("With the country code, e.g. +1 415…")
    )
    remote_email = _text(_("E-mail"), max_length=254, type="email")
    remote_skype = _text(_("Skype"), max_length=100)
    remote_whatsapp = _text(_("WhatsApp"), max_length=40)
    remote_line = _text(_("LINE"), max_length=100)
    remote_language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *LANGUAGE_CHOICES]
    )


class VisitRowForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Start (JST)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=-999,
        max_value=999,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time") is None and "time" not in self.errors:
            self.add_error("time", _("Enter the start time (Japan time)."))
        if data.get("time") is not None and not data.get("date") and "date" not in self.errors:
            self.add_error("date", _("Enter the date."))
        return data


class EquipmentRowForm(forms.Form):
    make = _text(_("Make"), max_length=100)
    model = _text(_("Model"), max_length=100)
    serial = _text(_("Serial number"), max_length=100)
    quantity = forms.IntegerField(
        label=_("Qty"), required=False, min_value=1, max_value=1000, initial=1
    )
    description = _text(_("Description"), max_length=300)


class ItemRowForm(forms.Form):
    name = _text(_("Item"), max_length=200)


class PaperworkRowForm(forms.Form):
    description = _text(_("Document"), max_length=300)
    done = forms.BooleanField(label=_("Done"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line_validator(2000)],
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        max_length=2000,
        validators=[multi_line_validator(2000)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignOffForm(forms.Form):
    signer_name = forms.CharField(
        label=_("Signed off by"),
        required=False,
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=_("The name of your person who accepts the work; blank for your own name."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[single_line_validator(100)],
        help_text=_("Where the token is used, e.g. “ServiceNow integration”."),
    )
