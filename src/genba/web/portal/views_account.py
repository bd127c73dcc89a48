"""Invoices, the coverage table and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from genba.accounts import services as accounts
from genba.accounts.models import ApiToken, Role
from genba.billing.pdf import render_invoice_pdf
from genba.billing.selectors import get_invoice_for, invoices_visible_to
from genba.core.errors import GenbaError
from genba.orders.editing import active_contract_for
from genba.sites.models import CoverageZone
from genba.web.access import role_required
from genba.web.errors import attach_problems
from genba.web.portal.forms import TokenForm

DAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
NEW_TOKEN_KEY = "portal_new_token"


@require_GET
@role_required(Role.CUSTOMER)
def invoices(request):
    qs = invoices_visible_to(request.user).order_by("-issue_date", "-number")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "portal/invoices.html", {"page": page, "nav": "invoices"})


@require_GET
@role_required(Role.CUSTOMER)
def invoice_pdf(request, public_id: str):
    invoice = get_invoice_for(request.user, public_id)
    language = request.GET.get("language") or (get_language() or "ja")
    pdf = render_invoice_pdf(invoice, "en" if language.startswith("en") else "ja")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.CUSTOMER)
def coverage(request):
    try:
        contract = active_contract_for(request.user.organization)
    except GenbaError as error:
        return render(
            request, "portal/coverage.html", {"no_contract": error.message, "nav": "coverage"}
        )
    policy = contract.policy
    zones = list(CoverageZone.objects.filter(policy=policy).prefetch_related("areas"))
    return render(
        request,
        "portal/coverage.html",
        {
            "contract": contract,
            "policy": policy,
            "zones": zones,
            "business_days": ", ".join(str(DAYS[d]) for d in sorted(policy.business_days)),
            "nav": "coverage",
        },
    )


def _tokens_page(request, form, *, status=200):
    own = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "portal/tokens.html",
        {
            "tokens": list(own),
            "form": form,
            "new_token": request.session.pop(NEW_TOKEN_KEY, None),
            "nav": "tokens",
        },
        status=status,
    )


@role_required(Role.CUSTOMER)
def token_list(request):
    if request.method == "POST":
        form = TokenForm(request.POST)
        if not form.is_valid():
            return _tokens_page(request, form, status=400)
        try:
            token, raw = accounts.token_create(
                user=request.user, by=request.user, name=form.cleaned_data["name"]
            )
        except GenbaError as error:
            attach_problems(form, error)
            return _tokens_page(request, form, status=400)
        # Shown on the next page only, then dropped: the raw value is never stored with the token.
        request.session[NEW_TOKEN_KEY] = {"raw": raw, "name": token.name}
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        return redirect("portal:tokens")
    return _tokens_page(request, TokenForm())


@require_POST
@role_required(Role.CUSTOMER)
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    try:
        accounts.token_revoke(token=token, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token %(hint)s… revoked.") % {"hint": token.hint})
    return redirect("portal:tokens")
