"""The REST API v1: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from genba.api import parser, problems
from genba.api.auth import TokenAuth
from genba.api.changes import router as changes_router
from genba.api.dispatch import router as dispatch_router
from genba.api.invoices import router as invoices_router
from genba.api.messaging import router as messaging_router
from genba.api.quotes import router as quotes_router
from genba.api.requests import router as requests_router
from genba.api.schemas import MeOut
from genba.api.sites import router as sites_router
from genba.api.unexpected import on_unexpected_error
from genba.api.visits import router as visits_router
from genba.api.webhooks import router as webhooks_router
from genba.core.errors import GenbaError

api = NinjaAPI(
    title="Genba API",
    version="1.0.0",
    description=(
        "Order on-site IT engineers in Japan: create and submit service requests, answer proposals, "
        "sign off visits. Authenticate with `Authorization: Bearer <token>`. Errors are RFC 9457 "
        "problem details that name each bad field."
    ),
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Bodies within the limits of genba.core.bounds (size, depth, number length, no NUL).
    parser=parser.BoundedParser(),
)

api.add_exception_handler(NinjaValidationError, problems.on_validation_error)
api.add_exception_handler(GenbaError, problems.on_genba_error)
api.add_exception_handler(Http404, problems.on_not_found)
api.add_exception_handler(AuthenticationError, problems.on_auth_error)
api.add_exception_handler(HttpError, parser.on_http_error)  # body refusals, then problems'
# A multipart body Django cannot read (no boundary, too many fields, too large): 400 or 413.
api.add_exception_handler(MultiPartParserError, problems.on_unreadable_form)
api.add_exception_handler(TooManyFieldsSent, problems.on_unreadable_form)
api.add_exception_handler(TooManyFilesSent, problems.on_unreadable_form)
api.add_exception_handler(RequestDataTooBig, problems.on_unreadable_form)
# Anything else: 500 problem+json (traceback logged), in production as in development.
api.add_exception_handler(Exception, on_unexpected_error)

api.add_router("/requests", requests_router)
api.add_router("", sites_router)
api.add_router("/invoices", invoices_router)
api.add_router("/quotes", quotes_router)
api.add_router("", dispatch_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("", messaging_router)
api.add_router("", visits_router)
api.add_router("", changes_router)


@api.get(
    "/me",
    response=MeOut,
    tags=["account"],
    summary="Who the token belongs to",
    openapi_extra=problems.refusals(),
)
def me(request):
    user = request.auth
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "role": user.role,
        "organization": user.organization.name if user.organization else None,
        "language": user.language,
        "time_zone": user.time_zone,
    }
