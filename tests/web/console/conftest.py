"""Console users beyond the rulebook's named ones: an admin, and ken with a dispatch profile."""

from __future__ import annotations

import pytest

from genba.accounts.models import Role
from tests.dispatch.helpers import profile_for
from tests.factories import UserFactory


@pytest.fixture
def admin(provider):
    return UserFactory(
        email="admin@genba.example", first_name="Ada", organization=provider, role=Role.ADMIN
    )


@pytest.fixture
def ken_profile(ken):
    return profile_for(ken)


def page(response) -> str:
    return response.content.decode()
