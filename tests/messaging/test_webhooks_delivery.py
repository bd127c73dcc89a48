"""Webhook deliveries end to end: a real transition, a real HTTP receiver on 127.0.0.1, signatures
checked with the Standard Webhooks reference library, retries on the backoff schedule."""

from __future__ import annotations

import io
import shutil
import signal
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from genba.core import clock
from genba.messaging.webhooks import delivery as sending
from genba.messaging.webhooks import services
from genba.messaging.webhooks.models import DeliveryStatus, WebhookDelivery
from genba.messaging.webhooks.tasks import deliver_webhook
from tests.orders.helpers import approved, new_request, reload, submitted

pytestmark = pytest.mark.django_db

ALLOW_PRIVATE = override_settings(GENBA_WEBHOOKS_ALLOW_PRIVATE=True)
# The plain-http receivers on 127.0.0.1 need both development flags (private address, http://).
LOCAL_HTTP = override_settings(GENBA_WEBHOOKS_ALLOW_PRIVATE=True, GENBA_WEBHOOKS_ALLOW_HTTP=True)


class Receiver:
    """An HTTP server in a thread that records every POST and answers the statuses it is given."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.received: list[dict] = []
        self.answers: list[int] = []  # popped per request; 200 when empty
        self.location = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                outer.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", outer.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}/hooks/genba?v=1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def verify(self, secret: str, n: int = -1) -> dict:
        message = self.received[n]
        return Webhook(secret).verify(message["body"], message["headers"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    with LOCAL_HTTP:
        yield server
    server.close()


def endpoint_for(user, url, event_types=("request.submitted",), **kwargs):
    return services.endpoint_create(
        organization=user.organization,
        by=user,
        url=url,
        event_types=list(event_types),
        description=kwargs.get("description", ""),
    )


def run_worker():
    """The real django-tasks-db worker, once over the queue (it sets signal handlers: put back)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def attempt(delivery, capture):
    """One run of the task, its own on-commit work (the retry's enqueue) executed."""
    with capture(execute=True):
        return deliver_webhook.call(delivery.public_id)


@pytest.mark.django_db(transaction=True)
def test_a_transition_reaches_the_receiver_signed_per_standard_webhooks(alice, receiver):
    endpoint = endpoint_for(alice, receiver.url)
    request = submitted(alice)  # transactional test: the signal fires on the real commit

    run_worker()

    assert len(receiver.received) == 1
    message = receiver.received[0]
    assert message["path"] == "/hooks/genba?v=1"
    assert message["headers"]["content-type"] == "application/json"
    assert message["headers"]["user-agent"] == "Genba-Webhooks/1"
    assert message["headers"]["webhook-id"].startswith("msg_")
    payload = receiver.verify(endpoint.secret)
    assert payload["type"] == "request.submitted"
    assert payload["data"]["request"] == request.public_id
    assert payload["data"]["status"] == "submitted"
    assert payload["data"]["previous_status"] == "draft"
    assert payload["timestamp"] == clock.now().isoformat()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert message["headers"]["webhook-id"] == delivery.event_id
    assert delivery.attempt_log[0]["status_code"] == 200


def test_only_subscribed_active_endpoints_get_a_delivery(
    alice, carol, ken, receiver, django_capture_on_commit_callbacks
):
    submitted_only = endpoint_for(alice, receiver.url)
    approvals = endpoint_for(alice, receiver.url, ["request.approved", "request.proposed"])
    off = endpoint_for(alice, receiver.url, ["request.submitted"])
    services.endpoint_delete(endpoint=off, by=alice)

    with django_capture_on_commit_callbacks(execute=True):
        request = approved(alice, carol, ken)

    types = dict.fromkeys(
        WebhookDelivery.objects.order_by("id").values_list("endpoint__public_id", "event_type")
    )
    assert list(types) == [
        (submitted_only.public_id, "request.submitted"),
        (approvals.public_id, "request.proposed"),
        (approvals.public_id, "request.approved"),
    ]
    approval = WebhookDelivery.objects.get(event_type="request.approved")
    assert approval.payload["data"] == {
        "request": request.public_id,
        "reference": request.reference,
        "status": "approved",
        "previous_status": "proposed",
    }
    # One task queued per delivery.
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_webhook").count() == 3


