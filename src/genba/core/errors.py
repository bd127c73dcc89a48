"""The errors services raise. Views and the API turn them into answers; nothing else catches them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    field: str
    message: str
    code: str = "invalid"


class GenbaError(Exception):
    """Base for refusals: the action changed nothing."""

    status = 400
    type_slug = "bad-request"

    def __init__(self, message: str, *, problems: list[FieldProblem] | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.code = code


class ValidationFailed(GenbaError):
    """Input that cannot be stored: each problem names its field."""

    status = 422
    type_slug = "validation-error"


class TransitionRefused(GenbaError):
    """The object is not in a state that allows this action, or a rule blocks it."""

    status = 409
    type_slug = "transition-refused"


class NotAllowed(GenbaError):
    """The caller may see the object but its role may not do this."""

    status = 403
    type_slug = "forbidden"


class IdempotencyConflict(GenbaError):
    status = 422
    type_slug = "idempotency-key-reused"


@dataclass
class Problems:
    """Collects field problems, then raises them all at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldProblem(field_name, message, code))

    def raise_if_any(self, message: str = "") -> None:
        if self.items:
            from django.utils.translation import gettext as _

            raise ValidationFailed(
                message or _("The request has invalid fields."), problems=self.items
            )
