"""The Permissions-Policy header (django-csp writes Content-Security-Policy; Django's own
middleware writes Referrer-Policy, X-Content-Type-Options and X-Frame-Options)."""

from __future__ import annotations

from django.conf import settings


def permissions_policy(features: dict[str, tuple[str, ...]]) -> str:
    """{"camera": ("self",), "geolocation": ()} -> 'camera=(self), geolocation=()'."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = permissions_policy(settings.GENBA_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
