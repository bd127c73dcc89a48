"""Engineers with dispatch profiles, for the dispatch tests."""

from __future__ import annotations

from genba.dispatch.models import EngineerProfile
from tests.factories import UserFactory

SHINJUKU = ("35.690921", "139.700258")


def profile_for(user, **fields) -> EngineerProfile:
    values = {
        "skill_level": "senior",
        "languages": ["en", "ja"],
        "home_latitude": SHINJUKU[0],
        "home_longitude": SHINJUKU[1],
        "zones": ["A"],
        "work_days": [0, 1, 2, 3, 4],
    }
    values.update(fields)
    # update_or_create: `ken` comes with a profile (conftest); a test may reshape it.
    profile, _ = EngineerProfile.objects.update_or_create(user=user, defaults=values)
    return profile


def engineer(provider, **fields) -> EngineerProfile:
    return profile_for(UserFactory(organization=provider, role="engineer"), **fields)
