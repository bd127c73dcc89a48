"""The console's page of changes after approval for one request (issue 13 item 5): the customer's
asks to move a visit (confirm, or decline with a reason) and one engineer more or fewer on the
request's visit ahead. Every button comes from `visit_actions` / `change_actions`; a refusal shows
under its form and changes nothing. Routes: urls_changes.py (namespace console-changes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from genba.core.bounds import single_line_validator
from genba.core.errors import GenbaError
from genba.dispatch.models import EngineerProfile
from genba.dispatch.reassign import visit_engineer_add, visit_engineer_remove
from genba.orders import actions, selectors
from genba.orders.models import Visit, VisitChange
from genba.orders.visit_changes import change_actions, visit_change_confirm, visit_change_decline
from genba.web.access import role_required
from genba.web.errors import attach_problems


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the change is declined"),
        max_length=500,
        validators=[single_line_validator(500)],
    )


class EngineerForm(forms.Form):
    engineer_id = forms.ChoiceField(label=gettext_lazy("Engineer"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        required=False,
        validators=[single_line_validator(500)],
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer_id"].choices = choices


def _profiles():
    return list(
        EngineerProfile.objects.filter(active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def _page(request, sr, *, forms_given=None, status=200):
    forms_given = forms_given or {}
    user = request.user
    profiles = _profiles()
    by_user = {p.user_id: p for p in profiles}
    visits = []
    for n, visit in enumerate(sr.visits.all(), start=1):
        allowed = actions.visit_actions(visit, user)
        crew = list(visit.assigned_engineers.all())
        crew_ids = {e.pk for e in crew}
        row = {"visit": visit, "number": n, "crew": crew, "actions": allowed}
        if "add_engineer" in allowed:
            row["add_form"] = forms_given.get(f"add_{visit.public_id}") or EngineerForm(
                prefix=f"add-{visit.public_id}",
                choices=[(p.public_id, str(p)) for p in profiles if p.user_id not in crew_ids],
            )
        if "remove_engineer" in allowed:
            row["removable"] = [(e, by_user[e.pk].public_id) for e in crew if e.pk in by_user]
        visits.append(row)
    changes = []
    for change in (
        VisitChange.objects.filter(visit__request=sr)
        .select_related("visit")
        .order_by("-requested_at", "-id")
    ):
        change.visit.request = sr
        allowed = change_actions(change, user)
        changes.append(
            {
                "change": change,
                "actions": allowed,
                "decline_form": forms_given.get(f"decline_{change.public_id}")
                or DeclineForm(prefix=f"dc-{change.public_id}"),
            }
        )
    context = {"sr": sr, "nav": "inbox", "visits": visits, "changes": changes}
    return render(request, "console/changes.html", context, status=status)


@role_required(*actions.STAFF)
def changes(request, public_id):
    return _page(request, selectors.get_request_for(request.user, public_id))


def _done(request, sr, message):
    messages.success(request, message)
    return redirect("console-changes:page", public_id=sr.public_id)


def _refused(request, public_id, form, key, error):
    attach_problems(form, error)
    messages.error(request, error.message)
    sr = selectors.get_request_for(request.user, public_id)
    return _page(request, sr, forms_given={key: form}, status=422)


def _change(sr, change_id) -> VisitChange:
    change = (
        VisitChange.objects.select_related("visit")
        .filter(visit__request=sr, public_id=change_id)
        .first()
    )
    if change is None:
        raise Http404
    return change


@require_POST
@role_required(*actions.STAFF)
def confirm(request, public_id, change_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    try:
        visit_change_confirm(change=_change(sr, change_id), by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
        return redirect("console-changes:page", public_id=sr.public_id)
    return _done(request, sr, _("The visit was moved as the customer asked."))


@require_POST
@role_required(*actions.STAFF)
def decline(request, public_id, change_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    change = _change(sr, change_id)
    form = DeclineForm(request.POST, prefix=f"dc-{change.public_id}")
    key = f"decline_{change.public_id}"
    if not form.is_valid():
        return _page(
            request,
            selectors.get_request_for(request.user, public_id),
            forms_given={key: form},
            status=422,
        )
    try:
        visit_change_decline(change=change, by=request.user, reason=form.cleaned_data["reason"])
    except GenbaError as error:
        return _refused(request, public_id, form, key, error)
    return _done(request, sr, _("The change was declined; the customer is told why."))


def _visit(sr, visit_id) -> Visit:
    visit = Visit.objects.filter(request=sr, public_id=visit_id).first()
    if visit is None:
        raise Http404
    return visit


@require_POST
@role_required(*actions.STAFF)
def engineer_add(request, public_id, visit_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    visit = _visit(sr, visit_id)
    profiles = {p.public_id: p.user for p in _profiles()}
    form = EngineerForm(
        request.POST,
        prefix=f"add-{visit.public_id}",
        choices=[(pid, str(u)) for pid, u in profiles.items()],
    )
    key = f"add_{visit.public_id}"
    if form.is_valid():
        try:
            visit_engineer_add(
                visit=visit,
                engineer=profiles[form.cleaned_data["engineer_id"]],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except GenbaError as error:
            return _refused(request, public_id, form, key, error)
        return _done(request, sr, _("The engineer was added to the visit."))
    return _page(
        request,
        selectors.get_request_for(request.user, public_id),
        forms_given={key: form},
        status=422,
    )


@require_POST
@role_required(*actions.STAFF)
def engineer_remove(request, public_id, visit_id, engineer_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    visit = _visit(sr, visit_id)
    profile = EngineerProfile.objects.select_related("user").filter(public_id=engineer_id).first()
    if profile is None:
        raise Http404
    try:
        visit_engineer_remove(visit=visit, engineer=profile.user, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
        return redirect("console-changes:page", public_id=sr.public_id)
    return _done(request, sr, _("The engineer was taken off the visit."))
