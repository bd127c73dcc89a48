"""Each recipient's link opens the page for their role: customers the portal, coordinators and
admins the console, engineers their visit in the field app, billing its queue or the invoice.
No message links to the JSON API."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import resolve

from genba.accounts.models import Role
from genba.core import clock
from genba.core.models import AuditEvent
from genba.messaging import sla
from genba.messaging.notify import _url, notify_event
from tests.factories import UserFactory
from tests.orders.helpers import VISIT_START, approved, new_request

pytestmark = pytest.mark.django_db

BASE = "https://genba.example"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.GENBA_BASE_URL = BASE


@pytest.fixture
def ada(provider):
    return UserFactory(
        email="ada@genba.example", first_name="Ada", organization=provider, role=Role.ADMIN
    )


def _notify(obj, action):
    return notify_event(
        AuditEvent.objects.filter(object_id=obj.public_id, action=action).latest("id").pk
    )


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def _to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_the_customer_is_sent_to_the_portal(alice):
    from genba.orders import services

    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    message = _to("alice@acme.example")
    assert _links(message) == [f"{BASE}/portal/requests/{request.public_id}/"]


def test_the_customer_in_japanese_is_sent_to_the_portal_too(alice):
    from genba.orders import services

    alice.language = "ja"
    alice.save()
    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    assert f"状況はこちら：{BASE}/portal/requests/{request.public_id}/" in _to(alice.email).body


def test_coordinators_and_admins_are_sent_to_the_console(alice, carol, ada):
    from genba.orders import services

    request = new_request(alice, urgency=4)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    console = f"{BASE}/console/requests/{request.public_id}/"
    assert _links(_to("carol@genba.example")) == [console]
    assert _links(_to("ada@genba.example")) == [console]
    assert _links(_to("alice@acme.example")) == [f"{BASE}/portal/requests/{request.public_id}/"]


def test_the_engineer_is_sent_to_the_visit_in_the_field_app(alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    _notify(request, "approved")
    assert _links(_to("ken@genba.example")) == [f"{BASE}/field/visits/{visit.public_id}/"]


def test_an_sla_breach_links_the_console_and_the_portal(alice, carol, ken):
    request = approved(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(minutes=20))
    assert sla.sweep()["arrival_breached"] == 1
    assert _links(_to("carol@genba.example")) == [f"{BASE}/console/requests/{request.public_id}/"]
    assert _links(_to("alice@acme.example")) == [f"{BASE}/portal/requests/{request.public_id}/"]


def test_billing_is_sent_to_the_billing_queue(alice, carol, ken, bill, ada, tokyo_its):
    from tests.billing.helpers import completed

    contract = alice.organization.contracts.get()
    contract.policy = tokyo_its
    contract.save()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T13:00:00+09:00"
    )
    clock.set_now(request.completed_at + timedelta(hours=43))
    assert sla.sweep()["invoice_at_risk"] == 1
    assert _links(_to("bill@genba.example")) == [f"{BASE}/console/billing/"]
    assert _links(_to("ada@genba.example")) == [f"{BASE}/console/requests/{request.public_id}/"]


@pytest.mark.parametrize(
    ("role", "about", "path", "view"),
    [
        (Role.CUSTOMER, {}, "/portal/requests/req_1/", "portal:request"),
        (None, {}, "/portal/requests/req_1/", "portal:request"),  # a contact without an account
        (Role.COORDINATOR, {}, "/console/requests/req_1/", "console:request"),
        (Role.ADMIN, {}, "/console/requests/req_1/", "console:request"),
        (Role.ENGINEER, {"visit": "vis_1"}, "/field/visits/vis_1/", "field:visit"),
        (Role.ENGINEER, {}, "/field/", "field:home"),
        (Role.BILLING, {}, "/console/billing/", "console:billing"),
        (Role.BILLING, {"invoice": "inv_1"}, "/console/invoices/inv_1/", "console:invoice"),
    ],
)
def test_the_link_for_each_role(role, about, path, view):
    request = SimpleNamespace(public_id="req_1")
    kwargs = {name: SimpleNamespace(public_id=value) for name, value in about.items()}
    url = _url(role, request, **kwargs)
    assert url == f"{BASE}{path}"
    assert resolve(path).view_name == view


def test_no_message_links_to_the_api(alice, carol, ken, ada):
    from genba.orders import services

    request = new_request(alice, urgency=4)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    request = approved(alice, carol, ken)
    _notify(request, "approved")
    assert mail.outbox
    assert not any("/api/" in m.body for m in mail.outbox)
