"""The API's JSON reader: every body within the limits of genba.core.bounds (size, nesting,
number literals, no NUL), refused as problem+json naming the reason, before any schema reads it.

django-ninja turns any exception of a parser into HttpError(400, "Cannot parse request body") with
the original as its cause; `on_http_error` answers such a refusal with its own status (413 for a
body too large, 422 otherwise) and hands every other HttpError to problems.on_http_error.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.parser import Parser

from genba.api import problems
from genba.core.json_limits import (
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_NUMBER_EXPONENT,
    JsonRefused,
    load_json,
)


class BoundedParser(Parser):
    def parse_body(self, request: HttpRequest):
        return load_json(request.body)


def _message(error: JsonRefused) -> str:
    """The reason in the caller's language (json_limits, which runs without Django, says it in
    English)."""
    messages = {
        "too_large": _("The body is larger than %(n)s bytes.") % {"n": error.literal},
        "too_deep": _("The JSON is nested deeper than %(n)s levels.") % {"n": MAX_JSON_DEPTH},
        "number_out_of_range": _(
            "A number has more than %(chars)s characters or an exponent beyond ±%(exp)s: "
            "%(literal)s"
        )
        % {"chars": MAX_NUMBER_CHARS, "exp": MAX_NUMBER_EXPONENT, "literal": error.literal},
        "not_a_number": _("%(name)s is not a number JSON allows.") % {"name": error.literal},
        "control_character": _("Contains a character no text may hold (%(char)s).")
        % {"char": error.literal},
    }
    return messages.get(error.code, error.message)


def refusal_response(error: JsonRefused) -> HttpResponse:
    title = (
        _("The request body is too large.")
        if error.status == 413
        else _("The request body is refused.")
    )
    return problems.problem_response(
        error.status,
        "body-refused",
        title,
        detail=_message(error),
        errors=[{"field": error.field, "code": error.code, "message": _message(error)}],
        code=error.code,
    )


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, JsonRefused):
        return refusal_response(exc.__cause__)
    return problems.on_http_error(request, exc)
