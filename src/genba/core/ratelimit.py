"""API rate limits: per token, per client address, and per address for failed token checks.

Counters live in Django's cache (django-ratelimit's fixed windows): the local-memory cache on one
machine, Redis when `REDIS_URL` is set so that every app server counts against the same limits.
Limits are settings (`GENBA_API_RATE_*`, docs/security.md); a refused call is a 429
problem+json with `Retry-After` in seconds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

# The paths these limits guard: the REST API and the token-addressed calendar feeds.
LIMITED_PREFIXES = ("/api/", "/calendar/")


def client_ip(request) -> str:
    """The caller's address. Behind `GENBA_TRUSTED_PROXIES` reverse proxies that each append to
    X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), the address the outermost trusted proxy
    saw; entries further left are written by the client and never trusted."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, not a bind)
    hops = getattr(settings, "GENBA_TRUSTED_PROXIES", 0)
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _ip_key(group, request) -> str:
    return client_ip(request)


def _token_key(group, request) -> str:
    # The bearer's hash, not the token: a cache (or Redis) never holds a usable credential.
    return hashlib.sha256(_bearer(request).encode()).hexdigest()


def _bearer(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _usage(request, group: str, key, rate: str, *, increment: bool):
    """django-ratelimit's counter, failing open (logged) when the cache is unreachable: a Redis
    outage slows nobody down to a stop, and the login lockout does not depend on it."""
    if not rate:
        return None
    try:
        return get_usage(request, group=group, key=key, rate=rate, increment=increment)
    except Exception:
        logger.exception("rate-limit cache unavailable; %s not counted", group)
        return None


def note_auth_failure(request) -> None:
    """A presented token was wrong: counted per address (GENBA_API_AUTH_FAILURES_PER_IP)."""
    _usage(
        request,
        "api-auth-failures",
        _ip_key,
        settings.GENBA_API_AUTH_FAILURES_PER_IP,
        increment=True,
    )


def too_many_requests(retry_after: int):
    from genba.api.problems import problem_response

    retry_after = max(1, int(retry_after))
    response = problem_response(
        429,
        "rate-limited",
        _("Too many requests."),
        detail=_("Slow down: try again in %(seconds)s seconds.") % {"seconds": retry_after},
    )
    response["Retry-After"] = str(retry_after)
    return response


class ApiRateLimitMiddleware:
    """Counts every call to the API per address and per bearer token; refuses with 429 while an
    address has too many failed token checks. Runs before authentication, so a flood of calls
    with made-up tokens costs one cache increment each, not a database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(LIMITED_PREFIXES):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        checks = [
            ("api-auth-failures", _ip_key, settings.GENBA_API_AUTH_FAILURES_PER_IP, False),
            ("api-ip", _ip_key, settings.GENBA_API_RATE_PER_IP, True),
        ]
        if _bearer(request):
            checks.append(("api-token", _token_key, settings.GENBA_API_RATE_PER_TOKEN, True))
        for group, key, rate, increment in checks:
            usage = _usage(request, group, key, rate, increment=increment)
            if usage is None:
                continue
            # A counter that is only read (failures) refuses once it has reached the limit; one
            # incremented here refuses beyond it.
            over = usage["count"] >= usage["limit"] if not increment else usage["should_limit"]
            if over:
                return too_many_requests(usage["time_left"])
        return None
