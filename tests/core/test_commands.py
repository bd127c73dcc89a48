"""The `genba` command: create-token, demo, serve."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from genba.accounts.models import ApiToken, User
from genba.cli import main
from genba.core.models import AuditEvent
from genba.orders.models import RequestStatus, ServiceRequest

pytestmark = pytest.mark.django_db


def test_create_token_prints_the_token_last(alice):
    out = io.StringIO()
    call_command("create_token", "alice@acme.example", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("gnb_")
    assert ApiToken.authenticate(token) == alice
    # Stored hashed: the raw token is nowhere in the table.
    assert not ApiToken.objects.filter(token_hash=token).exists()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@acme.example"


def test_create_token_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="no user"):
        call_command("create_token", "nobody@example.com")


def test_create_token_is_the_services_and_audited_as_the_system(alice):
    call_command("create_token", "alice@acme.example", "--name", "ci", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.actor_label, event.data["name"]) == (None, "system", "ci")
    assert event.organization == alice.organization


def test_create_token_for_a_deactivated_user_fails(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_token", "alice@acme.example", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_cli_accepts_hyphenated_command_names(alice, capsys):
    main(["genba", "create-token", "alice@acme.example"])
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("gnb_")


def test_revoked_token_no_longer_works(alice, frozen_clock):
    token, raw = ApiToken.issue(user=alice)
    token.revoked_at = frozen_clock
    token.save()
    assert ApiToken.authenticate(raw) is None


@override_settings(DEBUG=True)
def test_demo_loads_every_state_and_is_idempotent():
    out = io.StringIO()
    call_command("demo", stdout=out)
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in RequestStatus}
    count = ServiceRequest.objects.count()
    users = User.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert ServiceRequest.objects.count() == count
    assert User.objects.count() == users
    text = out.getvalue()
    for login in (
        "alice@acme.example",
        "bob@globex.example",
        "coord@genba.example",
        "ken@genba.example",
        "billing@genba.example",
        "admin@genba.example",
    ):
        assert login in text
    assert User.objects.get(email="ken@genba.example").check_password("genba-demo-2026")


def test_demo_refuses_to_run_in_production_mode():
    with pytest.raises(CommandError, match="GENBA_DEBUG"):
        call_command("demo", stdout=io.StringIO())


def test_serve_runs_gunicorn_and_answers(tmp_path):
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("GENBA_DEBUG", "DATABASE_URL")}
    env.update(
        SECRET_KEY="serve-test-" + "k" * 40,
        GENBA_DATA_DIR=str(tmp_path),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="genba.settings",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genba.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):  # up to 10 s for gunicorn to boot
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == b"ok"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
