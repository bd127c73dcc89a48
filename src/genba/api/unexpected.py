"""The API's answer to an exception nothing else handles: 500 problem+json, never a page.

django-ninja re-raises such exceptions when DEBUG is off (Django then renders its HTML 500 page)
and shows the traceback as text when it is on; API clients get neither. The traceback goes to the
log (the `django.request` logger, as for any other 500) and the body says only that it failed.
"""

from __future__ import annotations

import logging

from django.core.signals import got_request_exception
from django.utils.translation import gettext as _

from genba.api.problems import problem_response

logger = logging.getLogger("django.request")


def on_unexpected_error(request, exc: Exception):
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    # Error reporters hooked to Django's signal (as for page errors) still hear of it.
    got_request_exception.send(sender=None, request=request)
    return problem_response(
        500,
        "server-error",
        _("Something went wrong on our side."),
        detail=_("The error has been logged. Try again later; if it persists, contact support."),
    )
