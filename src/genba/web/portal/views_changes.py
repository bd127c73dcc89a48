"""The customer asks to move an approved visit (issue 13 item 5): a page with the new date, time,
hours and reason, and the visit's earlier asks with the coordinator's answers. Nothing moves until
a coordinator confirms (orders.visit_changes)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from genba.accounts.models import Role
from genba.core.clock import JST
from genba.core.errors import GenbaError
from genba.orders import actions
from genba.orders import selectors as order_selectors
from genba.orders.models import Visit
from genba.orders.visit_changes import REASON_MAX, visit_change_request
from genba.web.access import role_required
from genba.web.errors import attach_problems


class VisitChangeForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("New date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=gettext_lazy("New start (JST)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("Blank keeps the hours as they are."),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why the visit should move"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def start(self) -> datetime:
        data = self.cleaned_data
        return datetime.combine(data["date"], data["time"]).replace(tzinfo=JST)


# The service names the instant; the page asks for it as a date and a time.
FIELD_MAP = {"scheduled_start": "date", "reserved_hours": "hours"}


@role_required(Role.CUSTOMER)
def visit_change(request, public_id: str, visit_id: str):
    service_request = order_selectors.get_request_for(request.user, public_id)
    visit = get_object_or_404(Visit, request=service_request, public_id=visit_id)
    visit.request = service_request
    allowed = "ask_change" in actions.visit_actions(visit, request.user)
    status = 200
    if request.method == "POST":
        form = VisitChangeForm(request.POST)
        if form.is_valid():
            try:
                visit_change_request(
                    visit=visit,
                    by=request.user,
                    scheduled_start=form.start(),
                    reserved_hours=form.cleaned_data["hours"],
                    reason=form.cleaned_data["reason"],
                )
            except GenbaError as error:
                attach_problems(form, error, field_map=FIELD_MAP)
            else:
                messages.success(
                    request, _("Your request to move the visit was sent to the coordinator.")
                )
                return redirect("portal:request", public_id=service_request.public_id)
        status = 400
    else:
        form = VisitChangeForm(initial={"hours": visit.reserved_hours})
    context = {
        "sr": service_request,
        "visit": visit,
        "form": form,
        "allowed": allowed,
        "changes": list(visit.changes.order_by("-requested_at", "-id")),
        "late_change_hours": service_request.policy.late_change_hours,
    }
    return render(request, "portal/visit_change.html", context, status=status)
