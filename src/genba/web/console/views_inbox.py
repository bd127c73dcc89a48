"""The coordinator's inbox: open requests by urgency, SLA risk and missing information."""

from __future__ import annotations

from django.shortcuts import render

from genba.accounts.models import Organization, OrganizationKind, Role
from genba.web.access import role_required
from genba.web.console import selectors
from genba.web.console.forms import InboxFilterForm

STAFF = (Role.COORDINATOR, Role.ADMIN)


@role_required(*STAFF)
def home(request):
    organizations = list(
        Organization.objects.filter(kind=OrganizationKind.CUSTOMER).order_by("name")
    )
    form = InboxFilterForm(request.GET or None, organizations=organizations)
    form.is_valid()
    sort = form.value("sort") or "urgency"
    rows, counts, total = selectors.inbox(
        request.user,
        status=form.value("status"),
        organization=form.value("customer"),
        search=form.value("q"),
        sort=sort,
    )
    return render(
        request,
        "console/inbox.html",
        {
            "form": form,
            "rows": rows,
            "counts": [(s, counts[s.value]) for s in selectors.INBOX_STATUSES],
            "total": total,
            "limited": total > len(rows),
            "sort": sort,
            "active_status": form.value("status"),
            "nav": "inbox",
        },
    )
