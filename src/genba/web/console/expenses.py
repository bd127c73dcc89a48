"""Expenses on the console's request page: record one (approved at once: the coordinator books
and pays), approve, reject or remove what engineers recorded, open a receipt.

Thin views: each POST calls one service of orders.expenses; the buttons shown are exactly
orders.actions.expense_actions. Routes: urls_expenses.py (namespace console-expenses).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from genba.accounts.models import Role
from genba.core.bounds import MAX_YEN, multi_line_validator, single_line_validator
from genba.core.errors import GenbaError
from genba.orders import actions, expense_reads, selectors
from genba.orders import expenses as expense_services
from genba.orders.models import VisitExpense
from genba.web.access import role_required
from genba.web.errors import attach_problems

STAFF = actions.STAFF


class ExpenseForm(forms.Form):
    visit = forms.ChoiceField(label=gettext_lazy("Visit"))
    description = forms.CharField(
        label=gettext_lazy("What"),
        max_length=200,
        validators=[single_line_validator(200)],
        help_text=gettext_lazy("E.g. Shinkansen Tokyo–Shin-Osaka (return), hotel 1 night."),
    )
    amount = forms.IntegerField(
        label=gettext_lazy("Amount (yen, tax excluded)"), min_value=1, max_value=MAX_YEN
    )
    receipt = forms.FileField(
        label=gettext_lazy("Receipt"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=gettext_lazy("Optional: JPEG, PNG or PDF."),
    )

    def __init__(self, *args, visits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].choices = [
            (v.public_id, _("Visit %(n)s") % {"n": n}) for n, v in visits
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it rejected?"),
        validators=[multi_line_validator(2000)],
        max_length=2000,
    )


def expense_rows(sr, user) -> list[dict]:
    """Every expense of the request's visits, each with its visit's number and what `user` may
    do on it; one query whatever the number (the visits are the prefetched ones)."""
    visits = {v.pk: (n, v) for n, v in enumerate(sr.visits.all(), start=1)}
    rows = []
    found = (
        VisitExpense.objects.filter(visit__request=sr)
        .select_related("recorded_by", "decided_by")
        .order_by("recorded_at", "id")
    )
    for expense in found:
        number, visit = visits[expense.visit_id]
        expense.visit = visit
        rows.append(
            {
                "expense": expense,
                "number": number,
                "actions": actions.expense_actions(expense, user, visit=visit),
                "reject_form": RejectForm(prefix=f"rj-{expense.public_id}"),
            }
        )
    return rows


def expense_context(sr, user, form=None) -> dict:
    rows = expense_rows(sr, user)
    numbered = [
        (n, v)
        for n, v in enumerate(sr.visits.all(), start=1)
        if "add_expense" in actions.visit_actions(v, user)
    ]
    return {
        "expense_rows": rows,
        "expense_pending": sum(1 for r in rows if r["expense"].status == "pending"),
        "expense_form": (form or ExpenseForm(visits=numbered)) if numbered else None,
    }


def _back(sr):
    return redirect(f"{_request_url(sr)}#expenses")


def _request_url(sr) -> str:
    from django.urls import reverse

    return reverse("console:request", kwargs={"public_id": sr.public_id})


def _request_and_expense(request, public_id, expense_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    expense = (
        VisitExpense.objects.filter(visit__request=sr, public_id=expense_id)
        .select_related("visit")
        .first()
    )
    if expense is None:
        raise Http404
    return sr, expense


@require_POST
@role_required(*STAFF)
def expense_add(request, public_id):
    from genba.web.console.views_requests import _page

    sr = selectors.get_request_for(request.user, public_id)
    numbered = list(enumerate(sr.visits.all(), start=1))
    form = ExpenseForm(request.POST, request.FILES, visits=numbered)
    if form.is_valid():
        visit = next(v for _n, v in numbered if v.public_id == form.cleaned_data["visit"])
        try:
            expense_services.visit_expense_add(
                visit=visit,
                by=request.user,
                description=form.cleaned_data["description"],
                amount=form.cleaned_data["amount"],
                receipt=form.cleaned_data["receipt"],
            )
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("The expense was recorded and approved."))
            return _back(sr)
    return _page(request, sr, forms={"expense": form}, status=422)


def _decide(request, public_id, expense_id, call, success):
    sr, expense = _request_and_expense(request, public_id, expense_id)
    try:
        call(expense)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return _back(sr)


@require_POST
@role_required(*STAFF)
def expense_approve(request, public_id, expense_id):
    return _decide(
        request,
        public_id,
        expense_id,
        lambda e: expense_services.visit_expense_approve(expense=e, by=request.user),
        _("The expense was approved: it will be invoiced at cost."),
    )


@require_POST
@role_required(*STAFF)
def expense_reject(request, public_id, expense_id):
    form = RejectForm(request.POST, prefix=f"rj-{expense_id}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(
        request,
        public_id,
        expense_id,
        lambda e: expense_services.visit_expense_reject(expense=e, by=request.user, reason=reason),
        _("The expense was rejected: it will not be invoiced."),
    )


@require_POST
@role_required(*STAFF)
def expense_remove(request, public_id, expense_id):
    return _decide(
        request,
        public_id,
        expense_id,
        lambda e: expense_services.visit_expense_remove(expense=e, by=request.user),
        _("The expense was removed."),
    )


@require_GET
@role_required(Role.COORDINATOR, Role.ADMIN, Role.BILLING)
def expense_receipt(request, public_id, expense_id):
    sr, expense = _request_and_expense(request, public_id, expense_id)
    if not expense_reads.sees_receipt(request.user, expense):
        raise Http404
    return expense_reads.receipt_response(expense)
