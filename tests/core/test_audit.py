"""The audit trail is append-only: the model, the admin and the database all refuse changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from genba.core.models import AuditEvent
from tests.orders.helpers import new_request

pytestmark = pytest.mark.django_db


def test_every_change_is_in_the_trail_with_who_and_when(alice, frozen_clock):
    request = new_request(alice)
    row = AuditEvent.objects.get(object_id=request.public_id)
    assert (row.action, row.actor, row.at, row.to_state) == (
        "created",
        alice,
        frozen_clock,
        "draft",
    )
    assert row.organization == alice.organization
    assert "alice@acme.example" in row.actor_label


def test_the_model_refuses_to_change_a_row(alice):
    row = AuditEvent.objects.get(object_id=new_request(alice).public_id)
    row.reason = "rewritten"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


def test_the_database_refuses_to_update_a_row(alice):
    new_request(alice)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(reason="rewritten")
    assert not AuditEvent.objects.filter(reason="rewritten").exists()


def test_the_database_refuses_to_delete_a_row_on_postgres(alice, on_postgres):
    new_request(alice)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.exists()


def test_admin_shows_the_trail_read_only(admin_client, alice):
    new_request(alice)
    response = admin_client.get("/admin/core/auditevent/")
    assert response.status_code == 200
    row = AuditEvent.objects.first()
    page = admin_client.get(f"/admin/core/auditevent/{row.pk}/change/")
    assert page.status_code == 200
    assert b'name="reason"' not in page.content  # no editable field
    assert (
        admin_client.post(f"/admin/core/auditevent/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403
