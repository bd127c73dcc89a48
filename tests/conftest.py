"""Named users per role (as in the rulebook's §7): alice and bob are customers of two different
companies, carol coordinates, ken is an engineer, bill does billing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from genba.accounts.models import ApiToken, OrganizationKind, Role
from genba.contracts.models import ContractKind, Policy
from genba.core import clock
from tests.factories import NOW, ContractFactory, OrganizationFactory, UserFactory, tokyo_coverage


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.set_now(NOW)
    yield NOW
    clock.set_now(None)


@pytest.fixture
def ecorpone(db):
    Policy.objects.ensure_presets()  # a transactional test before this one may have emptied the table
    policy = Policy.objects.get(key="ecorpone")
    tokyo_coverage(policy)
    return policy


@pytest.fixture
def tokyo_its(db):
    Policy.objects.ensure_presets()
    policy = Policy.objects.get(key="tokyo-its")
    tokyo_coverage(policy)
    return policy


@pytest.fixture
def provider(db):
    return OrganizationFactory(
        name="Genba Field Services KK", kind=OrganizationKind.PROVIDER, country="JP"
    )


@pytest.fixture
def acme(ecorpone):
    org = OrganizationFactory(name="Acme Inc.")
    ContractFactory(organization=org, policy=ecorpone, kind=ContractKind.RETAINER)
    return org


@pytest.fixture
def globex(ecorpone):
    org = OrganizationFactory(name="Globex Corp.")
    ContractFactory(organization=org, policy=ecorpone, kind=ContractKind.AD_HOC, name="Ad hoc")
    return org


@pytest.fixture
def alice(acme):
    return UserFactory(email="alice@acme.example", first_name="Alice", organization=acme)


@pytest.fixture
def bob(globex):
    return UserFactory(email="bob@globex.example", first_name="Bob", organization=globex)


@pytest.fixture
def carol(provider):
    return UserFactory(
        email="carol@genba.example",
        first_name="Carol",
        organization=provider,
        role=Role.COORDINATOR,
    )


@pytest.fixture
def ken(provider):
    """A senior engineer speaking English and Japanese, covering Tokyo (zone A) and Kansai (C),
    working every day 08:00-20:00: proposals check all of that (rulebook §3)."""
    from tests.dispatch.helpers import profile_for

    user = UserFactory(
        email="ken@genba.example",
        first_name="Ken",
        last_name="Sato",
        organization=provider,
        role=Role.ENGINEER,
        phone="+819012345678",
    )
    profile_for(user, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6])
    return user


@pytest.fixture
def bill(provider):
    return UserFactory(
        email="bill@genba.example", first_name="Bill", organization=provider, role=Role.BILLING
    )


class ApiClient:
    """A Django test client speaking JSON with a bearer token."""

    def __init__(self, user, **headers):
        self.user = user
        _, self.token = ApiToken.issue(user=user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}", **headers)

    def _send(self, method, path, data=None, **extra):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(url, **kwargs, **extra)

    def get(self, path, **extra):
        return self.client.get(path if path.startswith("/") else f"/api/v1/{path}", **extra)

    def post(self, path, data=None, **extra):
        return self._send("post", path, data if data is not None else {}, **extra)

    def patch(self, path, data, **extra):
        return self._send("patch", path, data, **extra)


@pytest.fixture
def api_as():
    return ApiClient


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs these)")


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """The Japanese messages are compiled at install (make); compile here too so a bare `pytest`
    tests the same thing."""
    from django.core.management import call_command

    call_command("compilemessages", locale=["ja"], verbosity=0)


# JSON clients for the named users.


@pytest.fixture
def alice_api(alice, api_as):
    return api_as(alice)


@pytest.fixture
def bob_api(bob, api_as):
    return api_as(bob)


@pytest.fixture
def carol_api(carol, api_as):
    return api_as(carol)


@pytest.fixture
def ken_api(ken, api_as):
    return api_as(ken)


@pytest.fixture
def bill_api(bill, api_as):
    return api_as(bill)
