"""API tokens a customer user creates and revokes for itself. Each change is one transaction with
its audit row (there is no accounts service for this; the admin only revokes)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import ApiToken, Role
from genba.core import audit, clock
from genba.core.errors import FieldProblem, TransitionRefused, ValidationFailed
from genba.core.transitions import require_role


@transaction.atomic
def token_create(*, by, name: str) -> tuple[ApiToken, str]:
    """The token and its raw value, which is shown once and never stored."""
    require_role(by, Role.CUSTOMER)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Name the token."),
            problems=[FieldProblem("name", _("This field is required."), "required")],
        )
    token, raw = ApiToken.issue(user=by, name=name[:100])
    audit.record(
        actor=by,
        obj=token,
        action="api_token.created",
        organization=by.organization,
        data={"hint": token.hint, "name": token.name},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, by, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        # Callers look the token up among the user's own; this guards any other caller.
        raise TransitionRefused(_("Only the token's owner may revoke it."), code="owner")
    if token.revoked_at is not None:
        return token
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=by,
        obj=token,
        action="api_token.revoked",
        organization=by.organization,
        data={"hint": token.hint, "name": token.name},
    )
    return token
