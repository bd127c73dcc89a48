"""Writes to a user's own settings and API tokens: keyword-only, one transaction each, audited.

A user changes its own language and its own tokens. API tokens are issued two ways, through the
same `token_create`: a customer user on the portal's token page (for itself), and the operator at
the server's shell with `genba create-token EMAIL` (by=None: no signed-in actor, any active user).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import ApiToken, Role, User
from genba.core import audit, clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, require_role

TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length


@transaction.atomic
def token_create(*, user: User, by: User | None, name: str) -> tuple[ApiToken, str]:
    """The token and its raw value, which is shown once and never stored.

    `by` is the signed-in user, who may issue tokens for itself only, and only as a customer user
    (the portal is where they do it; staff get theirs from the operator). `by=None` is the
    operator at the server's shell (the CLI), who may issue one for any active user."""
    if by is not None:
        require_role(by, Role.CUSTOMER)
        if by.pk != user.pk:
            raise NotAllowed(_("You may create tokens for yourself only."), code="owner")
    user = lock(User, user.pk)
    if not user.is_active:
        raise TransitionRefused(_("The user is deactivated."), code="inactive")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Name the token."),
            problems=[FieldProblem("name", _("This field is required."), "required")],
        )
    token, raw = ApiToken.issue(user=user, name=name[:TOKEN_NAME_MAX])
    audit.record(
        actor=by,
        obj=token,
        action="api_token.created",
        organization=user.organization,
        # The user is in the data because the row's object is the token, not the user.
        data={"hint": token.hint, "name": token.name, "user": user.email},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """The token stops working at once. Its owner revokes it, or an admin; revoking twice is a
    no-op (the first revocation's time stays)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.user_id != by.pk and by.role != Role.ADMIN:
        # Callers look the token up among the user's own; this guards any other caller.
        raise NotAllowed(_("Only the token's owner may revoke it."), code="owner")
    if token.revoked_at is not None:
        return token
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=by,
        obj=token,
        action="api_token.revoked",
        organization=token.user.organization,
        data={"hint": token.hint, "name": token.name, "user": token.user.email},
    )
    return token


@transaction.atomic
def language_set(*, user: User, by: User, language: str) -> User:
    """The language the pages, messages and API answers use for this user; its own choice only."""
    if by is None or by.pk != user.pk:
        raise NotAllowed(_("You may change your own language only."), code="owner")
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(
            _("Unknown language."),
            problems=[FieldProblem("language", _("Choose English or Japanese."), "invalid")],
        )
    user = lock(User, user.pk)
    before = user.language
    if before == language:
        return user
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        actor=by,
        obj=user,
        action="user.language_changed",
        from_state=before,
        to_state=language,
    )
    return user
