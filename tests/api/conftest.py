"""Clients for the named users of tests/conftest.py."""

import pytest


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
