"""A user's own settings and API tokens. The portal (a customer for itself) and `genba create-token`
(the operator, for any active user) issue tokens through the same service; each write is audited and
a refusal changes nothing."""

from __future__ import annotations

import pytest

from genba.accounts.models import ApiToken, Role
from genba.accounts.services import language_set, token_create, token_revoke
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(provider):
    return UserFactory(email="admin@genba.example", organization=provider, role=Role.ADMIN)


def test_a_customer_creates_a_token_for_itself(alice):
    token, raw = token_create(user=alice, by=alice, name=" ServiceNow ")
    assert ApiToken.authenticate(raw) == alice
    assert token.name == "ServiceNow"
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.organization) == (alice, alice.organization)
    # The raw value is shown once: it is in no audit row.
    assert raw not in str(event.data) and token.hint in str(event.data)


def test_nobody_creates_a_token_for_someone_else(alice, bob):
    with pytest.raises(NotAllowed):
        token_create(user=alice, by=bob, name="mine now")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_staff_get_tokens_from_the_operator_not_for_themselves(carol):
    with pytest.raises(NotAllowed):
        token_create(user=carol, by=carol, name="board")
    assert not ApiToken.objects.exists()


def test_the_operator_issues_a_token_for_any_active_user_as_system(ken):
    _token, raw = token_create(user=ken, by=None, name="cli")
    assert ApiToken.authenticate(raw) == ken
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.actor_label) == (None, "system")
    assert event.data["user"] == "ken@genba.example"


def test_a_deactivated_user_gets_no_token(ken):
    ken.is_active = False
    ken.save()
    with pytest.raises(TransitionRefused):
        token_create(user=ken, by=None, name="cli")
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(alice):
    with pytest.raises(ValidationFailed) as refused:
        token_create(user=alice, by=alice, name="   ")
    assert [p.field for p in refused.value.problems] == ["name"]
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_once(alice, frozen_clock):
    token, raw = token_create(user=alice, by=alice, name="old")
    token_revoke(token=token, by=alice)
    token_revoke(token=token, by=alice)
    assert ApiToken.authenticate(raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at == frozen_clock
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_another_organizations_user_cannot_revoke_a_token(alice, bob):
    token, raw = token_create(user=alice, by=alice, name="alice's")
    with pytest.raises(NotAllowed):
        token_revoke(token=token, by=bob)
    assert ApiToken.authenticate(raw) == alice
    assert not AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_an_admin_revokes_anyones_token_under_the_owners_organization(alice, admin):
    token, raw = token_create(user=alice, by=alice, name="leaked")
    token_revoke(token=token, by=admin)
    assert ApiToken.authenticate(raw) is None
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert (event.actor, event.organization) == (admin, alice.organization)


def test_the_language_is_kept_in_the_profile_and_audited(alice):
    language_set(user=alice, by=alice, language="ja")
    alice.refresh_from_db()
    assert alice.language == "ja"
    event = AuditEvent.objects.get(action="user.language_changed")
    assert (event.from_state, event.to_state) == ("en", "ja")
    language_set(user=alice, by=alice, language="ja")  # the same again: nothing to record
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 1


def test_nobody_changes_someone_elses_language(alice, admin):
    with pytest.raises(NotAllowed):
        language_set(user=alice, by=admin, language="ja")
    alice.refresh_from_db()
    assert alice.language == "en"
    assert not AuditEvent.objects.exists()


def test_an_unknown_language_is_refused_naming_the_field(alice):
    with pytest.raises(ValidationFailed) as refused:
        language_set(user=alice, by=alice, language="de")
    assert [p.field for p in refused.value.problems] == ["language"]
    alice.refresh_from_db()
    assert alice.language == "en"
