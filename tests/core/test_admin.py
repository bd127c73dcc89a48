"""The back office: every model has an admin page that a provider admin can open."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from tests.factories import UserFactory
from tests.orders.helpers import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(provider):
    user = UserFactory(organization=provider, role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_every_genba_model_is_in_the_admin():
    from django.apps import apps

    genba_models = [m for m in apps.get_models() if m.__module__.startswith("genba.")]
    missing = [m.__name__ for m in genba_models if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m.__module__.startswith("genba.")],
    ids=lambda m: m.__name__,
)
def test_admin_list_and_detail_pages_open(staff_client, alice, carol, ken, model):
    approved(alice, carol, ken)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert staff_client.get(url).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert staff_client.get(f"{url}{obj.pk}/change/").status_code == 200


def test_customers_cannot_open_the_admin(alice):
    client = Client()
    client.force_login(alice)
    response = client.get("/admin/orders/servicerequest/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_back_office_edits_are_audited(staff_client, alice):
    from genba.core.models import AuditEvent
    from genba.orders.models import ServiceRequest
    from tests.orders.helpers import new_request

    request = new_request(alice)
    url = f"/admin/sites/site/{request.site.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    data.update(floor="7", is_datacenter="on")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_id=request.site.public_id, action="admin_changed")
    assert "floor" in event.data["fields"]
    assert ServiceRequest.objects.get(pk=request.pk).site.floor == "7"


def test_requests_are_not_created_in_the_admin(staff_client):
    assert staff_client.get("/admin/orders/servicerequest/add/").status_code == 403


def test_the_request_page_shows_the_open_findings(staff_client, alice):
    from tests.orders.helpers import new_request

    request = new_request(alice, reference="")
    page = staff_client.get(f"/admin/orders/servicerequest/{request.pk}/change/").content.decode()
    assert "request.reference.missing" in page
