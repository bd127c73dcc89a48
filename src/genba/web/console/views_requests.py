"""One request as the coordinator works it: the checklist, asking the customer, calls, engineers
and proposals, release, decline or cancel, and the timeline."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.core import clock
from genba.core.clock import JST
from genba.core.errors import FieldProblem, GenbaError, ValidationFailed
from genba.dispatch import availability, reassign
from genba.dispatch import services as dispatch_services
from genba.dispatch.models import EngineerProfile, Proposal
from genba.orders import actions, completeness, selectors, visit_services
from genba.orders import services as order_services
from genba.orders.models import Visit
from genba.orders.pricing_bridge import quote_for
from genba.pricing.document import plain as plain_decimal
from genba.web.access import role_required
from genba.web.console.expenses import expense_context
from genba.web.console.forms import (
    LOCAL_FORMAT,
    AskInfoForm,
    CallForm,
    OptionalReasonForm,
    ProposalForm,
    ReasonForm,
    VisitReassignForm,
    VisitRescheduleForm,
)
from genba.web.console.selectors import timeline
from genba.web.console.words import action_label, object_label
from genba.web.errors import attach_problems

STAFF = actions.STAFF


def ask_message(sr, findings) -> str:
    """The message a coordinator sends with one click: what is missing, in the customer's language
    (the language of the user who placed the order)."""
    language = (getattr(sr.created_by, "language", "") or "en")[:2]
    missing = [f for f in findings if f.severity in (completeness.ERROR, completeness.WARNING)]
    with translation.override(language):
        lines = [_("Hello,"), ""]
        lines.append(
            _("Thank you for your request %(id)s. Before we can dispatch an engineer we need:")
            % {"id": sr.public_id}
        )
        lines += [f"- {f.message(language)}" for f in missing]
        lines += ["", _("Please complete the request in the portal and submit it again."), ""]
        lines.append(_("Best regards,"))
    return "\n".join(lines)


def _candidates(sr):
    """Ranked engineers for the proposal form, while the request waits for a proposal."""
    if sr.status not in actions.PROPOSABLE:
        return [], []
    return availability.search(sr)


def _blocked(sr, allowed, errors) -> dict:
    """Why a step the coordinator expects next is not offered, said where its button would be."""
    why = {}
    if sr.status in actions.PROPOSABLE and "propose" not in allowed and errors:
        why["propose"] = _(
            "No proposal while an error is open: the customer could not approve it. "
            "Ask the customer for what is missing, or record what was agreed on the phone."
        )
    if sr.status in actions.RELEASABLE and "release" not in allowed:
        reasons = []
        if errors:
            reasons.append(_("Open errors block the release."))
        if sr.policy.reference_required_before_release and not sr.reference:
            reasons.append(_("The policy needs the customer's reference before release."))
        why["release"] = " ".join(str(r) for r in reasons)
    return why


def _engineer_choices(candidates) -> list:
    """Choices for the reassign selects: the free and qualified first, ranked (closest, then least
    booked), then the others with why; the service refuses the ones it must."""
    available, unavailable = candidates
    free = []
    for c in available:
        travel = (
            _("%(minutes)s min away") % {"minutes": c.travel_minutes}
            if c.travel_minutes is not None
            else ""
        )
        free.append((c.profile.public_id, " · ".join(p for p in (str(c.profile), travel) if p)))
    others = [(c.profile.public_id, f"{c.profile} — {'; '.join(c.misses)}") for c in unavailable]
    choices = []
    if free:
        choices.append((_("Available"), free))
    if others:
        choices.append((_("Unavailable"), others))
    return choices


def _visit_rows(request, sr, forms) -> list[dict]:
    """Each visit with what the coordinator may do to it now and the forms for that."""
    now = clock.now()
    rows = [
        {"visit": v, "number": n, "actions": actions.visit_actions(v, request.user, now=now)}
        for n, v in enumerate(sr.visits.all(), start=1)
    ]
    choices = None
    if any("reassign" in row["actions"] for row in rows):
        # One search for the request (every visit's window): the ranking the proposal uses.
        choices = _engineer_choices(availability.search(sr))
        profile_ids = dict(
            EngineerProfile.objects.filter(
                user__in={e.pk for row in rows for e in row["visit"].assigned_engineers.all()}
            ).values_list("user_id", "public_id")
        )
    for row in rows:
        v, key, allowed = row["visit"], row["visit"].public_id, row["actions"]
        if "reassign" in allowed:
            form = forms.get(f"reassign_{key}")
            if form is None:
                crew = [profile_ids.get(e.pk, "") for e in v.assigned_engineers.all()]
                form = VisitReassignForm(
                    prefix=f"ra-{key}",
                    crew_size=sr.engineers,
                    initial={f"engineer_{i}": pid for i, pid in enumerate(crew)},
                )
            form.set_choices(choices)
            row["reassign_form"] = form
        if "reschedule" in allowed:
            try:
                start = v.scheduled_start.astimezone(JST) if v.scheduled_start else None
            except OverflowError:  # stored near the year 9999 (issue 11): the coordinator types it
                start = None
            row["reschedule_form"] = forms.get(f"reschedule_{key}") or VisitRescheduleForm(
                prefix=f"rs-{key}",
                initial={
                    "scheduled_start": start.strftime(LOCAL_FORMAT) if start else "",
                    "reserved_hours": v.reserved_hours,
                },
            )
        if "cancel" in allowed:
            row["cancel_form"] = forms.get(f"cancel_{key}") or ReasonForm(prefix=f"vc-{key}")
        if "undo_step" in allowed:
            row["undo_form"] = forms.get(f"undo_{key}") or ReasonForm(prefix=f"vu-{key}")
        row["changeable"] = bool(allowed & {"reassign", "reschedule", "cancel", "undo_step"})
        row["refused"] = any(
            row.get(name) is not None and row[name].errors
            for name in ("reassign_form", "reschedule_form", "cancel_form", "undo_form")
        )
    return rows


def _page(request, sr, *, forms=None, status=200):
    """Render the request page; `forms` replaces a form with the bound one that was refused.
    Every button comes from `allowed_actions` / `visit_actions`: one shown is one that succeeds."""
    language = (translation.get_language() or "en")[:2]
    findings = selectors.request_findings(sr)
    allowed = actions.allowed_actions(sr, request.user, findings=findings)
    errors = sum(1 for f in findings if f.severity == completeness.ERROR)
    available, unavailable = _candidates(sr) if "propose" in allowed else ([], [])
    proposals = list(sr.proposals.all())
    forms = forms or {}
    context = {
        "sr": sr,
        "nav": "inbox",
        "findings": [
            {"severity": f.severity, "code": f.code, "field": f.field, "text": f.message(language)}
            for f in findings
        ],
        "errors": errors,
        "actions": allowed,
        "blocked": _blocked(sr, allowed, errors),
        "visits": _visit_rows(request, sr, forms),
        "proposals": proposals,
        "open_proposal": actions.open_proposal(sr),
        "available": available,
        "unavailable": unavailable,
        "estimate": quote_for(sr, estimate=True) if "propose" in allowed else None,
        "events": [
            {"event": e, "label": action_label(e), "object": object_label(e)} for e in timeline(sr)
        ],
        "cancel_charged": sr.status in actions.CANCELLABLE_CHARGED,
        "ask_form": forms.get("ask") or AskInfoForm(initial={"message": ask_message(sr, findings)}),
        "call_form": forms.get("call") or CallForm(),
        "decline_form": forms.get("decline") or ReasonForm(prefix="decline"),
        "cancel_form": forms.get("cancel") or OptionalReasonForm(prefix="cancel"),
        "withdraw_form": forms.get("withdraw") or OptionalReasonForm(prefix="withdraw"),
        "proposal_form": forms.get("propose") or ProposalForm(candidates=available + unavailable),
        "travel_hint": _travel_hint(sr) if "propose" in allowed else "",
        **expense_context(sr, request.user, forms.get("expense")),
    }
    return render(request, "console/request.html", context, status=status)


@role_required(*STAFF)
def request_detail(request, public_id):
    return _page(request, selectors.get_request_for(request.user, public_id))


def _act(request, public_id, form, key, call, success):
    """Parse the form, call the one service, redirect; a refusal re-renders with the reason next to
    the field and changes nothing."""
    sr = selectors.get_request_for(request.user, public_id, details=False)
    if form.is_valid():
        try:
            call(sr, form.cleaned_data)
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, success)
            return redirect("console:request", public_id=sr.public_id)
    return _page(
        request, selectors.get_request_for(request.user, public_id), forms={key: form}, status=422
    )


@require_POST
@role_required(*STAFF)
def ask_info(request, public_id):
    return _act(
        request,
        public_id,
        AskInfoForm(request.POST),
        "ask",
        lambda sr, d: order_services.request_ask_info(
            request=sr, by=request.user, message=d["message"]
        ),
        _("The customer was asked for the missing information."),
    )


@require_POST
@role_required(*STAFF)
def record_call(request, public_id):
    return _act(
        request,
        public_id,
        CallForm(request.POST),
        "call",
        lambda sr, d: order_services.request_record_call(
            request=sr, by=request.user, note=d["note"]
        ),
        _("The call was recorded."),
    )


@require_POST
@role_required(*STAFF)
def decline(request, public_id):
    return _act(
        request,
        public_id,
        ReasonForm(request.POST, prefix="decline"),
        "decline",
        lambda sr, d: order_services.request_decline(
            request=sr, by=request.user, reason=d["reason"]
        ),
        _("The request was declined."),
    )


@require_POST
@role_required(*STAFF)
def cancel(request, public_id):
    return _act(
        request,
        public_id,
        OptionalReasonForm(request.POST, prefix="cancel"),
        "cancel",
        lambda sr, d: order_services.request_cancel(
            request=sr, by=request.user, reason=d["reason"]
        ),
        _("The request was cancelled."),
    )


@require_POST
@role_required(*STAFF)
def release(request, public_id):
    return _act(
        request,
        public_id,
        OptionalReasonForm(request.POST, prefix="release"),
        "release",
        lambda sr, d: order_services.request_release(request=sr, by=request.user),
        _("The request was released to the engineers."),
    )


@require_POST
@role_required(*STAFF)
def propose(request, public_id):
    sr = selectors.get_request_for(request.user, public_id)
    available, unavailable = _candidates(sr)
    form = ProposalForm(request.POST, candidates=available + unavailable)

    def create(sr, data):
        engineers = [
            p.user
            for p in EngineerProfile.objects.select_related("user").filter(
                public_id__in=data["engineers"]
            )
        ]
        travel = form.travel()
        if travel:
            first = (
                sr.visits.exclude(status="cancelled")
                .exclude(scheduled_start=None)
                .order_by("position", "id")
                .first()
            )
            travel[0]["visit"] = first.public_id if first else None
        try:
            dispatch_services.proposal_create(
                request=sr,
                by=request.user,
                engineers=engineers,
                message=data["message"],
                travel=travel,
            )
        except ValidationFailed as error:
            error.problems = [_travel_field(p) for p in error.problems]
            raise

    return _act(
        request,
        public_id,
        form,
        "propose",
        create,
        _("The proposal was sent to the customer."),
    )


def _travel_hint(sr) -> str:
    """How this request's travel is charged (docs/pricing.md "Travel"), next to the boxes."""
    from genba.dispatch.travel_estimate import zone_flat_fee

    fee = zone_flat_fee(sr)
    if fee is not None:
        return _(
            "The site's zone has a flat travel fee of ¥%(fee)s per visit: it is added by itself "
            "and replaces travel time. Costs are estimated at cost."
        ) % {"fee": f"{fee:,}"}
    rate = sr.policy.travel_time_rate
    if rate is not None:
        return _(
            "Travel time is charged at ¥%(rate)s per hour per engineer. Costs are estimated at cost."
        ) % {"rate": f"{rate:,}"}
    return _(
        "This policy charges no travel time: leave the hours empty. Costs are estimated at cost."
    )


