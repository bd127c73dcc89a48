"""Issue 11: webhooks accepted plain http:// URLs. A webhook URL is https:// unless the development
flag GENBA_WEBHOOKS_ALLOW_HTTP is on: refused at registration (422 naming `url`, in the user's
language, nothing saved) and again at every send (an endpoint registered while the flag was on
gets nothing once it is off). The private-address rules stay whatever the flag says."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from genba.core.models import AuditEvent
from genba.messaging.webhooks import delivery as sending
from genba.messaging.webhooks import services
from genba.messaging.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.messaging.test_webhooks_delivery import LOCAL_HTTP, Receiver, attempt, endpoint_for
from tests.orders.helpers import submitted

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
HTTP_URL = "http://hooks.acme.example/genba"  # .example: never resolves, so only the form counts


def _url_errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {(e["field"], e["code"]): e["message"] for e in response.json()["errors"]}


def test_an_http_url_is_refused_naming_url(alice_api):
    response = alice_api.post("webhooks", {"url": HTTP_URL, "event_types": ["request.submitted"]})
    errors = _url_errors(response)
    assert list(errors) == [("url", "https_required")]
    assert "https://" in errors[("url", "https_required")]
    assert WebhookEndpoint.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="webhookendpoint").exists()


def test_the_refusal_is_in_the_users_language(alice, alice_api):
    alice.language = "ja"
    alice.save()
    response = alice_api.post(
        "webhooks",
        {"url": HTTP_URL, "event_types": ["request.submitted"]},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    message = _url_errors(response)[("url", "https_required")]
    with translation.override("ja"):
        # Whatever the Japanese catalogue holds for it (the lead merges /tmp/po/outputs.po).
        assert message == translation.gettext("The URL must start with https://.")


def test_changing_an_endpoint_to_http_is_refused(alice, alice_api):
    endpoint = services.endpoint_create(
        organization=alice.organization,
        by=alice,
        url="https://hooks.acme.example/genba",
        event_types=["request.submitted"],
    )
    response = alice_api.patch(f"webhooks/{endpoint.public_id}", {"url": HTTP_URL})
    assert list(_url_errors(response)) == [("url", "https_required")]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.acme.example/genba"


@pytest.mark.parametrize("url", ["HTTP://hooks.acme.example/genba", " http://hooks.acme.example/"])
def test_the_scheme_is_checked_whatever_its_case_or_spacing(alice_api, url):
    response = alice_api.post("webhooks", {"url": url, "event_types": ["request.submitted"]})
    assert list(_url_errors(response)) == [("url", "https_required")]


def test_https_is_accepted_and_the_flag_lets_http_in_for_development(alice_api):
    body = {"url": "https://hooks.acme.example/genba", "event_types": ["request.submitted"]}
    assert alice_api.post("webhooks", body).status_code == 201
    with override_settings(GENBA_WEBHOOKS_ALLOW_HTTP=True):
        body = {"url": HTTP_URL, "event_types": ["request.submitted"]}
        assert alice_api.post("webhooks", body).status_code == 201


def test_the_http_flag_does_not_lift_the_private_address_rule(alice_api):
    with override_settings(GENBA_WEBHOOKS_ALLOW_HTTP=True):
        response = alice_api.post(
            "webhooks",
            {
                "url": "http://169.254.169.254/latest/meta-data/",
                "event_types": ["request.submitted"],
            },
        )
    assert list(_url_errors(response)) == [("url", "private_host")]


def test_the_flag_is_off_by_default():
    from django.conf import settings

    assert settings.GENBA_WEBHOOKS_ALLOW_HTTP is False
    assert sending.allow_http() is False


def test_an_http_endpoint_registered_with_the_flag_gets_nothing_once_it_is_off(
    alice, django_capture_on_commit_callbacks
):
    receiver = Receiver()  # a real HTTP receiver on 127.0.0.1
    try:
        with LOCAL_HTTP:
            endpoint_for(alice, receiver.url)
            with django_capture_on_commit_callbacks(execute=True):
                submitted(alice)
        with override_settings(GENBA_WEBHOOKS_ALLOW_PRIVATE=True):  # http no longer allowed
            status = attempt(WebhookDelivery.objects.get(), django_capture_on_commit_callbacks)
        assert status == DeliveryStatus.FAILED
        assert receiver.received == []
        delivery = WebhookDelivery.objects.get()
        assert delivery.last_error.startswith("refused:") and "https://" in delivery.last_error

        with LOCAL_HTTP:  # the flag back on: the retry goes through, to the real receiver
            delivery.next_attempt_at = delivery.last_attempt_at
            delivery.save(update_fields=["next_attempt_at"])
            status = attempt(delivery, django_capture_on_commit_callbacks)
        assert status == DeliveryStatus.SUCCEEDED
        assert len(receiver.received) == 1
    finally:
        receiver.close()
