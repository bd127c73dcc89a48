"""The back office (/admin/) is for what has no page. Every model has an admin page the
administrator can open; what has a service (requests, visits, proposals, invoices, sites...) is
view-only there for everybody, and each staff role sees only its share (docs/back-office.md)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from genba.accounts.models import Role
from genba.core.admin import RoleAccess, back_office_group
from genba.core.models import AuditEvent
from tests.dispatch.helpers import profile_for
from tests.factories import UserFactory
from tests.orders.helpers import approved, new_request, reload

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def back_office_client(user, *, superuser=False) -> Client:
    """Staff as the demo sets them up: is_staff, and the group of their role."""
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    if user.role in (Role.COORDINATOR, Role.BILLING, Role.ADMIN):
        user.groups.set([back_office_group(user.role)])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(provider):
    return UserFactory(organization=provider, role=Role.ADMIN, email="admin@genba.example")


@pytest.fixture
def staff_client(admin_user):
    """The administrator, a superuser as in the demo."""
    return back_office_client(admin_user, superuser=True)


@pytest.fixture(params=["superuser", "group only"])
def admin_client(request, admin_user):
    """The administrator with and without the superuser flag: the rules hold either way."""
    return back_office_client(admin_user, superuser=request.param == "superuser")


@pytest.fixture
def login(carol, bill, admin_user):
    """`login("coordinator")`; "superuser" is the administrator with the flag, as in the demo."""

    def login(role: str) -> Client:
        user = {"coordinator": carol, "billing": bill, "admin": admin_user, "superuser": admin_user}
        return back_office_client(user[role], superuser=role == "superuser")

    return login


@pytest.fixture
def world(alice, carol, ken):
    """A request with a proposal, an engineer with a profile, a contact."""
    profile = profile_for(ken)
    request = approved(alice, carol, ken)
    return request, profile


def test_every_genba_model_is_in_the_admin():
    from django.apps import apps

    genba_models = [m for m in apps.get_models() if m.__module__.startswith("genba.")]
    missing = [m.__name__ for m in genba_models if m not in admin.site._registry]
    assert missing == []


def test_every_genba_model_admin_says_which_roles_may_use_it():
    unruled = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("genba.") and not isinstance(model_admin, RoleAccess)
    ]
    assert unruled == []


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m.__module__.startswith("genba.")],
    ids=lambda m: m.__name__,
)
def test_admin_list_and_detail_pages_open(staff_client, world, model):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert staff_client.get(url).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert staff_client.get(f"{url}{obj.pk}/change/").status_code == 200


# --- who reaches what -------------------------------------------------------------------------

LISTS = {
    "request": "/admin/orders/servicerequest/",
    "visit": "/admin/orders/visit/",
    "proposal": "/admin/dispatch/proposal/",
    "engineer": "/admin/dispatch/engineerprofile/",
    "leave": "/admin/dispatch/leave/",
    "contact": "/admin/sites/contact/",
    "contract": "/admin/contracts/contract/",
    "policy": "/admin/contracts/policy/",
    "invoice": "/admin/billing/invoice/",
    "issuer": "/admin/billing/issuerprofile/",
    "user": "/admin/accounts/user/",
    "token": "/admin/accounts/apitoken/",
    "audit": "/admin/core/auditevent/",
    "webhook": "/admin/webhooks/webhookendpoint/",
}
REACHABLE = {
    "coordinator": {
        "request",
        "visit",
        "proposal",
        "engineer",
        "leave",
        "contact",
        "contract",
        "policy",
    },
    "billing": {"request", "visit", "contract", "policy", "invoice", "issuer"},
    "admin": set(LISTS),
    "superuser": set(LISTS),
}


@pytest.mark.parametrize("role", ["coordinator", "billing", "admin", "superuser"])
def test_each_staff_role_reaches_only_its_share(role, login, world):
    client = login(role)
    reached = {name for name, url in LISTS.items() if client.get(url).status_code == 200}
    refused = {name: client.get(url).status_code for name, url in LISTS.items()}
    assert reached == REACHABLE[role]
    assert {code for name, code in refused.items() if name not in reached} <= {403}


@pytest.mark.parametrize("role", ["coordinator", "billing"])
def test_staff_open_the_pages_of_what_they_see(role, login, world):
    client = login(role)
    service_request, _profile = world
    page = client.get(f"{LISTS['request']}{service_request.pk}/change/")
    assert page.status_code == 200
    # View-only: no save button.
    assert 'name="_save"' not in page.content.decode()


def test_billing_does_not_open_an_engineer_or_a_contact(login, world):
    billing_client = login("billing")
    service_request, profile = world
    assert billing_client.get(f"{LISTS['engineer']}{profile.pk}/change/").status_code == 403
    contact = service_request.local_contact
    assert billing_client.get(f"{LISTS['contact']}{contact.pk}/change/").status_code == 403


@pytest.mark.parametrize("role", ["customer", "engineer"])
def test_customers_and_engineers_cannot_open_the_admin(role, alice, ken):
    client = Client()
    client.force_login(alice if role == "customer" else ken)
    response = client.get(LISTS["request"])
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ["customer", "engineer"])
def test_a_customer_or_engineer_made_staff_by_mistake_still_sees_nothing(role, alice, ken, world):
    client = back_office_client(alice if role == "customer" else ken)
    assert {client.get(url).status_code for url in LISTS.values()} == {403}


# --- no change that has a service -------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "billing", "admin", "superuser"])
def test_nobody_changes_a_request_or_its_status_here(role, login, world):
    client = login(role)
    before = reload(world[0])
    response = client.post(
        f"{LISTS['request']}{before.pk}/change/",
        {"title": "Changed in the admin", "status": "closed"},
    )
    assert response.status_code == 403
    after = reload(before)
    assert (after.title, after.status) == (before.title, "approved")


@pytest.mark.parametrize("role", ["coordinator", "billing", "admin", "superuser"])
def test_nobody_changes_a_contact_here(role, login, world):
    client = login(role)
    contact = world[0].local_contact
    response = client.post(
        f"{LISTS['contact']}{contact.pk}/change/", {"name": "Someone else", "email": "x@y.example"}
    )
    assert response.status_code == 403
    assert reload(contact).name == contact.name


@pytest.mark.parametrize("role", ["coordinator", "billing"])
def test_coordinators_and_billing_do_not_change_an_engineer(role, login, world):
    client = login(role)
    _request, profile = world
    response = client.post(
        f"{LISTS['engineer']}{profile.pk}/change/",
        {"skill_level": "specialist", "new_photo_id": SimpleUploadedFile("id.png", PNG)},
    )
    assert response.status_code == 403
    after = reload(profile)
    assert (after.skill_level, bool(after.photo_id)) == (profile.skill_level, False)


@pytest.mark.parametrize(
    "path", ["orders/servicerequest", "orders/visit", "orders/attachment", "dispatch/booking"]
)
def test_nothing_with_a_service_is_added_here(admin_client, path):
    assert admin_client.get(f"/admin/{path}/add/").status_code == 403


def test_the_settings_page_fields_of_a_policy_are_read_only_here(staff_client, ecorpone):
    url = f"{LISTS['policy']}{ecorpone.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    assert "minimum_hours" not in form.fields
    assert "time_zone" in form.fields


# --- what has no page stays editable, audited -------------------------------------------------


def form_data(client, url) -> dict:
    """The change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_billing_edits_a_contract_and_the_edit_is_audited(login, acme):
    billing_client = login("billing")
    contract = acme.contracts.get()
    url = f"{LISTS['contract']}{contract.pk}/change/"
    data = form_data(billing_client, url)
    data.update(rate_senior="13000")
    response = billing_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert reload(contract).rate_senior == 13000
    event = AuditEvent.objects.get(action="admin_changed", object_type="contract")
    assert event.data["fields"] == ["rate_senior"]


