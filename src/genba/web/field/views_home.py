"""The engineer's day: today's visits, the next two weeks, and what was recently finished."""

from __future__ import annotations

from django.shortcuts import render

from genba.accounts.models import Role
from genba.web.access import role_required
from genba.web.field import selectors


@role_required(Role.ENGINEER)
def home(request):
    day = selectors.engineer_day(request.user)
    return render(request, "field/home.html", {"day": day, "nav": "today"})
