"""Sending one delivery: the URL rules (no request to a host the customer did not register, nor to a
private address), the signed POST, the result, and the retry schedule.

The POST goes through http.client, not urllib.request: urllib follows redirects (a 302 to
http://169.254.169.254/ would bypass every check here) and reads proxy settings from the
environment. The connection is pinned to the addresses checked here, so a name that resolves to a
public address at the check and to a private one at the connection (DNS rebinding) gets nowhere.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _

from genba.core import clock
from genba.messaging.webhooks import signing
from genba.messaging.webhooks.models import DeliveryStatus, WebhookDelivery
from genba.messaging.webhooks.tasks import enqueue_delivery

# Wait before attempt 2, 3, ...: seven attempts over about 31 hours, then "exhausted".
BACKOFF = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 10
# While an attempt runs, the delivery is not due again for this long: a second run of the same task
# (a duplicate enqueue, a worker retried) finds it not due and sends nothing. Longer than a send.
LEASE = timedelta(minutes=2)
USER_AGENT = "Genba-Webhooks/1"
SCHEMES = ("http", "https")


class UrlRefused(Exception):
    """The URL may not be called; the message says why (shown to the customer)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


class Unresolvable(UrlRefused):
    """The host name has no address (now)."""


def allow_private() -> bool:
    return bool(getattr(settings, "GENBA_WEBHOOKS_ALLOW_PRIVATE", False))


def allow_http() -> bool:
    """Plain http:// only for development (a receiver on the developer's machine, the tests)."""
    return bool(getattr(settings, "GENBA_WEBHOOKS_ALLOW_HTTP", False))