def _travel_field(problem):
    """The service names travel[0].expenses[2].amount; the form has one box per kind."""
    found = re.match(r"travel\[0\]\.expenses\[(\d+)\]", problem.field)
    if found:
        line = int(found.group(1)) + 1
        message = _("Line %(n)s: %(message)s") % {"n": line, "message": problem.message}
        return FieldProblem("travel_costs", message, problem.code)
    if problem.field == "travel[0].hours":
        return FieldProblem("travel_hours", problem.message, problem.code)
    return problem


@require_POST
@role_required(*STAFF)
def withdraw(request, public_id, proposal_id):
    def call(sr, data):
        proposal = Proposal.objects.filter(request=sr, public_id=proposal_id).first()
        if proposal is None:
            raise Http404
        dispatch_services.proposal_withdraw(
            proposal=proposal, by=request.user, reason=data["reason"]
        )

    return _act(
        request,
        public_id,
        OptionalReasonForm(request.POST, prefix="withdraw"),
        "withdraw",
        call,
        _("The proposal was withdrawn."),
    )


# --- one visit of an approved or running request ----------------------------------------------


def _visit_act(request, public_id, visit_id, form, key, call, success, field_map=None):
    """As `_act`, for one visit of the request: a refusal is shown under the visit's form (the
    form's key names the visit) and changes nothing; a visit of another request is 404."""
    sr = selectors.get_request_for(request.user, public_id, details=False)
    visit = Visit.objects.filter(request=sr, public_id=visit_id).first()
    if visit is None:
        raise Http404
    if form.is_valid():
        try:
            changed = call(visit, form.cleaned_data)
        except GenbaError as error:
            attach_problems(form, error, field_map=field_map)
            messages.error(request, error.message)
        else:
            messages.success(request, success(changed))
            return redirect("console:request", public_id=sr.public_id)
    return _page(
        request,
        selectors.get_request_for(request.user, public_id),
        forms={f"{key}_{visit.public_id}": form},
        status=422,
    )


