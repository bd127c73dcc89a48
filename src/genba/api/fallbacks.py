"""Answers for what no API operation handles, in the API's own format (problem+json)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from genba.api.problems import problem_response


def unknown_path(request, path: str = ""):
    return problem_response(404, "not-found", _("Not found."))


class ProblemMethodNotAllowedMiddleware:
    """django-ninja answers a wrong method with a bare 405; API clients get problem+json."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allowed = response.get("Allow", "")
            response = problem_response(
                405, "method-not-allowed", _("This method is not allowed here."), detail=allowed
            )
            response["Allow"] = allowed
        return response
