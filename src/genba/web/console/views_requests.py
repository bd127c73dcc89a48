"""One request as the coordinator works it: the checklist, asking the customer, calls, engineers
and proposals, release, decline or cancel, and the timeline."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.core.errors import GenbaError
from genba.dispatch import availability
from genba.dispatch import services as dispatch_services
from genba.dispatch.models import EngineerProfile, Proposal, ProposalStatus
from genba.orders import completeness, selectors
from genba.orders import services as order_services
from genba.orders.models import RequestStatus
from genba.orders.pricing_bridge import quote_for
from genba.orders.services import CANCELLABLE_CHARGED, CANCELLABLE_FREE
from genba.web.access import role_required
from genba.web.console.forms import (
    AskInfoForm,
    CallForm,
    OptionalReasonForm,
    ProposalForm,
    ReasonForm,
)
from genba.web.console.selectors import timeline
from genba.web.console.words import action_label, object_label
from genba.web.errors import attach_problems

STAFF = (Role.COORDINATOR, Role.ADMIN)
DECLINABLE = {RequestStatus.SUBMITTED, RequestStatus.INFO_REQUESTED, RequestStatus.PROPOSED}


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
    if sr.status != RequestStatus.SUBMITTED:
        return [], []
    return availability.search(sr)


def _page(request, sr, *, forms=None, status=200):
    """Render the request page; `forms` replaces a form with the bound one that was refused."""
    language = (translation.get_language() or "en")[:2]
    findings = selectors.request_findings(sr)
    available, unavailable = _candidates(sr)
    proposals = list(sr.proposals.all())
    open_proposal = next((p for p in proposals if p.status == ProposalStatus.OPEN), None)
    forms = forms or {}
    context = {
        "sr": sr,
        "nav": "inbox",
        "findings": [
            {"severity": f.severity, "code": f.code, "field": f.field, "text": f.message(language)}
            for f in findings
        ],
        "errors": sum(1 for f in findings if f.severity == completeness.ERROR),
        "visits": list(sr.visits.all()),
        "proposals": proposals,
        "open_proposal": open_proposal,
        "available": available,
        "unavailable": unavailable,
        "estimate": quote_for(sr, estimate=True) if sr.status == RequestStatus.SUBMITTED else None,
        "events": [
            {"event": e, "label": action_label(e), "object": object_label(e)} for e in timeline(sr)
        ],
        "can_ask": sr.status == RequestStatus.SUBMITTED,
        "can_propose": sr.status == RequestStatus.SUBMITTED,
        "can_release": sr.status == RequestStatus.APPROVED,
        "can_decline": sr.status in DECLINABLE,
        "can_cancel": sr.status in CANCELLABLE_FREE | CANCELLABLE_CHARGED,
        "cancel_charged": sr.status in CANCELLABLE_CHARGED,
        "can_call": sr.status
        not in {RequestStatus.PAID, RequestStatus.CANCELLED, RequestStatus.DECLINED},
        "ask_form": forms.get("ask") or AskInfoForm(initial={"message": ask_message(sr, findings)}),
        "call_form": forms.get("call") or CallForm(),
        "decline_form": forms.get("decline") or ReasonForm(prefix="decline"),
        "cancel_form": forms.get("cancel") or OptionalReasonForm(prefix="cancel"),
        "withdraw_form": forms.get("withdraw") or OptionalReasonForm(prefix="withdraw"),
        "proposal_form": forms.get("propose") or ProposalForm(candidates=available + unavailable),
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
        dispatch_services.proposal_create(
            request=sr, by=request.user, engineers=engineers, message=data["message"]
        )

    return _act(
        request,
        public_id,
        form,
        "propose",
        create,
        _("The proposal was sent to the customer."),
    )


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