def _active_profiles():
    return EngineerProfile.objects.filter(active=True, user__is_active=True).select_related("user")


def _names(users) -> str:
    return ", ".join(u.get_full_name() or u.email for u in users)


@require_POST
@role_required(*STAFF)
def visit_reassign(request, public_id, visit_id):
    sr = selectors.get_request_for(request.user, public_id, details=False)
    profiles = {p.public_id: p.user for p in _active_profiles()}
    form = VisitReassignForm(
        request.POST,
        prefix=f"ra-{visit_id}",
        crew_size=sr.engineers,
        choices=[(pid, str(user)) for pid, user in profiles.items()],
    )
    chosen = []

    def call(visit, data):
        chosen[:] = [profiles[pid] for pid in form.engineer_ids()]
        return reassign.visit_reassign(
            visit=visit, engineers=chosen, by=request.user, reason=data["reason"]
        )

    return _visit_act(
        request,
        public_id,
        visit_id,
        form,
        "reassign",
        call,
        lambda visit: _("The visit now goes to %(names)s.") % {"names": _names(chosen)},
        # The crew's problems (count, fitness) belong next to the first select.
        field_map={"engineer_ids": "engineer_0"},
    )


@require_POST
@role_required(*STAFF)
def visit_reschedule(request, public_id, visit_id):
    form = VisitRescheduleForm(request.POST, prefix=f"rs-{visit_id}")

    def call(visit, data):
        return reassign.visit_reschedule(
            visit=visit,
            scheduled_start=data["scheduled_start"],
            reserved_hours=data["reserved_hours"],
            by=request.user,
            reason=data["reason"],
        )

    return _visit_act(
        request,
        public_id,
        visit_id,
        form,
        "reschedule",
        call,
        lambda visit: (
            _("The visit now starts %(when)s JST, for %(hours)s h.")
            % {
                "when": f"{visit.scheduled_start.astimezone(JST):%Y-%m-%d %H:%M}",
                "hours": format(plain_decimal(visit.reserved_hours), "f"),
            }
        ),
        # An engineer who is not free at the new time is a problem of that time.
        field_map={"engineer_ids": "scheduled_start"},
    )


@require_POST
@role_required(*STAFF)
def visit_cancel(request, public_id, visit_id):
    return _visit_act(
        request,
        public_id,
        visit_id,
        ReasonForm(request.POST, prefix=f"vc-{visit_id}"),
        "cancel",
        lambda visit, d: visit_services.visit_cancel(
            visit=visit, by=request.user, reason=d["reason"]
        ),
        lambda visit: _("The visit was cancelled; the other visits go on."),
    )


@require_POST
@role_required(*STAFF)
def visit_undo_step(request, public_id, visit_id):
    return _visit_act(
        request,
        public_id,
        visit_id,
        ReasonForm(request.POST, prefix=f"vu-{visit_id}"),
        "undo",
        lambda visit, d: visit_services.visit_undo_step(
            visit=visit, by=request.user, reason=d["reason"]
        ),
        lambda visit: (
            _("The last step was undone: the visit is %(status)s again.")
            % {"status": visit.get_status_display()}
        ),
    )
