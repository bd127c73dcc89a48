"""Notes an engineer writes on a visit (what was found, what was done, who was met).

Notes are appended, never rewritten: each one starts with its time (JST, the site's clock) and its
author, so the visit's notes read as a log and nobody's earlier words are lost.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.core import audit, clock
from genba.core.clock import JST
from genba.core.errors import FieldProblem, TransitionRefused, ValidationFailed
from genba.orders.models import CLOSED_STATUSES, RequestStatus, Visit, VisitStatus
from genba.orders.visit_services import lock_visit, require_field_actor

NOTE_MAX_CHARS = 4000


def note_heading(moment, author) -> str:
    label = author.get_full_name() or author.email
    return f"[{moment.astimezone(JST):%Y-%m-%d %H:%M} JST] {label}"


@transaction.atomic
def visit_note_add(*, visit: Visit, by, text: str) -> Visit:
    """Append a note; refused on a cancelled visit and once the request is invoiced or closed,
    since what was billed must not gain notes afterwards."""
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if visit.status == VisitStatus.CANCELLED:
        raise TransitionRefused(
            _("The visit is cancelled: notes can no longer be added."), code="state"
        )
    if request.status in CLOSED_STATUSES | {RequestStatus.INVOICED}:
        raise TransitionRefused(
            _("The request is invoiced or closed: notes can no longer be added."), code="state"
        )
    body = (text or "").strip()
    if not body:
        raise ValidationFailed(
            _("The note is empty."),
            problems=[FieldProblem("text", _("This field is required."), "required")],
        )
    if len(body) > NOTE_MAX_CHARS:
        raise ValidationFailed(
            _("The note is too long."),
            problems=[
                FieldProblem(
                    "text",
                    _("At most %(n)s characters.") % {"n": NOTE_MAX_CHARS},
                    "too_long",
                )
            ],
        )
    entry = f"{note_heading(clock.now(), by)}\n{body}"
    visit.notes = f"{visit.notes.rstrip()}\n\n{entry}" if visit.notes.strip() else entry
    visit.save(update_fields=["notes"])
    audit.record(actor=by, obj=visit, action="note_added", data={"text": body})
    return visit
