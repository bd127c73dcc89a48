"""The dispatch board (a day or a week per engineer) and reassigning a booking from it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import GenbaError
from genba.dispatch.models import Booking, BookingStatus, EngineerProfile
from genba.dispatch.reassign import booking_reassign
from genba.web.access import role_required
from genba.web.console import board as board_data
from genba.web.console.forms import DayForm, ReassignForm

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _view(value: str) -> str:
    return "week" if value == "week" else "day"


@role_required(*STAFF)
def board(request):
    today = clock.now().astimezone(board_data.JST).date()
    day = DayForm.day_from(request.GET, today)
    view = _view(request.GET.get("view", ""))
    rows, cols, profiles = board_data.board(day, view)
    step = timedelta(days=7 if view == "week" else 1)
    first, days = board_data.bounds(day, view)
    return render(
        request,
        "console/board.html",
        {
            "rows": rows,
            "cols": cols,
            "engineers": profiles,
            "day": day,
            "first": first,
            "last": first + timedelta(days=days - 1),
            "view": view,
            "previous": (day - step).isoformat(),
            "next": (day + step).isoformat(),
            "today": today.isoformat(),
            "day_form": DayForm(initial={"date": day}),
            "nav": "board",
        },
    )


@require_POST
@role_required(*STAFF)
def reassign(request, public_id):
    booking = (
        Booking.objects.filter(public_id=public_id, status=BookingStatus.CONFIRMED)
        .select_related("visit__request")
        .first()
    )
    if booking is None:
        raise Http404
    profiles = EngineerProfile.objects.select_related("user").filter(active=True)
    form = ReassignForm(request.POST, engineers=profiles)
    back = (
        reverse("console:board")
        + "?"
        + urlencode(
            {
                "date": request.POST.get("date", "")[:10]
                or booking.starts_at.astimezone(board_data.JST).date().isoformat(),
                "view": _view(request.POST.get("view", "")),
            }
        )
    )
    if not form.is_valid():
        messages.error(request, _("Choose an engineer to move the visit to."))
        return redirect(back)
    engineer = next(p.user for p in profiles if p.public_id == form.cleaned_data["engineer"])
    try:
        new = booking_reassign(
            booking=booking, engineer=engineer, by=request.user, reason=form.cleaned_data["reason"]
        )
    except GenbaError as error:
        messages.error(
            request,
            _("Not reassigned: %(reason)s") % {"reason": error.message},
        )
        return redirect(back)
    messages.success(
        request,
        _("%(request)s now goes to %(name)s.")
        % {
            "request": booking.visit.request.public_id,
            "name": new.engineer.get_full_name() or new.engineer.email,
        },
    )
    return redirect(back)
