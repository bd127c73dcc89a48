"""Each action name of orders.actions and the one service call that carries it out, and a way to
try a call and roll it back: shared by the walk over every state (test_actions.py) and the random
walk (test_state_machine.py)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404

from genba.accounts.models import Role
from genba.billing.services import invoice_issue
from genba.core import clock
from genba.core.errors import GenbaError
from genba.core.models import AuditEvent
from genba.dispatch import reassign
from genba.dispatch import services as dispatch
from genba.orders import services, visit_services
from genba.orders.attachments import attachment_add
from genba.orders.expenses import visit_expense_add
from genba.orders.inputs import RequestIn
from genba.orders.models import ServiceRequest, Visit
from genba.orders.selectors import with_details
from genba.orders.visit_changes import visit_change_request
from genba.orders.visit_notes import visit_note_add
from tests.orders.helpers import VISIT_START

REASON = "Asked by the customer on the phone."
# A free future time for reschedule: the day after, same hour (both engineers work then).
LATER = VISIT_START + timedelta(days=1)
# The smallest PNG attachment_add accepts (it checks the magic bytes).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class NoTarget(Exception):
    """The action has no object here (approve without any proposal): it cannot be taken."""


class Rollback(Exception):
    pass


def _png():
    return SimpleUploadedFile("photo.png", PNG, content_type="image/png")


def _proposal(request):
    found = request.proposals.filter(status="open").first() or request.proposals.last()
    if found is None:
        raise NoTarget
    return found


def _decline(request, user, w):
    # The customer declines the open proposal; the provider declines the order itself.
    if user.role == Role.CUSTOMER:
        return dispatch.proposal_decline(proposal=_proposal(request), by=user, reason=REASON)
    return services.request_decline(request=request, by=user, reason=REASON)


# Each action name and the one service call that carries it out. `w` names the people: `engineer`
# (proposed), `other_engineer` (reassigned to), and optionally `later` (rescheduled to).
REQUEST_CALLS = {
    "edit": lambda r, u, w: services.request_update(
        request=r, by=u, data=RequestIn(title="Replace the failed disk and the cable")
    ),
    "submit": lambda r, u, w: services.request_submit(request=r, by=u),
    "cancel": lambda r, u, w: services.request_cancel(request=r, by=u, reason=REASON),
    "approve": lambda r, u, w: dispatch.proposal_approve(proposal=_proposal(r), by=u),
    "decline": _decline,
    "withdraw": lambda r, u, w: dispatch.proposal_withdraw(
        proposal=_proposal(r), by=u, reason=REASON
    ),
    "propose": lambda r, u, w: dispatch.proposal_create(request=r, by=u, engineers=[w.engineer]),
    "ask_info": lambda r, u, w: services.request_ask_info(
        request=r, by=u, message="Which rack is it in?"
    ),
    "record_call": lambda r, u, w: services.request_record_call(
        request=r, by=u, note="Called the local contact."
    ),
    "release": lambda r, u, w: services.request_release(request=r, by=u),
    "attach": lambda r, u, w: attachment_add(request=r, by=u, upload=_png()),
    "issue_invoice": lambda r, u, w: invoice_issue(request=r, by=u),
    "mark_paid": lambda r, u, w: services.request_mark_paid(request=r, by=u),
}
VISIT_CALLS = {
    "reassign": lambda v, u, w: reassign.visit_reassign(
        visit=v, engineers=[w.other_engineer], by=u, reason=REASON
    ),
    "reschedule": lambda v, u, w: reassign.visit_reschedule(
        visit=v, scheduled_start=getattr(w, "later", LATER), by=u, reason=REASON
    ),
    "add_engineer": lambda v, u, w: reassign.visit_engineer_add(
        visit=v, engineer=w.other_engineer, by=u, reason=REASON
    ),
    "remove_engineer": lambda v, u, w: reassign.visit_engineer_remove(
        visit=v, engineer=w.engineer, by=u, reason=REASON
    ),
    "ask_change": lambda v, u, w: visit_change_request(
        visit=v, by=u, scheduled_start=getattr(w, "later", LATER), reason=REASON
    ),
    "cancel": lambda v, u, w: visit_services.visit_cancel(visit=v, by=u, reason=REASON),
    "en_route": lambda v, u, w: visit_services.visit_en_route(visit=v, by=u),
    "arrive": lambda v, u, w: visit_services.visit_arrive(visit=v, by=u),
    "start_work": lambda v, u, w: visit_services.visit_start_work(visit=v, by=u),
    "no_access": lambda v, u, w: visit_services.visit_no_access(visit=v, by=u, reason=REASON),
    "sign_off": lambda v, u, w: visit_services.visit_sign_off(
        visit=v, by=u, signer_name="Taro Yamada"
    ),
    "undo_step": lambda v, u, w: visit_services.visit_undo_step(visit=v, by=u, reason=REASON),
    "notes": lambda v, u, w: visit_note_add(visit=v, by=u, text="Disk 3 replaced."),
    "photos": lambda v, u, w: visit_services.visit_photo_add(visit=v, by=u, upload=_png()),
    "add_expense": lambda v, u, w: visit_expense_add(
        visit=v, by=u, description="Taxi from Shin-Osaka", amount=2400, receipt=_png()
    ),
}


def fresh(request_pk):
    return with_details(ServiceRequest.objects.filter(pk=request_pk)).get()


def fresh_visit(visit_pk):
    visit = Visit.objects.get(pk=visit_pk)
    visit.request = fresh(visit.request_id)
    return visit


def last_audit_row():
    # Every service that changes something writes its audit row: a call that left the last row
    # where it was changed nothing.
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()


def try_call(call, *, keep: bool = False) -> tuple[str, str, Exception | None]:
    """Run the call in a savepoint: ("done" | "repeat" | "refused", why, the refusal).

    Rolled back unless `keep` (the random walk keeps what succeeded); the clock is put back."""
    before = last_audit_row()
    result: tuple[str, str, Exception | None] = ("refused", "", None)
    moment = clock.now()
    try:
        with transaction.atomic():
            try:
                call()
            except (GenbaError, Http404, NoTarget) as refusal:
                result = ("refused", f"{type(refusal).__name__}: {refusal}", refusal)
            else:
                changed = last_audit_row() != before
                result = ("done" if changed else "repeat", "", None)
            if not keep:
                raise Rollback
    except Rollback:
        pass
    finally:
        clock.set_now(moment)
    return result


def judge(role, action, listed, outcome, why) -> list[str]:
    if listed and outcome != "done":
        return [f"{role} {action}: offered, but the service {outcome} it {why}"]
    if not listed and outcome == "done":
        return [f"{role} {action}: not offered, but the service accepted it"]
    return []
