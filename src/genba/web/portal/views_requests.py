"""The requests list (the portal's home) and a request's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language

from genba.accounts.models import Role
from genba.core import clock
from genba.orders import actions
from genba.orders import selectors as order_selectors
from genba.orders.models import CLOSED_STATUSES, RequestStatus
from genba.orders.pricing_bridge import quote_for
from genba.pricing.engine import PricingError
from genba.web.access import role_required
from genba.web.portal import selectors
from genba.web.portal.forms import (
    AttachmentForm,
    CancelForm,
    ReasonForm,
    RequestFilterForm,
    SignOffForm,
)
from genba.web.portal.request_form import field_anchor

# Statuses whose estimate is still a plan; afterwards the invoice is what counts.
ESTIMATED = set(RequestStatus) - CLOSED_STATUSES - {RequestStatus.INVOICED}
CHECKED = selectors.CHECKED


@role_required(Role.CUSTOMER)
def home(request):
    form = RequestFilterForm(request.GET or None)
    status = q = ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    qs = selectors.request_list(request.user, status=status, q=q)
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/home.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.list_rows(page.object_list),
            "filtered": bool(status or q),
            "query": params.urlencode(),
            "nav": "requests",
        },
    )


def _estimate(service_request):
    if service_request.status not in ESTIMATED:
        return None
    if not any(v.scheduled_start for v in service_request.visits.all()):
        return None
    try:
        return quote_for(service_request, estimate=True)
    except PricingError:
        return None  # the findings already name the value that cannot be priced


def detail_context(request, service_request, **forms) -> dict:
    """Everything the request page shows; `forms` replaces a blank form with a bound one that
    failed, so its errors appear next to its fields. Its buttons are the customer's
    `allowed_actions` and `visit_actions`: a button shown is an action that succeeds."""
    user = request.user
    language = (get_language() or "en")[:2]
    findings = order_selectors.request_findings(service_request)
    allowed = actions.allowed_actions(service_request, user, findings=findings)
    status = service_request.status
    now = clock.now()
    visits = [
        {
            "visit": v,
            "number": n,
            "engineers": [e.get_full_name() or e.email for e in v.assigned_engineers.all()],
            "signable": "sign_off" in actions.visit_actions(v, user, now=now),
            "movable": "ask_change" in actions.visit_actions(v, user, now=now),
            "form": forms.get(f"signoff_{v.public_id}")
            or SignOffForm(
                prefix=f"v-{v.public_id}", initial={"signer_name": user.get_full_name()}
            ),
        }
        for n, v in enumerate(service_request.visits.all(), start=1)
    ]
    proposals = selectors.proposal_rows(service_request)
    for row in proposals:
        key = f"decline_{row['proposal'].public_id}"
        row["decline_form"] = forms.get(key) or ReasonForm(prefix=f"p-{row['proposal'].public_id}")
    return {
        "sr": service_request,
        "site": service_request.site,
        "findings": [
            {
                "finding": f,
                "message": f.message(language),
                "anchor": field_anchor(f.field),
            }
            for f in findings
        ],
        "errors": sum(f.severity == "error" for f in findings),
        "show_findings": status in CHECKED,
        "actions": allowed,
        "open_proposal": actions.open_proposal(service_request),
        "cancel_charged": status in actions.CANCELLABLE_CHARGED,
        "cancel_form": forms.get("cancel") or CancelForm(),
        "attachment_form": forms.get("attachment") or AttachmentForm(),
        "visits": visits,
        "proposals": proposals,
        "timeline": selectors.timeline(service_request, user.organization_id),
        "invoices": selectors.request_invoices(user, service_request),
        "estimate": _estimate(service_request),
        "nav": "requests",
    }


@role_required(Role.CUSTOMER)
def detail(request, public_id: str):
    service_request = order_selectors.get_request_for(request.user, public_id)
    return render(request, "portal/request_detail.html", detail_context(request, service_request))
