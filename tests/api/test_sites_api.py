"""/sites and /contacts: the places and people a customer orders visits for, kept per organization."""

from __future__ import annotations

from genba.sites.models import Contact, Site
from tests.api.helpers import create, error_fields, problem
from tests.factories import complete_order

SITE = {
    "name": "Shinagawa office",
    "company_name": "Acme KK",
    "postal_code": "108-0075",
    "prefecture": "Tokyo",
    "city": "Minato-ku",
    "street": "2-16-1 Konan",
    "floor": "12",
    "maps_url": "https://maps.app.goo.gl/xyz",
}


def test_a_customer_adds_a_site(alice_api):
    response = alice_api.post("sites", SITE)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("site_")
    assert {k: body[k] for k in SITE} == SITE
    assert body["is_datacenter"] is False
    assert Site.objects.get(public_id=body["id"]).organization == alice_api.user.organization


def test_a_site_without_a_name_is_named_from_its_parts(alice_api):
    body = alice_api.post("sites", {"company_name": "Acme KK", "city": "Minato-ku"}).json()
    assert body["name"] == "Acme KK Minato-ku"


def test_a_site_is_read_back_and_listed(alice_api):
    created = alice_api.post("sites", SITE).json()
    assert alice_api.get(f"sites/{created['id']}").json() == created
    assert alice_api.get("sites").json() == [created]


def test_a_site_with_an_unknown_field_is_a_422_naming_it(alice_api):
    body = problem(alice_api.post("sites", {**SITE, "elevator": True}), 422)
    assert error_fields(body) == ["elevator"]
    assert Site.objects.count() == 0


def test_a_site_latitude_out_of_range_is_a_422(alice_api):
    body = problem(alice_api.post("sites", {"name": "North pole+", "latitude": "91"}), 422)
    assert error_fields(body) == ["latitude"]


def test_only_a_customer_adds_sites(carol_api):
    problem(carol_api.post("sites", SITE), 403)
    assert Site.objects.count() == 0


def test_a_coordinator_sees_every_customers_sites(alice_api, bob_api, carol_api):
    ids = {alice_api.post("sites", SITE).json()["id"], bob_api.post("sites", SITE).json()["id"]}
    assert {s["id"] for s in carol_api.get("sites").json()} == ids


def test_a_request_can_use_a_saved_site(alice_api):
    site = alice_api.post("sites", SITE).json()

    created = create(alice_api, complete_order(site=None, site_id=site["id"]))

    assert created["site"] == site
    assert "site.missing" not in {f["code"] for f in created["findings"]}


def test_a_customer_adds_a_contact_whose_phone_is_stored_in_e164(alice_api):
    response = alice_api.post(
        "contacts", {"name": "Taro Yamada", "phone": "03-1234-5678", "language": "ja"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("con")
    assert body["phone"] == "+81312345678"
    assert body["phone_input"] == "03-1234-5678"
    assert alice_api.get(f"contacts/{body['id']}").json() == body
    assert alice_api.get("contacts").json() == [body]


def test_a_contact_phone_that_does_not_parse_is_kept_as_typed(alice_api):
    body = alice_api.post("contacts", {"name": "Typo", "phone": "12"}).json()
    assert body["phone"] == ""
    assert body["phone_input"] == "12"


def test_a_contact_language_outside_en_and_ja_is_a_422(alice_api):
    body = problem(alice_api.post("contacts", {"name": "Hans", "language": "de"}), 422)
    assert error_fields(body) == ["language"]
    assert Contact.objects.count() == 0


def test_only_a_customer_adds_contacts(carol_api):
    problem(carol_api.post("contacts", {"name": "Taro"}), 403)
    assert Contact.objects.count() == 0


def test_a_request_can_name_a_saved_contact(alice_api):
    contact = alice_api.post("contacts", {"name": "Taro", "phone": "03-1234-5678"}).json()
    created = create(alice_api, complete_order(local_contact=None, local_contact_id=contact["id"]))
    assert created["local_contact"] == contact
    assert created["findings"] == []
