"""Login lockout (issue 11: "50 wrong passwords, then the right one logs in"): after
AXES_FAILURE_LIMIT wrong passwords for one e-mail address from one client address, that pair is
refused, even with the right password, for the cool-off; the page says so in the user's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from genba.accounts.models import Role
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # tests/factories.py
LOGIN = "/accounts/login/"


def sign_in(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def fail_until_locked(client, email):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "wrong password")


def test_fifty_wrong_passwords_then_the_right_one_is_refused(alice):
    client = Client()
    answers = [sign_in(client, alice.email, f"guess {n}").status_code for n in range(50)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/portal/").status_code == 302  # still sent to the login page
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Too many failed sign-ins for this account" in page
    assert f"{settings.AXES_COOLOFF_TIME.total_seconds() // 60:.0f} minutes" in page


def test_the_lockout_is_said_in_japanese(alice):
    client = Client(headers={"accept-language": "ja"})
    fail_until_locked(client, alice.email)

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "サインインに続けて失敗したため" in page
    assert "Too many failed" not in page


def test_a_few_mistakes_do_not_lock_and_a_success_clears_them(alice):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, alice.email, "wrong password")
    assert sign_in(client, alice.email, PASSWORD).status_code == 302
    client.logout()
    # The count started again: as many mistakes once more still do not lock.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, alice.email, "wrong password")
    assert sign_in(client, alice.email, PASSWORD).status_code == 302


def test_the_lock_holds_one_account_from_one_address_only(alice, bob):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail_until_locked(attacker, alice.email)
    assert sign_in(attacker, alice.email, PASSWORD).status_code == 429

    # Alice at her own address is not locked out by a stranger, nor is Bob at the attacker's.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), alice.email, PASSWORD).status_code == 302
    bob.set_password(PASSWORD)
    bob.save()
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), bob.email, PASSWORD).status_code == 302


def test_the_address_spelled_otherwise_is_the_same_account(alice):
    client = Client()
    variants = [alice.email.upper(), f" {alice.email}", alice.email.title()]
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, variants[n % len(variants)], "wrong password")
    assert sign_in(client, alice.email, PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_works_again(alice):
    client = Client()
    fail_until_locked(client, alice.email)
    assert sign_in(client, alice.email, PASSWORD).status_code == 429

    # The attempts are rows (shared by every app server): age them past the cool-off.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert sign_in(client, alice.email, PASSWORD).status_code == 302


@pytest.fixture
def admin_user(provider):
    return UserFactory(
        email="root@genba.example",
        organization=provider,
        role=Role.COORDINATOR,
        is_staff=True,
        is_superuser=True,
    )


def test_the_admin_login_is_locked_too_and_says_why(admin_user):
    client = Client()
    url = "/admin/login/?next=/admin/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": admin_user.email, "password": "wrong password"})

    response = client.post(url, {"username": admin_user.email, "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins for this account" in page
    assert 'class="errornote"' in page  # the admin's own login page, with its error box
    assert client.get("/admin/").status_code == 302