def forbidden_address(address: str) -> bool:
    """Loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved, unspecified:
    anything that is not a global unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_url(url: str) -> tuple[str, str, int]:
    """The URL's form: https (http only with GENBA_WEBHOOKS_ALLOW_HTTP), a host, no credentials.
    Returns (scheme, host, port)."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise UrlRefused(_("The URL may not contain spaces or control characters."), "invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(_("Not a valid URL: %(error)s.") % {"error": exc}) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        if allow_http():
            raise UrlRefused(_("Only http:// and https:// URLs are allowed."), "scheme")
        raise UrlRefused(_("The URL must start with https://."), "scheme")
    # A payload names the customer's requests, sites and people, and its signature proves only
    # who sent it: over plain http anyone on the way reads it. Checked at registration and again
    # on every send, so an endpoint registered while the flag was on gets nothing once it is off.
    if scheme == "http" and not allow_http():
        raise UrlRefused(_("The URL must start with https://."), "https_required")
    if not (parts.path + parts.query).isascii():
        raise UrlRefused(_("Percent-encode non-ASCII characters in the path and query."), "invalid")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(_("The URL may not contain a user name or password."), "credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlRefused(_("The URL needs a host name."), "host")
    try:
        # International names in their ASCII form: what DNS and the Host header carry.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlRefused(_("The host name is not valid."), "host") from None
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[tuple]:
    """The addresses to connect to, each one checked; refused if any is not public (a name that
    points at both a public and a private address is refused whole)."""
    if not allow_private() and (host == "localhost" or host.endswith(".localhost")):
        raise UrlRefused(_("The host is a local name."), "private_host")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(
            _("The host name does not resolve (%(error)s).") % {"error": exc}, "unresolvable"
        ) from None
    if not allow_private():
        for info in infos:
            if forbidden_address(info[4][0]):
                raise UrlRefused(
                    _("The host is a private, loopback or link-local address (%(address)s).")
                    % {"address": info[4][0]},
                    "private_host",
                )
    return [(info[0], info[4]) for info in infos]


def check_registrable(url: str) -> None:
    """At registration: the form, and the address when it can be known now. A name that does not
    resolve yet is accepted (the endpoint may not be live); it is checked again on every send."""
    _scheme, host, port = check_url(url)
    if allow_private():
        return
    try:
        resolve(host, port)
    except Unresolvable:
        pass


def _pinned(addresses: list[tuple]):
    """A `socket.create_connection` stand-in that connects only to the checked addresses."""

    def create_connection(address, timeout=None, source_address=None, *args):
        error: OSError | None = None
        for family, sockaddr in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error or OSError("no address to connect to")

    return create_connection


@dataclass
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST, never following a redirect (a 3xx is a failed attempt)."""
    started = time.monotonic()

    def done(code: int | None, error: str) -> Outcome:
        return Outcome(code, error[:500], int((time.monotonic() - started) * 1000))

    try:
        scheme, host, port = check_url(url)
        addresses = resolve(host, port)
    except UrlRefused as exc:
        return done(None, f"refused: {exc}")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        conn = http.client.HTTPSConnection(
            host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    conn._create_connection = _pinned(addresses)
    try:
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        excerpt = response.read(300).decode("utf-8", "replace")
        if 200 <= response.status < 300:
            return done(response.status, "")
        return done(response.status, f"HTTP {response.status} {response.reason}: {excerpt}".strip())
    except TimeoutError:
        return done(None, f"timeout after {TIMEOUT_SECONDS} s")
    except ssl.SSLError as exc:
        return done(None, f"TLS error: {exc}")
    except Exception as exc:  # refused connection, bad HTTP...: this attempt's failure, recorded
        return done(None, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def body_of(delivery: WebhookDelivery) -> bytes:
    # Keys sorted: the same bytes on every attempt, whatever the database did to the JSON's order.
    return json.dumps(
        delivery.payload,
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def _lock(public_id: str) -> WebhookDelivery | None:
    # of=self: lock the delivery, not its endpoint row (shared by all its concurrent deliveries).
    return (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(public_id=public_id)
        .first()
    )


def _claim(public_id: str) -> WebhookDelivery | None:
    """Take the attempt, or None when there is nothing to send (done, not due, gone)."""
    with transaction.atomic():
        delivery = _lock(public_id)
        if delivery is None or delivery.status in (
            DeliveryStatus.SUCCEEDED,
            DeliveryStatus.EXHAUSTED,
        ):
            return None
        now = clock.now()
        if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
            return None
        if not delivery.endpoint.active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "not sent: the endpoint is not active"
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        # If this attempt never records its result (the worker killed mid-send), this run takes the
        # delivery up again when the lease ends; otherwise it finds it done or not due: a no-op.
        enqueue_delivery(delivery, run_after=delivery.next_attempt_at)
        return delivery


def attempt(public_id: str) -> str:
    """Run one attempt of a due delivery; safe to call twice (the second finds nothing to do)."""
    delivery = _claim(public_id)
    if delivery is None:
        return "skipped"
    body = body_of(delivery)
    # The wall clock, not genba.core.clock: the receiver compares this with its own clock (the
    # spec's five-minute tolerance), whatever time the demo or a test has set for the business.
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signing.headers(
            delivery.endpoint.signing_secrets(),
            msg_id=delivery.event_id,
            timestamp=timestamp,
            body=body,
        ),
    }
    # Sent outside any transaction: a row lock held for a 10-second POST would, on SQLite, hold
    # the whole database's write lock. The lease taken in _claim keeps a second run out instead.
    outcome = post(delivery.endpoint.url, body, headers)
    return _record(public_id, outcome, attempted_at=delivery.last_attempt_at)


def _record(public_id: str, outcome: Outcome, *, attempted_at) -> str:
    with transaction.atomic():
        delivery = _lock(public_id)
        now = clock.now()
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.attempt_log = [
            *delivery.attempt_log,
            {
                "at": attempted_at.isoformat(),
                "status_code": outcome.status_code,
                "error": outcome.error,
                "duration_ms": outcome.duration_ms,
            },
        ]
        if outcome.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.next_attempt_at = None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.EXHAUSTED
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
            enqueue_delivery(delivery, run_after=delivery.next_attempt_at)
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "last_status_code",
                "last_error",
                "attempt_log",
            ]
        )
        return delivery.status
