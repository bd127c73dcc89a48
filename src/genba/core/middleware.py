"""Input no database can hold never reaches a view: one check for every URL and query string.

A NUL character cannot be stored in or compared with a PostgreSQL text column (psycopg refuses it,
which was a 500 on any path id or `?q=`), and a lone surrogate cannot be encoded at all. So:

- a path with NUL, a lone surrogate or another control character is no resource: 404 (for the API
  as problem+json), the same answer as any unknown id;
- a query string with NUL or a lone surrogate in a name or value is a bad request: for the API a
  422 problem naming the parameter, for pages a plain 400.

Bodies are the schemas' and forms' job (genba.core.bounds, Django's CharField refuses NUL); JSON
bodies of the API are also read by genba.api.parser, which refuses NUL naming the field.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _

_BAD_PATH = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_BAD_QUERY = re.compile("[\x00\ud800-\udfff]")


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class UnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if _BAD_PATH.search(path):
            if _is_api(path):
                from genba.api.problems import on_not_found

                return on_not_found(request, Http404())
            raise Http404
        for name, values in request.GET.lists():
            found = next(
                (m for m in map(_BAD_QUERY.search, (name, *values)) if m is not None), None
            )
            if found is not None:
                message = _("Contains a character no text may hold (%(char)s).") % {
                    "char": f"U+{ord(found.group()):04X}"
                }
                if _is_api(path):
                    from genba.api.problems import problem_response

                    return problem_response(
                        422,
                        "validation-error",
                        _("The request has invalid fields."),
                        errors=[
                            {
                                "field": _BAD_QUERY.sub("?", name),
                                "code": "control_character",
                                "message": message,
                            }
                        ],
                    )
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
