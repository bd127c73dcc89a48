"""Pages speak the signed-in user's language and show times in the user's time zone."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone, translation

from genba.core.clock import JST


class ViewerLocaleMiddleware:
    """Runs after authentication. LocaleMiddleware has already chosen a language from the
    cookie or the browser; a signed-in user's profile wins over both, so that a coordinator who
    chose Japanese sees Japanese on every machine. The API chooses its own language (token auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(JST)
        try:
            return self.get_response(request)
        finally:
            # Threads serve many users: leave no one's language or zone behind for the next.
            timezone.deactivate()
            translation.deactivate()
