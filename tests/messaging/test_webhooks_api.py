"""/api/v1/webhooks: customers register endpoints, read the delivery log, replay; scoped to their
organization (another customer's webhook is a 404, like a missing one); bad input is a problem+json
naming the field and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from genba.core import clock
from genba.core.models import AuditEvent
from genba.messaging.webhooks import services
from genba.messaging.webhooks.events import EVENT_TYPES
from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint, new_event_id

pytestmark = pytest.mark.django_db


URL = "https://hooks.acme.example/genba"  # .example never resolves: accepted, checked at send time
PROBLEM = "application/problem+json"


def _endpoint(user, url=URL, event_types=("request.submitted",)):
    return services.endpoint_create(
        organization=user.organization, by=user, url=url, event_types=list(event_types)
    )


def _deliveries(endpoint, n, **fields):
    event_id = new_event_id()
    out = []
    for i in range(n):
        out.append(
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_id=fields.get("event_id", event_id if n == 1 else new_event_id()),
                event_type="request.submitted",
                payload={"type": "request.submitted", "data": {"request": f"req_{i}"}},
                status=fields.get("status", "succeeded"),
                created_at=clock.now() + timedelta(seconds=i),
            )
        )
    return out


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


def delete(api, path):
    return api.client.delete(f"/api/v1/{path}")


# --- create, read, list ---------------------------------------------------------------------------


def test_create_answers_the_secret_once(alice_api):
    response = alice_api.post(
        "webhooks",
        {"url": URL, "event_types": ["request.submitted", "visit.arrived"], "description": "ERP"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["id"].startswith("whk_")
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["request.submitted", "visit.arrived"]
    assert created["active"] is True
    endpoint = WebhookEndpoint.objects.get(public_id=created["id"])
    assert endpoint.secret == created["secret"]
    assert endpoint.organization == alice_api.user.organization

    shown = alice_api.get(f"webhooks/{created['id']}").json()
    assert "secret" not in shown
    assert shown["url"] == URL
    listed = alice_api.get("webhooks").json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    event = AuditEvent.objects.get(object_id=created["id"], action="created")
    assert created["secret"] not in str(event.data)


def test_an_international_host_name_is_accepted(alice_api):
    response = alice_api.post(
        "webhooks", {"url": "https://フック.example/genba", "event_types": ["request.submitted"]}
    )
    assert response.status_code == 201, response.content


def test_a_retried_create_with_an_idempotency_key_makes_one_endpoint(alice_api):
    body = {"url": URL, "event_types": ["request.submitted"]}
    first = alice_api.post("webhooks", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = alice_api.post("webhooks", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["secret"] == first.json()["secret"]
    assert WebhookEndpoint.objects.count() == 1


def test_the_event_types_are_listed(alice_api):
    listed = alice_api.get("webhooks/event-types").json()
    assert [t["type"] for t in listed] == EVENT_TYPES
    assert {"request.submitted", "visit.signed_off", "proposal.declined"} <= set(EVENT_TYPES)
    assert all(t["description"] for t in listed)


def test_list_shows_only_the_callers_organization(alice, bob, alice_api):
    mine = _endpoint(alice)
    _endpoint(bob)
    assert [e["id"] for e in alice_api.get("webhooks").json()] == [mine.public_id]


# --- refused input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.acme.example/genba", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://user:pass@hooks.acme.example/genba", "credentials"),
        ("https://token@hooks.acme.example/genba", "credentials"),
        ("https:///no-host", "host"),
        ("https://hooks.acme.example:99999/", "invalid"),
        ("https://hooks.acme.example/a b", "invalid"),
        ("https://hooks.acme.example/発注", "invalid"),
        ("https://" + "a" * 70 + ".example/", "host"),
        ("", "string_too_short"),
    ],
)
def test_a_bad_url_is_refused_naming_url(alice_api, url, code):
    response = alice_api.post("webhooks", {"url": url, "event_types": ["request.submitted"]})
    assert _errors(response) == {("url", code)}
    assert WebhookEndpoint.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="webhookendpoint").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8000/hook",
        "https://localhost/hook",
        "https://api.localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://2130706433/hook",  # 127.0.0.1 as one number
    ],
)
def test_a_private_host_is_refused_unless_the_setting_allows_it(alice_api, url):
    body = {"url": url, "event_types": ["request.submitted"]}
    response = alice_api.post("webhooks", body)
    assert _errors(response) == {("url", "private_host")}
    assert WebhookEndpoint.objects.count() == 0

    with override_settings(GENBA_WEBHOOKS_ALLOW_PRIVATE=True):
        assert alice_api.post("webhooks", body).status_code == 201


def test_unknown_or_missing_event_types_are_refused(alice_api):
    response = alice_api.post(
        "webhooks", {"url": URL, "event_types": ["request.submitted", "request.exploded"]}
    )
    assert _errors(response) == {("event_types[1]", "unknown_event_type")}
    response = alice_api.post("webhooks", {"url": URL, "event_types": []})
    assert _errors(response) == {("event_types", "required")}
    response = alice_api.post("webhooks", {"url": URL})
    assert _errors(response) == {("event_types", "missing")}
    assert WebhookEndpoint.objects.count() == 0


def test_unknown_fields_are_refused(alice_api):
    response = alice_api.post(
        "webhooks", {"url": URL, "event_types": ["request.submitted"], "secret": "whsec_AAAA"}
    )
    assert _errors(response) == {("secret", "extra_forbidden")}


def test_staff_may_not_manage_webhooks(alice, carol_api):
    endpoint = _endpoint(alice)
    for response in (
        carol_api.get("webhooks"),
        carol_api.post("webhooks", {"url": URL, "event_types": ["request.submitted"]}),
        carol_api.get(f"webhooks/{endpoint.public_id}"),
        carol_api.get("webhooks/event-types"),
    ):
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM


# --- change, deactivate, rotate ------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(alice, alice_api):
    endpoint = _endpoint(alice)
    response = alice_api.patch(
        f"webhooks/{endpoint.public_id}",
        {"event_types": ["request.approved", "request.approved"], "description": "ERP"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["event_types"] == ["request.approved"]
    assert response.json()["url"] == URL
    assert response.json()["description"] == "ERP"
    assert "secret" not in response.json()
    event = AuditEvent.objects.get(object_id=endpoint.public_id, action="updated")
    assert event.data["fields"] == ["description", "event_types"]


def test_a_bad_patch_changes_nothing(alice, alice_api):
    endpoint = _endpoint(alice)
    response = alice_api.patch(
        f"webhooks/{endpoint.public_id}",
        {"url": "ftp://hooks.acme.example/", "description": "changed"},
    )
    assert _errors(response) == {("url", "scheme")}
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == (URL, "")


def test_delete_deactivates_and_keeps_the_log(alice, alice_api):
    endpoint = _endpoint(alice)
    _deliveries(endpoint, 1)
    response = delete(alice_api, f"webhooks/{endpoint.public_id}")
    assert response.status_code == 204
    shown = alice_api.get(f"webhooks/{endpoint.public_id}").json()
    assert shown["active"] is False
    assert alice_api.get(f"webhooks/{endpoint.public_id}/deliveries").json()["count"] == 1
    assert AuditEvent.objects.filter(object_id=endpoint.public_id, action="deactivated").exists()
    # Active again on request.
    response = alice_api.patch(f"webhooks/{endpoint.public_id}", {"active": True})
    assert response.json()["active"] is True


def test_rotate_answers_a_new_secret_and_keeps_the_old_for_a_day(alice, alice_api):
    endpoint = _endpoint(alice)
    old = endpoint.secret
    response = alice_api.post(f"webhooks/{endpoint.public_id}/rotate-secret")
    assert response.status_code == 200, response.content
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != old
    endpoint.refresh_from_db()
    assert endpoint.secret == rotated["secret"]
    assert endpoint.signing_secrets() == [rotated["secret"], old]
    assert rotated["previous_secret_valid_until"] == (clock.now() + timedelta(hours=24)).isoformat()
    event = AuditEvent.objects.get(object_id=endpoint.public_id, action="secret_rotated")
    assert old not in str(event.data) and rotated["secret"] not in str(event.data)


# --- delivery log and replay ---------------------------------------------------------------------


def test_the_delivery_log_is_paginated_newest_first(alice, alice_api):
    endpoint = _endpoint(alice)
    made = _deliveries(endpoint, 3)
    page = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries?page_size=2").json()
    assert (page["count"], page["pages"], page["page"]) == (3, 2, 1)
    assert [d["id"] for d in page["items"]] == [made[2].public_id, made[1].public_id]
    page2 = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries?page_size=2&page=2").json()
    assert [d["id"] for d in page2["items"]] == [made[0].public_id]
    item = page2["items"][0]
    assert item["event_id"] == made[0].event_id
    assert item["payload"]["data"]["request"] == "req_0"
    one = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries/{made[0].public_id}").json()
    assert one == item


def test_the_delivery_log_filters_by_status(alice, alice_api):
    endpoint = _endpoint(alice)
    _deliveries(endpoint, 2)
    failed = _deliveries(endpoint, 1, status="exhausted")
    page = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries?status=exhausted").json()
    assert [d["id"] for d in page["items"]] == [failed[0].public_id]
    response = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries?status=lost")
    assert _errors(response) == {("status", "enum")}
    response = alice_api.get(f"webhooks/{endpoint.public_id}/deliveries?page_size=1000")
    assert _errors(response) == {("page_size", "less_than_equal")}


def test_replay_queues_the_same_event_again(alice, alice_api, django_capture_on_commit_callbacks):
    endpoint = _endpoint(alice)
    (original,) = _deliveries(endpoint, 1, status="exhausted")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(
            f"webhooks/{endpoint.public_id}/deliveries/{original.public_id}/replay"
        )
    assert response.status_code == 201, response.content
    replay = response.json()
    assert replay["id"] != original.public_id
    assert (replay["event_id"], replay["replay_of"], replay["status"]) == (
        original.event_id,
        original.public_id,
        "pending",
    )
    assert replay["payload"] == original.payload
    assert DBTaskResult.objects.filter(args_kwargs__args=[replay["id"]]).exists()
    assert AuditEvent.objects.filter(object_id=replay["id"], action="replayed").exists()


def test_replay_on_a_deactivated_endpoint_is_refused(alice, alice_api):
    endpoint = _endpoint(alice)
    (original,) = _deliveries(endpoint, 1)
    services.endpoint_delete(endpoint=endpoint, by=alice)
    response = alice_api.post(
        f"webhooks/{endpoint.public_id}/deliveries/{original.public_id}/replay"
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert WebhookDelivery.objects.count() == 1


# --- another customer's webhook is a 404, like a missing one ------------------------------------

MISSING = "whk_0000000000000000"
MISSING_DELIVERY = "whd_0000000000000000"


def _calls(hook, delivery):
    return [
        ("get", f"webhooks/{hook}", None),
        ("patch", f"webhooks/{hook}", {"description": "mine now"}),
        ("delete", f"webhooks/{hook}", None),
        ("post", f"webhooks/{hook}/rotate-secret", None),
        ("get", f"webhooks/{hook}/deliveries", None),
        ("get", f"webhooks/{hook}/deliveries/{delivery}", None),
        ("post", f"webhooks/{hook}/deliveries/{delivery}/replay", None),
    ]


def _send(api, method, path, body):
    if method == "delete":
        return delete(api, path)
    if method == "patch":
        return api.patch(path, body)
    return getattr(api, method)(path)


@pytest.mark.parametrize("index", range(7), ids=[c[0] + " " + c[1] for c in _calls("{id}", "{d}")])
def test_bob_gets_404_on_alices_webhook_as_on_a_missing_one(alice, bob_api, index):
    endpoint = _endpoint(alice)
    (delivery,) = _deliveries(endpoint, 1)
    before = (
        WebhookEndpoint.objects.values().get(),
        list(WebhookDelivery.objects.values()),
    )
    method, path, body = _calls(endpoint.public_id, delivery.public_id)[index]
    response = _send(bob_api, method, path, body)
    method, missing_path, body = _calls(MISSING, MISSING_DELIVERY)[index]
    missing = _send(bob_api, method, missing_path, body)
    assert response.status_code == missing.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == missing.json()
    assert (
        WebhookEndpoint.objects.values().get(),
        list(WebhookDelivery.objects.values()),
    ) == before


def test_bobs_own_delivery_id_under_alices_webhook_is_404(alice, bob, alice_api, bob_api):
    alices = _endpoint(alice)
    bobs = _endpoint(bob)
    (bobs_delivery,) = _deliveries(bobs, 1)
    # Alice cannot reach Bob's delivery by putting its id under her own endpoint.
    response = alice_api.get(f"webhooks/{alices.public_id}/deliveries/{bobs_delivery.public_id}")
    assert response.status_code == 404
    response = alice_api.post(
        f"webhooks/{alices.public_id}/deliveries/{bobs_delivery.public_id}/replay"
    )
    assert response.status_code == 404
    assert WebhookDelivery.objects.count() == 1
