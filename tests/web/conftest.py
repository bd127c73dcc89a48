"""Pages are tested through Django's test client, signed in as the rulebook's named users."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client_as():
    """`client_as(alice)` is a browser session signed in as alice (her language and time zone)."""

    def make(user, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(user)
        return client

    return make
