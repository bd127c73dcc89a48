"""Writes to policies: keyword-only, one transaction each, audited (old → new per field).

The admin's settings page calls these; the Django admin is read-mostly for policies. The coverage
table of a policy is in genba.sites.services (its rows live in the sites app).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.contracts.models import Policy
from genba.core import audit
from genba.core.errors import FieldProblem, ValidationFailed
from genba.core.transitions import lock, require_role


def _jsonable(value):
    # Times, decimals and lists go into the audit row as text: the row is JSON.
    return value if isinstance(value, (bool, int, type(None))) else str(value)


def _clean_travel_settings(changes: dict) -> dict:
    """The optional pricing settings (travel_time_rate: empty or whole yen per hour, 1 to
    MAX_YEN) by the pricing's own validator, so the console, the admin and `genba quote` agree."""
    from genba.pricing.policy import OPTIONAL_SETTINGS

    changes, problems = dict(changes), []
    for name, coerce in OPTIONAL_SETTINGS.items():
        if name in changes:
            try:
                changes[name] = coerce(changes[name])
            except ValueError as error:
                problems.append(FieldProblem(name, str(error), "invalid"))
    if problems:
        raise ValidationFailed(_("The policy was not saved."), problems=problems)
    return changes


@transaction.atomic
def policy_update(*, policy: Policy, by, changes: dict) -> Policy:
    """Set the given fields; only the ones that differ are saved and audited (old → new).

    A value the model refuses (hours that end before they start, ...) is a ValidationFailed naming
    the field, and nothing is saved."""
    require_role(by, Role.ADMIN)
    policy = lock(Policy, policy.pk)
    # The key names the preset a request refers to: an identity, not a setting.
    settable = {f.name for f in Policy._meta.concrete_fields} - {"id", "key"}
    refused = sorted(set(changes) - settable)
    if refused:
        raise ValidationFailed(
            _("These fields cannot be changed here."),
            problems=[
                FieldProblem(name, _("Not a policy setting."), "unknown") for name in refused
            ],
        )
    changes = _clean_travel_settings(changes)
    diff = {}
    for name, value in changes.items():
        before = getattr(policy, name)
        if before != value:
            diff[name] = [_jsonable(before), _jsonable(value)]
            setattr(policy, name, value)
    if not diff:
        return policy
    try:
        policy.full_clean()
    except ValidationError as error:
        raise ValidationFailed(
            _("The policy was not saved."),
            problems=[
                FieldProblem(field if field != "__all__" else "policy", str(message), "invalid")
                for field, messages in error.message_dict.items()
                for message in messages
            ],
        ) from error
    policy.save(update_fields=list(diff))
    audit.record(actor=by, obj=policy, action="policy.updated", data={"changes": diff})
    return policy