def test_coordinators_record_leave_but_billing_does_not(login, ken):
    assert login("coordinator").get(f"{LISTS['leave']}add/").status_code == 200
    assert login("billing").get(f"{LISTS['leave']}add/").status_code == 403


# --- uploads go through the same checks as the API -------------------------------------------


def test_an_admin_uploads_a_photo_id_through_the_photo_id_service(admin_client, world):
    _request, profile = world
    url = f"{LISTS['engineer']}{profile.pk}/change/"
    data = form_data(admin_client, url)
    data["new_photo_id"] = SimpleUploadedFile("ken.png", PNG, content_type="image/png")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    after = reload(profile)
    assert after.photo_id.name == f"photo-ids/{profile.public_id}"
    assert after.photo_id_content_type == "image/png"
    assert AuditEvent.objects.filter(action="photo_id_set", object_id=profile.public_id).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ken.png", b"MZ\x90\x00 not an image"),  # the name says PNG, the bytes do not
        ("ken.exe", PNG),  # not a photo ID type
        ("ken.png", PNG + b"\x00" * (5 * 1024 * 1024)),  # over 5 MB
    ],
    ids=["content", "type", "size"],
)
def test_a_bad_photo_id_is_refused_here_too_and_nothing_is_saved(
    admin_client, world, name, content
):
    _request, profile = world
    url = f"{LISTS['engineer']}{profile.pk}/change/"
    data = form_data(admin_client, url)
    data.update(skill_level="specialist", new_photo_id=SimpleUploadedFile(name, content))
    response = admin_client.post(url, data, follow=True)
    assert "Nothing was saved" in response.content.decode()
    after = reload(profile)
    assert (bool(after.photo_id), after.skill_level) == (False, profile.skill_level)
    assert not AuditEvent.objects.filter(object_id=profile.public_id).exists()


