"""Forms of the engineer's pages. They only shape input; the services decide what is valid.

Text and times carry the bounds of genba.core.bounds, the checks the API's schemas make.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from genba.core.bounds import (
    MAX_YEN,
    OutOfBounds,
    check_recorded,
    multi_line_validator,
    single_line_validator,
)
from genba.core.clock import JST
from genba.orders.visit_notes import NOTE_MAX_CHARS

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        max_length=NOTE_MAX_CHARS,
        validators=[multi_line_validator(NOTE_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Saved with the time and your name; earlier notes stay as they are."),
    )


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("JPEG or PNG. Opens the camera on a phone."),
    )


class ExpenseForm(forms.Form):
    """An expense paid on the job (taxi, parking, a part): pending until a coordinator approves."""

    description = forms.CharField(
        label=_("What for"),
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=_("E.g. taxi Shin-Osaka station to the site."),
    )
    amount = forms.IntegerField(
        label=_("Amount (yen)"),
        min_value=1,
        max_value=MAX_YEN,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )
    receipt = forms.FileField(
        label=_("Receipt photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Opens the camera on a phone. A PDF is accepted too."),
    )


class NoAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why was there no access?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # Visit.ended_reason is a text column: bounded like the request's long texts.
        validators=[multi_line_validator(20000)],
        help_text=_("E.g. entry refused at security, no local contact, prerequisites missing."),
    )


class SignOffForm(forms.Form):
    signer_name = forms.CharField(
        label=_("Customer's name"),
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=_("The person at the site who approves the work."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    signed_at = forms.CharField(
        label=_("Signed at (JST)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Now, unless you record a sign-off given earlier."),
    )
    # Filled by the signature pad (static/field/signature.js) with a PNG data URL.
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    typed_signature = forms.CharField(
        label=_("Or type the signature"),
        required=False,
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=_("When drawing is not possible: the customer types his or her name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_signed_at(self):
        value = (self.cleaned_data.get("signed_at") or "").strip()
        if not value:
            return None
        try:
            moment = datetime.strptime(value[:16], LOCAL_FORMAT).replace(tzinfo=JST)
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        try:
            return check_recorded(moment)  # the service then says "not in the future" itself
        except OutOfBounds as error:
            raise forms.ValidationError(error.message, code=error.code) from None
