"""Errors as RFC 9457 problem details (`application/problem+json`), each bad field named.

Messages are in the caller's language (Accept-Language, else the user's profile).
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from genba.core.errors import GenbaError

PROBLEM_TYPE_BASE = "https://genba.example/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_response(
    status: int, slug: str, title: str, detail: str = "", errors: list[dict] | None = None, **extra
) -> HttpResponse:
    body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def field_path(loc) -> str:
    """('body', 'data', 'visits', 0, 'scheduled_start') -> 'visits[0].scheduled_start'."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]
        # A body read into one parameter carries that parameter's name first; clients never see it.
        if parts and parts[0] in ("data", "payload", "filters"):
            parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("Unknown field."),
        "timezone_aware": _("Give the time with its UTC offset, e.g. 2027-02-02T10:00:00+09:00."),
        "datetime_parsing": _("Not a date and time: use ISO 8601, e.g. 2027-02-02T10:00:00+09:00."),
        "datetime_from_date_parsing": _(
            "Not a date and time: use ISO 8601, e.g. 2027-02-02T10:00:00+09:00."
        ),
        "datetime_type": _("Not a date and time: use ISO 8601, e.g. 2027-02-02T10:00:00+09:00."),
        "int_parsing": _("Must be a whole number."),
        "int_type": _("Must be a whole number."),
        "int_from_float": _("Must be a whole number."),
        "decimal_parsing": _("Must be a number."),
        "decimal_type": _("Must be a number."),
        "decimal_max_places": _("Too many decimal places."),
        "bool_parsing": _("Must be true or false."),
        "bool_type": _("Must be true or false."),
        "string_type": _("Must be text."),
        "list_type": _("Must be a list."),
        "model_type": _("Must be an object."),
        "model_attributes_type": _("Must be an object."),
        "dict_type": _("Must be an object."),
    }
    if kind in messages:
        return messages[kind]
    if kind == "literal_error":
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return (
            _("This field is required.")
            if ctx.get("min_length") == 1
            else _("At least %(n)s characters.") % {"n": ctx.get("min_length", "")}
        )
    if kind == "too_long":
        return _("At most %(n)s items.") % {"n": ctx.get("max_length", "")}
    return error.get("msg", _("Invalid value."))


def on_validation_error(request, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": field_path(e.get("loc", ())),
            "code": e.get("type", "invalid"),
            "message": _message(e),
        }
        for e in exc.errors
    ]
    return problem_response(
        422, "validation-error", _("The request has invalid fields."), errors=errors
    )


def on_genba_error(request, exc: GenbaError) -> HttpResponse:
    titles = {
        422: _("The request has invalid fields."),
        409: _("This action is not possible now."),
        403: _("Your role may not do this."),
    }
    errors = [{"field": p.field, "code": p.code, "message": str(p.message)} for p in exc.problems]
    return problem_response(
        exc.status,
        exc.type_slug,
        titles.get(exc.status, _("The request was refused.")),
        detail=str(exc.message),
        errors=errors,
        code=exc.code or exc.type_slug,
    )


def on_not_found(request, exc) -> HttpResponse:
    return problem_response(404, "not-found", _("Not found."))


def on_auth_error(request, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        401,
        "unauthorized",
        _("Authentication required."),
        detail=_("Send 'Authorization: Bearer <token>' with a token from 'genba create-token'."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="genba"'
    return response


def on_http_error(request, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem_response(
            400,
            "bad-request",
            _("The body is not valid JSON."),
            errors=[
                {"field": "body", "code": "parse", "message": _("The body is not valid JSON.")}
            ],
        )
    return problem_response(exc.status_code, "http-error", str(exc))


# --- OpenAPI: the refusals an operation may answer ------------------------------------------------

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {
            "type": "string",
            "description": "Stable reason: state, role, open_errors, too_early, not_scheduled, "
            "booking_conflict, engineer_unfit, same, not_approved, reference_required, "
            "validation-error, ...",
        },
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
_DESCRIPTIONS = {
    400: "The body cannot be read: not JSON, or a multipart form without a valid boundary",
    401: "No token, or a revoked or unknown one",
    403: "The caller's role may not do this (code: role)",
    404: "Not found, or outside what the caller may see (the same answer)",
    409: "The state or a rule does not allow it now (code names which)",
    413: "The body is larger than the API reads (code: too_large)",
    422: "A bad field (errors name each), a body past the parser's limits (depth, number length, "
    "control characters), or an Idempotency-Key reused with another body",
    429: "Too many requests from this token or address: try again after Retry-After seconds",
}
_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": 'Bearer realm="genba"',
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before the next call",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}
# Every operation needs a token and counts against the rate limits.
ALWAYS = (401, 429)
# What an operation reading a JSON body may answer before its own checks run.
JSON_BODY = (400, 413, 422)


def _refusal(status: int) -> dict:
    answer = {
        "description": _DESCRIPTIONS[status],
        "content": {CONTENT_TYPE: {"schema": PROBLEM_SCHEMA}},
    }
    if status in _HEADERS:
        answer["headers"] = _HEADERS[status]
    return answer


def refusals(*statuses: int, body: bool = False, links: dict | None = None) -> dict:
    """`openapi_extra` declaring the problem+json answers of an operation: 401 and 429 always,
    400/413/422 when it reads a JSON body (`body=True`), and the `statuses` its own checks give.

    `links` ({success status: {name: (operationId, {parameter: runtime expression})}}) declares
    the OpenAPI links from its answer to the operations that take the id it returns (read by
    schemathesis' stateful tests and by client generators)."""
    codes = {*ALWAYS, *statuses, *(JSON_BODY if body else ())}
    responses: dict = {str(status): _refusal(status) for status in sorted(codes)}
    for status, named in (links or {}).items():
        # An int key, as django-ninja writes its own success answers, so that the two merge.
        responses[int(status)] = {
            "links": {
                name: {"operationId": operation_id, "parameters": parameters}
                for name, (operation_id, parameters) in named.items()
            }
        }
    return {"responses": responses}


def on_unreadable_form(request, exc: Exception) -> HttpResponse:
    """A multipart body Django cannot read (no or a bad boundary, truncated, past
    DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES or DATA_UPLOAD_MAX_MEMORY_SIZE): the client's mistake, a
    problem naming the body, never a 500."""
    too_large = isinstance(exc, RequestDataTooBig)
    message = (
        _("The request body is too large.") if too_large else _("The form data cannot be read.")
    )
    return problem_response(
        413 if too_large else 400,
        "body-refused",
        message,
        errors=[
            {"field": "body", "code": "too_large" if too_large else "parse", "message": message}
        ],
        code="too_large" if too_large else "parse",
    )