def test_a_proposal_event_names_the_proposal_and_the_request_status(
    alice, carol, ken, receiver, django_capture_on_commit_callbacks
):
    from genba.dispatch import services as dispatch
    from tests.orders.helpers import proposed

    endpoint_for(alice, receiver.url, ["proposal.declined"])
    request, proposal = proposed(alice, carol, ken)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.proposal_decline(proposal=proposal, by=alice, reason="Too late in the day")
    data = WebhookDelivery.objects.get().payload["data"]
    assert data == {
        "request": request.public_id,
        "reference": request.reference,
        "status": "submitted",
        "proposal": proposal.public_id,
        "proposal_status": "declined",
        "previous_proposal_status": "open",
    }


def test_bob_never_receives_alices_events(
    alice, bob, carol, ken, receiver, django_capture_on_commit_callbacks
):
    from genba.messaging.webhooks.events import EVENT_TYPES

    bobs = endpoint_for(bob, receiver.url, EVENT_TYPES)
    with django_capture_on_commit_callbacks(execute=True):
        approved(alice, carol, ken)
    assert not WebhookDelivery.objects.filter(endpoint=bobs).exists()
    assert WebhookDelivery.objects.count() == 0


def test_a_failed_delivery_is_retried_at_the_backoff_time_then_succeeds(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500]

    assert attempt(delivery, django_capture_on_commit_callbacks) == DeliveryStatus.FAILED
    delivery = reload(delivery)
    first_try = clock.now()
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.last_error.startswith("HTTP 500")
    assert delivery.last_attempt_at == first_try
    assert delivery.next_attempt_at == first_try + sending.BACKOFF[0]
    retry = DBTaskResult.objects.get(
        task_path__endswith="deliver_webhook", run_after=delivery.next_attempt_at
    )
    assert retry.args_kwargs["args"] == [delivery.public_id]

    # Not due yet: the task running early (a duplicate) sends nothing.
    clock.advance(sending.BACKOFF[0] / 2)
    assert attempt(delivery, django_capture_on_commit_callbacks) == "skipped"
    assert len(receiver.received) == 1

    clock.advance(sending.BACKOFF[0] / 2)
    assert attempt(delivery, django_capture_on_commit_callbacks) == DeliveryStatus.SUCCEEDED
    delivery = reload(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("succeeded", 2, None)
    assert [a["status_code"] for a in delivery.attempt_log] == [500, 200]
    # Both attempts carry the same event id, each with a valid signature.
    assert {m["headers"]["webhook-id"] for m in receiver.received} == {delivery.event_id}
    receiver.verify(endpoint.secret, 0)
    receiver.verify(endpoint.secret, 1)


def test_a_delivery_already_sent_is_not_sent_again(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    delivery = WebhookDelivery.objects.get()
    assert attempt(delivery, django_capture_on_commit_callbacks) == DeliveryStatus.SUCCEEDED
    assert attempt(delivery, django_capture_on_commit_callbacks) == "skipped"
    assert len(receiver.received) == 1
    assert reload(delivery).attempts == 1


def test_an_attempt_that_never_finished_is_taken_up_again_after_its_lease(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        sending._claim(delivery.public_id)  # ... and the worker is killed before it records
    lease_end = clock.now() + sending.LEASE
    assert DBTaskResult.objects.filter(run_after=lease_end).exists()

    # Meanwhile another run of the task (a duplicate) sends nothing.
    assert attempt(delivery, django_capture_on_commit_callbacks) == "skipped"
    clock.set_now(lease_end)
    assert attempt(delivery, django_capture_on_commit_callbacks) == DeliveryStatus.SUCCEEDED
    assert len(receiver.received) == 1
    assert reload(delivery).attempts == 2


def test_after_the_last_attempt_the_delivery_is_exhausted(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [503] * sending.MAX_ATTEMPTS
    # 30 s, 2 min, 10 min, 1 h, 6 h, 24 h.
    assert [w.total_seconds() for w in sending.BACKOFF] == [30, 120, 600, 3600, 21600, 86400]

    for n in range(1, sending.MAX_ATTEMPTS + 1):
        status = attempt(delivery, django_capture_on_commit_callbacks)
        delivery = reload(delivery)
        assert delivery.attempts == n
        if n < sending.MAX_ATTEMPTS:
            assert status == DeliveryStatus.FAILED
            assert delivery.next_attempt_at == clock.now() + sending.BACKOFF[n - 1]
            clock.set_now(delivery.next_attempt_at)
    assert status == DeliveryStatus.EXHAUSTED
    assert delivery.next_attempt_at is None
    assert len(delivery.attempt_log) == sending.MAX_ATTEMPTS

    clock.advance(sending.BACKOFF[-1])
    assert attempt(delivery, django_capture_on_commit_callbacks) == "skipped"
    assert len(receiver.received) == sending.MAX_ATTEMPTS


def test_a_replay_sends_the_same_event_id_and_payload(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    original = WebhookDelivery.objects.get()
    attempt(original, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(delivery=original, by=alice)
    assert replay.pk != original.pk
    assert (replay.event_id, replay.payload, replay.replay_of) == (
        original.event_id,
        original.payload,
        original,
    )
    assert DBTaskResult.objects.filter(args_kwargs__args=[replay.public_id]).exists()
    assert attempt(replay, django_capture_on_commit_callbacks) == DeliveryStatus.SUCCEEDED

    first, second = receiver.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == original.event_id
    assert first["body"] == second["body"]
    receiver.verify(endpoint.secret)


def test_after_a_rotation_the_old_and_new_secrets_both_verify_for_a_day(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(alice, receiver.url)
    old = endpoint.secret
    endpoint = services.endpoint_rotate_secret(endpoint=endpoint, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks)
    receiver.verify(endpoint.secret)
    receiver.verify(old)

    clock.advance(services.ROTATION_GRACE)
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(delivery=WebhookDelivery.objects.get(), by=alice)
    attempt(replay, django_capture_on_commit_callbacks)
    assert receiver.received[-1]["headers"]["webhook-signature"].count("v1,") == 1
    receiver.verify(endpoint.secret)


def test_a_redirect_is_not_followed(alice, receiver, django_capture_on_commit_callbacks):
    endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    receiver.answers = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    assert attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks) == "failed"
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().last_status_code == 302


def test_without_the_setting_a_private_address_is_refused_at_send_time(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(alice, receiver.url)  # registered while the setting was on
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    with override_settings(GENBA_WEBHOOKS_ALLOW_PRIVATE=False):
        status = attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks)
    assert status == DeliveryStatus.FAILED
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error and "127.0.0.1" in delivery.last_error


def test_a_receiver_that_is_down_is_a_failed_attempt(alice, django_capture_on_commit_callbacks):
    down = Receiver()
    url = down.url
    down.close()
    with LOCAL_HTTP:
        endpoint_for(alice, url)
        with django_capture_on_commit_callbacks(execute=True):
            submitted(alice)
        status = attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks)
    assert status == DeliveryStatus.FAILED
    assert "ConnectionRefused" in WebhookDelivery.objects.get().last_error


def test_an_https_receiver_with_an_untrusted_certificate_gets_nothing(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = Receiver(tls=tls)
    try:
        with ALLOW_PRIVATE:
            endpoint_for(alice, server.url)
            with django_capture_on_commit_callbacks(execute=True):
                submitted(alice)
            status = attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks)
    finally:
        server.close()
    assert status == DeliveryStatus.FAILED
    assert server.received == []
    assert "CERTIFICATE_VERIFY_FAILED" in WebhookDelivery.objects.get().last_error


def test_a_deactivated_endpoint_gets_nothing_more(
    alice, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(alice, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    services.endpoint_delete(endpoint=endpoint, by=alice)
    delivery = WebhookDelivery.objects.get()
    assert attempt(delivery, django_capture_on_commit_callbacks) == "skipped"
    assert receiver.received == []
    assert reload(delivery).status == DeliveryStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        submitted(alice)
    assert WebhookDelivery.objects.count() == 1


def test_a_webhook_failure_never_breaks_the_transition(
    alice, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    from genba.messaging.webhooks import events

    endpoint_for(alice, receiver.url)

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(events, "publish", broken)
    with django_capture_on_commit_callbacks(execute=True):
        request = submitted(alice)
    assert reload(request).status == "submitted"


def test_a_draft_saved_sends_nothing(alice, receiver, django_capture_on_commit_callbacks):
    endpoint_for(alice, receiver.url, ["request.submitted", "request.cancelled"])
    with django_capture_on_commit_callbacks(execute=True):
        new_request(alice)
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_non_public_addresses_are_forbidden(address):
    assert sending.forbidden_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not sending.forbidden_address(address)
