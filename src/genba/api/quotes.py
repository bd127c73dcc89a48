"""/api/v1/quotes: the `genba quote` contract over HTTP (rulebook §9), same code, same answer."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from genba.api.parser import refusal_response
from genba.api.problems import problem_response
from genba.core.json_limits import MAX_JSON_BYTES, body_too_large
from genba.pricing.document import dumps, parse_text, quote_to_dict
from genba.pricing.engine import PricingError, price

router = Router(tags=["quotes"])


def _problems(lines: list[str]) -> HttpResponse:
    errors = []
    for line in lines:
        field, _sep, message = line.partition(": ")
        errors.append({"field": field, "code": "invalid", "message": message or line})
    return problem_response(
        422, "validation-error", _("The quote document has problems."), errors=errors
    )


@router.post(
    "",
    summary="Price a quote document (the same JSON as `genba quote`)",
    response={200: None},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
            "description": "The §9 quote document: policy, policy_overrides, rates, tax_treatment, visits.",
        }
    },
)
def create_quote(request):
    # The CLI's own reader: numbers as Decimal (no float enters the price path), NaN refused, and
    # the JSON limits of genba.core.bounds (a body too large is 413 before it is read).
    body = request.body or b"null"
    if len(body) > MAX_JSON_BYTES:
        return refusal_response(body_too_large())
    parsed, problems = parse_text(body)
    if problems:
        return _problems(problems)
    try:
        quote = price(
            parsed.policy, parsed.rates, parsed.visits, tax_treatment=parsed.tax_treatment
        )
    except PricingError as error:
        return _problems([f"{error.field}: {error}"])
    return HttpResponse(dumps(quote_to_dict(quote)), content_type="application/json")
