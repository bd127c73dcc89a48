"""One visit on the engineer's phone: everything needed at the door, and the steps of the day.

Each action calls one service; a refusal is shown and nothing changes (the service rolls back).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from genba.accounts.models import Role
from genba.core import clock
from genba.core.clock import JST
from genba.core.errors import GenbaError, ValidationFailed
from genba.orders import actions, expense_reads, visit_services
from genba.orders.expenses import visit_expense_add, visit_expense_remove
from genba.orders.visit_notes import visit_note_add
from genba.web.access import role_required
from genba.web.errors import attach_problems
from genba.web.field import selectors
from genba.web.field.forms import ExpenseForm, NoAccessForm, NoteForm, PhotoForm

# The steps a button may ask for: the URL's slug, the action name in `visit_actions`, the service,
# and the message once it is recorded.
STEPS = {
    "en-route": (
        "en_route",
        visit_services.visit_en_route,
        lambda: _("On your way: recorded."),
    ),
    "arrive": (
        "arrive",
        visit_services.visit_arrive,
        lambda: _("Arrival recorded. The customer and the remote engineer are told."),
    ),
    "start-work": (
        "start_work",
        visit_services.visit_start_work,
        lambda: _("Work started: recorded."),
    ),
}
# Every state a step starts from (released, en route, on site).
STEP_SOURCES = set().union(*actions.STEP_FROM.values())


def _steps_now(visit, user) -> dict:
    """The buttons the visit offers now: exactly `visit_actions`, which the services guard with.
    When the day's steps are not open yet, the moment they open (rulebook §3), so that the page
    says "On my way from 07:00" instead of offering a button that would be refused."""
    now = clock.now()
    allowed = actions.visit_actions(visit, user, now=now)
    request = visit.request
    opens = None
    if (
        request.status in actions.RUNNING
        and visit.status in STEP_SOURCES
        and not actions.step_is_due(visit, request.policy, now)
    ):
        opens = actions.en_route_opens_at(visit, request.policy)
    return {
        "running": request.status in actions.RUNNING,
        "allowed": allowed,
        "opens": opens,
        "opens_today": opens is not None
        and opens.astimezone(JST).date() == now.astimezone(JST).date(),
        **{name: name in allowed for name in actions.VISIT_ACTIONS},
    }


def _refused(request, visit, error):
    """A state refusal (the visit moved on meanwhile): say why on the page as it now is."""
    messages.error(request, error.message)
    return redirect("field:visit", public_id=visit.public_id)


def _page(
    request,
    visit,
    *,
    note_form=None,
    photo_form=None,
    no_access_form=None,
    expense_form=None,
    status=200,
):
    expenses = expense_reads.list_expenses(request.user, visit)
    context = {
        "visit": visit,
        "req": visit.request,
        "site": visit.request.site,
        "map_url": selectors.map_url(visit.request.site),
        "steps": _steps_now(visit, request.user),
        "note_form": note_form or NoteForm(),
        "photo_form": photo_form or PhotoForm(),
        "no_access_form": no_access_form or NoAccessForm(),
        "expense_form": expense_form or ExpenseForm(),
        # The engineer's own expenses with their status and whether each may still be removed.
        "expenses": [
            (e, "remove" in actions.expense_actions(e, request.user, visit=visit)) for e in expenses
        ],
        "nav": "visit",
    }
    return render(request, "field/visit.html", context, status=status)


@role_required(Role.ENGINEER)
@require_GET
def visit_detail(request, public_id):
    return _page(request, selectors.get_visit_for(request.user, public_id))


@role_required(Role.ENGINEER)
@require_POST
def visit_step(request, public_id, step):
    if step not in STEPS:
        raise Http404
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    service, done = STEPS[step][1:]
    try:
        service(visit=visit, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done())
    return redirect("field:visit", public_id=visit.public_id)


@role_required(Role.ENGINEER)
@require_POST
def visit_no_access(request, public_id):
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    form = NoAccessForm(request.POST)
    if form.is_valid():
        try:
            visit_services.visit_no_access(
                visit=visit, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            attach_problems(form, error)
        except GenbaError as error:
            return _refused(request, visit, error)
        else:
            messages.success(request, _("No access recorded. The coordinator is told."))
            return redirect("field:visit", public_id=visit.public_id)
    return _page(request, selectors.get_visit_for(request.user, public_id), no_access_form=form)


@role_required(Role.ENGINEER)
@require_POST
def visit_note(request, public_id):
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            visit_note_add(visit=visit, by=request.user, text=form.cleaned_data["text"])
        except ValidationFailed as error:
            attach_problems(form, error)
        except GenbaError as error:
            return _refused(request, visit, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("field:visit", public_id=visit.public_id)
    return _page(request, selectors.get_visit_for(request.user, public_id), note_form=form)


@role_required(Role.ENGINEER)
@require_POST
def visit_photo(request, public_id):
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # The visit's rule (not cancelled, not billed), then the request's files.
            visit_services.visit_photo_add(
                visit=visit, by=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationFailed as error:
            attach_problems(form, error)
        except GenbaError as error:
            return _refused(request, visit, error)
        else:
            messages.success(request, _("Photo added to the request."))
            return redirect("field:visit", public_id=visit.public_id)
    return _page(request, selectors.get_visit_for(request.user, public_id), photo_form=form)


@role_required(Role.ENGINEER)
@require_POST
def visit_expense(request, public_id):
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            visit_expense_add(
                visit=visit,
                by=request.user,
                description=form.cleaned_data["description"],
                amount=form.cleaned_data["amount"],
                receipt=form.cleaned_data["receipt"],
            )
        except ValidationFailed as error:
            attach_problems(form, error)
        except GenbaError as error:
            return _refused(request, visit, error)
        else:
            messages.success(request, _("Expense sent for approval."))
            return redirect(reverse("field:visit", args=[visit.public_id]) + "#expenses")
    return _page(
        request, selectors.get_visit_for(request.user, public_id), expense_form=form, status=422
    )


@role_required(Role.ENGINEER)
@require_POST
def expense_remove(request, public_id, expense_id):
    visit = expense_reads.get_expense_visit(request.user, public_id)
    expense = expense_reads.get_expense(request.user, visit, expense_id)
    try:
        visit_expense_remove(expense=expense, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Expense removed."))
    return redirect(reverse("field:visit", args=[visit.public_id]) + "#expenses")


@role_required(Role.ENGINEER)
@require_GET
def expense_receipt(request, public_id, expense_id):
    visit = expense_reads.get_expense_visit(request.user, public_id)
    return expense_reads.receipt_response(
        expense_reads.get_receipt(request.user, visit, expense_id)
    )


@role_required(Role.ENGINEER)
@require_GET
def attachment_download(request, public_id, attachment_id):
    attachment = selectors.get_attachment_for(request.user, public_id, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
