"""The customer's sign-off on the engineer's phone: name, drawn or typed signature, time (JST)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import GenbaError
from genba.orders import actions
from genba.orders.sign_off import visit_sign_off_signed
from genba.web.access import role_required
from genba.web.errors import attach_problems
from genba.web.field import selectors
from genba.web.field.forms import JST, LOCAL_FORMAT, SignOffForm


@role_required(Role.ENGINEER)
def sign_off(request, public_id):
    # The crew is read for `visit_actions` (is this engineer on the visit).
    visit = selectors.get_visit_for(request.user, public_id, details=False)
    if request.method == "POST":
        form = SignOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit_sign_off_signed(
                    visit=visit,
                    by=request.user,
                    signer_name=data["signer_name"],
                    signed_at=data["signed_at"],
                    signature_png=data["signature"],
                    typed_signature=data["typed_signature"],
                )
            except GenbaError as error:
                attach_problems(form, error)
            else:
                messages.success(request, _("Signed off. Thank you."))
                return redirect("field:visit", public_id=visit.public_id)
    else:
        now = clock.now().astimezone(JST)
        form = SignOffForm(initial={"signed_at": now.strftime(LOCAL_FORMAT)})
    context = {
        "visit": visit,
        "req": visit.request,
        "site": visit.request.site,
        "form": form,
        "signable": "sign_off" in actions.visit_actions(visit, request.user),
        "now": clock.now(),
        "nav": "visit",
    }
    return render(request, "field/sign_off.html", context)
