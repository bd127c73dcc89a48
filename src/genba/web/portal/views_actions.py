"""What a customer does on a request's page: submit, cancel, answer a proposal, sign off a visit,
attach and download files, see a proposed engineer's photo ID. Each calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from genba.accounts.models import Role
from genba.core.errors import GenbaError
from genba.dispatch import services as dispatch_services
from genba.dispatch.models import Proposal
from genba.dispatch.photo_ids import photo_id_for_viewer
from genba.orders import selectors as order_selectors
from genba.orders import services, visit_services
from genba.orders.attachments import attachment_add
from genba.orders.models import Attachment, Visit
from genba.web.access import role_required
from genba.web.errors import attach_problems
from genba.web.portal.forms import AttachmentForm, CancelForm, ReasonForm, SignOffForm
from genba.web.portal.views_requests import detail_context


def _target(request, public_id: str):
    return order_selectors.get_request_for(request.user, public_id, details=False)


def _back(public_id: str):
    return redirect("portal:request", public_id=public_id)


def _refused(request, public_id: str, error: GenbaError, form, key: str):
    """A refusal about a field goes next to it on the page shown again; one about the state of the
    request (no field) becomes a message over the page. Either way nothing changed."""
    if error.problems:
        attach_problems(form, error)
        return _page_with(request, public_id, **{key: form})
    messages.error(request, error.message)
    return _back(public_id)


def _page_with(request, public_id: str, **forms):
    """The request page again, with the failed form's errors beside its fields; nothing changed."""
    service_request = order_selectors.get_request_for(request.user, public_id)
    return render(
        request,
        "portal/request_detail.html",
        detail_context(request, service_request, **forms),
        status=400,
    )


@require_POST
@role_required(Role.CUSTOMER)
def submit(request, public_id: str):
    target = _target(request, public_id)
    try:
        services.request_submit(request=target, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request sent to the provider."))
    return _back(public_id)


@require_POST
@role_required(Role.CUSTOMER)
def cancel(request, public_id: str):
    target = _target(request, public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page_with(request, public_id, cancel=form)
    try:
        services.request_cancel(request=target, by=request.user, reason=form.cleaned_data["reason"])
    except GenbaError as error:
        return _refused(request, public_id, error, form, "cancel")
    messages.success(request, _("Request cancelled."))
    return _back(public_id)


def _proposal(request, public_id: str, proposal_id: str) -> Proposal:
    return get_object_or_404(Proposal, request=_target(request, public_id), public_id=proposal_id)


@require_POST
@role_required(Role.CUSTOMER)
def proposal_approve(request, public_id: str, proposal_id: str):
    proposal = _proposal(request, public_id, proposal_id)
    try:
        dispatch_services.proposal_approve(proposal=proposal, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(request, _("Proposal approved: the visit is booked."))
    return _back(public_id)


@require_POST
@role_required(Role.CUSTOMER)
def proposal_decline(request, public_id: str, proposal_id: str):
    proposal = _proposal(request, public_id, proposal_id)
    key = f"decline_{proposal.public_id}"
    form = ReasonForm(request.POST, prefix=f"p-{proposal.public_id}")
    if not form.is_valid():
        return _page_with(request, public_id, **{key: form})
    try:
        dispatch_services.proposal_decline(
            proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
        )
    except GenbaError as error:
        return _refused(request, public_id, error, form, key)
    messages.success(request, _("Proposal declined: the coordinator will come back to you."))
    return _back(public_id)


@require_POST
@role_required(Role.CUSTOMER)
def visit_sign_off(request, public_id: str, visit_id: str):
    visit = get_object_or_404(Visit, request=_target(request, public_id), public_id=visit_id)
    key = f"signoff_{visit.public_id}"
    form = SignOffForm(request.POST, prefix=f"v-{visit.public_id}")
    if not form.is_valid():
        return _page_with(request, public_id, **{key: form})
    try:
        visit_services.visit_sign_off(
            visit=visit, by=request.user, signer_name=form.cleaned_data["signer_name"]
        )
    except GenbaError as error:
        return _refused(request, public_id, error, form, key)
    messages.success(request, _("Visit signed off. Thank you."))
    return _back(public_id)


@require_POST
@role_required(Role.CUSTOMER)
def attachment_upload(request, public_id: str):
    target = _target(request, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page_with(request, public_id, attachment=form)
    try:
        attachment = attachment_add(
            request=target,
            by=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
    except GenbaError as error:
        return _refused(request, public_id, error, form, "attachment")
    messages.success(request, _("“%(name)s” attached.") % {"name": attachment.original_name})
    return _back(public_id)


@require_GET
@role_required(Role.CUSTOMER)
def attachment_download(request, public_id: str, attachment_id: str):
    attachment = Attachment.objects.filter(
        request=_target(request, public_id), public_id=attachment_id
    ).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.CUSTOMER)
def photo_id(request, public_id: str, proposal_id: str, engineer_id: str):
    """Served inline to the page's <img>; photo_id_for_viewer checks the rule and logs the view."""
    profile = photo_id_for_viewer(
        viewer=request.user,
        request=_target(request, public_id),
        proposal_id=proposal_id,
        engineer_id=engineer_id,
    )
    response = FileResponse(profile.photo_id.open("rb"), content_type=profile.photo_id_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
