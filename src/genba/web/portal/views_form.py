"""The request form (new and edit) and its live side panel: findings and estimate as typed."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.core.errors import GenbaError, ValidationFailed
from genba.orders import actions, services
from genba.orders import selectors as order_selectors
from genba.orders.inputs import RequestIn
from genba.orders.preview import request_preview
from genba.web.access import role_required
from genba.web.portal.request_form import RequestFormBundle, initial_from_request


def _panel(request, bundle: RequestFormBundle, data: RequestIn | None, service_request=None):
    """The side panel's context: the preview of what validated so far, never saved."""
    language = (get_language() or "en")[:2]
    if data is None:
        data = RequestIn.model_validate(_safe_payload(bundle))
    try:
        preview = request_preview(by=request.user, data=data, request=service_request)
    except ValidationFailed as error:
        return {"preview": None, "preview_error": error.message}
    findings = [
        {"finding": f, "message": f.message(language), "anchor": bundle.anchor(f.field)}
        for f in preview.findings
    ]
    return {
        "preview": preview,
        "preview_findings": findings,
        "preview_errors": sum(f.severity == "error" for f in preview.findings),
        "preview_warnings": sum(f.severity == "warning" for f in preview.findings),
        "form_has_errors": bundle.has_errors(),
    }


def _safe_payload(bundle: RequestFormBundle) -> dict:
    """What validated, minus whatever RequestIn still refuses: the panel always shows something."""
    payload = bundle.payload()
    try:
        RequestIn.model_validate(payload)
    except Exception:  # noqa: BLE001 - a bad value is shown next to its field, not here
        return {k: v for k, v in payload.items() if k in ("title",)}
    return payload


def _edit_actions(request, service_request) -> set[str]:
    """What the form offers: a new request is saved as a draft or submitted; an existing one as
    its `allowed_actions` say (submitted or proposed: saved only, it is with the provider)."""
    if service_request is None:
        return {"edit", "submit"}
    return actions.allowed_actions(service_request, request.user)


def _render_form(request, bundle, service_request=None, *, status=200):
    bundle.is_valid()
    data = bundle.to_input() if bundle.main.is_bound else None
    context = {
        "bundle": bundle,
        "form": bundle.main,
        "sr": service_request,
        "actions": _edit_actions(request, service_request),
        # Rulebook §3: a change while a proposal is open withdraws it; the page says so first.
        "open_proposal": actions.open_proposal(service_request) if service_request else None,
        "nav": "edit" if service_request else "new",
        **_panel(request, bundle, data, service_request),
    }
    return render(request, "portal/request_form.html", context, status=status)


def _save(request, bundle: RequestFormBundle, service_request=None):
    """Create or change the request; with "submit", send it on too. None when refused."""
    if not bundle.is_valid():
        return None
    data = bundle.to_input()
    if data is None:
        return None
    offered = _edit_actions(request, service_request)
    withdrawn = service_request is not None and actions.open_proposal(service_request)
    try:
        if service_request is None:
            saved = services.request_create(by=request.user, data=data)
        else:
            saved = services.request_update(request=service_request, by=request.user, data=data)
    except GenbaError as error:
        bundle.attach(error)
        return None
    if withdrawn:
        messages.warning(
            request,
            _(
                "Changes to %(id)s saved. The open proposal was withdrawn: the coordinator "
                "will propose again for the changed request."
            )
            % {"id": saved.public_id},
        )
        return saved
    if "submit" not in offered:
        # Already with the provider (submitted): the change is seen there, nothing to send.
        messages.success(
            request,
            _("Changes to %(id)s saved; the coordinator sees them.") % {"id": saved.public_id},
        )
        return saved
    if request.POST.get("action") == "submit":
        try:
            services.request_submit(request=saved, by=request.user)
        except GenbaError as error:
            messages.error(request, _("Saved as a draft, but not sent: %s") % error.message)
        else:
            messages.success(
                request, _("Request %(id)s sent to the provider.") % {"id": saved.public_id}
            )
            return saved
    messages.success(request, _("Draft %(id)s saved.") % {"id": saved.public_id})
    return saved


@role_required(Role.CUSTOMER)
def new(request):
    if request.method == "POST":
        bundle = RequestFormBundle(request.POST)
        saved = _save(request, bundle)
        if saved is not None:
            return redirect("portal:request", public_id=saved.public_id)
        return _render_form(request, bundle, status=400)
    return _render_form(request, RequestFormBundle())


@role_required(Role.CUSTOMER)
def edit(request, public_id: str):
    service_request = order_selectors.get_request_for(request.user, public_id)
    if "edit" not in actions.allowed_actions(service_request, request.user):
        messages.error(request, _("This request can no longer be changed."))
        return redirect("portal:request", public_id=public_id)
    if request.method == "POST":
        bundle = RequestFormBundle(request.POST)
        saved = _save(request, bundle, service_request)
        if saved is not None:
            return redirect("portal:request", public_id=saved.public_id)
        return _render_form(request, bundle, service_request, status=400)
    initial, rows = initial_from_request(service_request)
    return _render_form(request, RequestFormBundle(initial=initial, rows=rows), service_request)


def _preview_response(request, service_request=None):
    bundle = RequestFormBundle(request.POST)
    bundle.is_valid()
    data = bundle.to_input()
    context = {"bundle": bundle, **_panel(request, bundle, data, service_request)}
    return render(request, "portal/_preview.html", context)


@require_POST
@role_required(Role.CUSTOMER)
def preview_new(request):
    return _preview_response(request)


@require_POST
@role_required(Role.CUSTOMER)
def preview_edit(request, public_id: str):
    service_request = order_selectors.get_request_for(request.user, public_id)
    return _preview_response(request, service_request)