def test_the_photo_id_file_is_never_linked_from_the_admin(staff_client, world, carol):
    from genba.dispatch.photo_ids import photo_id_set

    _request, profile = world
    photo_id_set(profile=profile, upload=SimpleUploadedFile("ken.png", PNG), by=carol)
    page = staff_client.get(f"{LISTS['engineer']}{profile.pk}/change/").content.decode()
    assert "image/png" in page  # what is on file is said
    assert "photo-ids/" not in page  # where it is, is not


def test_attachments_are_not_uploaded_or_changed_here(admin_client, alice):
    from genba.orders.attachments import attachment_add

    service_request = new_request(alice)
    attachment = attachment_add(
        request=service_request, by=alice, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    )
    url = f"/admin/orders/attachment/{attachment.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()
    bad = SimpleUploadedFile("a.pdf", b"MZ\x90\x00")
    assert admin_client.post(url, {"kind": "other", "file": bad}).status_code == 403
    assert reload(attachment).sha256 == attachment.sha256


# --- credentials ------------------------------------------------------------------------------


def test_the_administrator_revokes_a_token_once_and_for_all(admin_client, alice):
    from genba.accounts.models import ApiToken

    token, _raw = ApiToken.issue(user=alice, name="ci")
    response = admin_client.post(
        LISTS["token"], {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    revoked_at = reload(token).revoked_at
    assert revoked_at is not None
    assert AuditEvent.objects.filter(action="admin_revoked", object_type="apitoken").count() == 1
    # revoked_at is not a field anybody types in: a revoked token cannot come back.
    form = admin_client.get(f"{LISTS['token']}{token.pk}/change/").context["adminform"].form
    assert "revoked_at" not in form.fields


# --- the groups the demo gives staff ----------------------------------------------------------


def test_the_billing_group_grants_no_change_to_requests_or_engineers(db):
    codenames = set(back_office_group(Role.BILLING).permissions.values_list("codename", flat=True))
    assert "view_servicerequest" in codenames
    assert "change_contract" in codenames
    assert not {"change_servicerequest", "change_engineerprofile", "view_engineerprofile"} & (
        codenames
    )


@override_settings(DEBUG=True)
def test_the_demo_puts_each_staff_role_in_its_group():
    import io

    from django.core.management import call_command

    from genba.accounts.models import User

    call_command("demo", stdout=io.StringIO())
    billing = User.objects.get(email="billing@genba.example")
    coordinator = User.objects.get(email="coord@genba.example")
    assert [g.name for g in billing.groups.all()] == ["Back office: billing"]
    assert not billing.has_perm("orders.change_servicerequest")
    assert not billing.has_perm("dispatch.change_engineerprofile")
    assert coordinator.has_perm("dispatch.change_leave")
    assert not coordinator.has_perm("sites.change_contact")
