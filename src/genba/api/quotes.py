"""/api/v1/quotes: the `genba quote` contract over HTTP (rulebook §9), same code, same answer."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from genba.api.parser import refusal_response
from genba.api.problems import problem_response, refusals
from genba.core.json_limits import MAX_JSON_BYTES, body_too_large
from genba.pricing.document import dumps, parse_text, quote_to_dict
from genba.pricing.engine import TAX_TREATMENTS, PricingError, price
from genba.pricing.policy import PRESET_KEYS

router = Router(tags=["quotes"])


def _problems(lines: list[str]) -> HttpResponse:
    errors = []
    for line in lines:
        field, _sep, message = line.partition(": ")
        errors.append({"field": field, "code": "invalid", "message": message or line})
    return problem_response(
        422, "validation-error", _("The quote document has problems."), errors=errors
    )


# The §9 document's outline; parse_document() checks the rest and names each problem (422).
QUOTE_DOCUMENT = {
    "type": "object",
    "required": ["policy", "rates", "visits"],
    "properties": {
        "policy": {"type": "string", "enum": list(PRESET_KEYS)},
        "policy_overrides": {"type": "object"},
        "rates": {"type": "object", "description": "yen per hour per skill level"},
        "tax_treatment": {"type": "string", "enum": list(TAX_TREATMENTS)},
        "visits": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}
QUOTE_EXTRA = {
    "requestBody": {
        "content": {"application/json": {"schema": QUOTE_DOCUMENT}},
        "required": True,
        "description": "The §9 quote document: policy, policy_overrides, rates, tax_treatment, visits.",
    },
    # Not JSON, past the JSON limits, or a document with problems: 422 naming each; too large: 413.
    **refusals(413, 422),
}


@router.post(
    "",
    summary="Price a quote document (the same JSON as `genba quote`)",
    response={200: None},
    openapi_extra=QUOTE_EXTRA,
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
