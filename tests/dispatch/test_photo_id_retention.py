"""Rulebook §7: an engineer's photo ID is deleted `photo_id_retention_days` after the last request
that showed it (a proposal naming the engineer) closes; the deletion is audited and the file is gone
from disk. A photo still shown on an open request, or never shown at all, is kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch import services as dispatch
from genba.dispatch.photo_id_retention import photo_ids_due, photo_ids_purge
from genba.dispatch.photo_ids import photo_id_set
from genba.messaging.tasks import run_sweeps
from genba.orders import services
from tests.factories import NOW, ContractFactory, OrganizationFactory, UserFactory
from tests.orders.helpers import reload, submitted
from tests.web.portal.helpers import PNG, with_photo_id

pytestmark = pytest.mark.django_db

DAYS = 90  # the presets' photo_id_retention_days


def shown(customer, coordinator, engineer):
    """A request on which `engineer` is proposed: its photo ID is shown to `customer`."""
    request = submitted(customer)
    proposal = dispatch.proposal_create(request=request, by=coordinator, engineers=[engineer])
    return request, proposal


def shown_then_closed(customer, coordinator, engineer):
    """A request on which `engineer` was proposed, then cancelled: closed now."""
    request, proposal = shown(customer, coordinator, engineer)
    services.request_cancel(request=request, by=customer, reason="no longer needed")
    return reload(request), proposal


def on_disk(profile) -> Path:
    path = Path(profile.photo_id.path)
    # The storage the app uses (tests/settings.py: the throwaway data dir), not a stand-in.
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    return path


def test_the_photo_id_is_deleted_from_disk_and_audited_when_the_retention_has_run_out(
    alice, carol, ken
):
    profile = with_photo_id(ken, carol)
    path = on_disk(profile)
    request, _ = shown_then_closed(alice, carol, ken)
    assert path.exists()

    clock.set_now(NOW + timedelta(days=DAYS))
    assert photo_ids_purge() == 1

    assert not path.exists()
    profile = reload(profile)
    assert not profile.photo_id and profile.photo_id_content_type == ""
    event = AuditEvent.objects.get(action="photo_id_deleted", object_id=profile.public_id)
    assert event.actor is None and event.reason == "retention"
    assert event.data["request"] == request.public_id
    assert event.data["retention_days"] == DAYS
    assert event.at == NOW + timedelta(days=DAYS)
    assert photo_ids_purge() == 0  # once


def test_one_day_before_the_deadline_the_photo_id_is_kept(alice, carol, ken):
    profile = with_photo_id(ken, carol)
    shown_then_closed(alice, carol, ken)

    clock.set_now(NOW + timedelta(days=DAYS - 1))
    assert photo_ids_purge() == 0
    assert on_disk(reload(profile)).exists()
    assert not AuditEvent.objects.filter(action="photo_id_deleted").exists()


def test_the_requests_own_policy_sets_the_number_of_days(alice, carol, ken, ecorpone):
    ecorpone.photo_id_retention_days = 30
    ecorpone.save(update_fields=["photo_id_retention_days"])
    profile = with_photo_id(ken, carol)
    shown_then_closed(alice, carol, ken)

    clock.set_now(NOW + timedelta(days=29))
    assert photo_ids_purge() == 0
    clock.set_now(NOW + timedelta(days=30))
    assert photo_ids_purge() == 1
    assert not reload(profile).photo_id


def test_the_request_that_closes_last_sets_the_deadline_each_with_its_own_policy(
    alice, carol, ken, tokyo_its
):
    # Alice's request keeps the photo 90 days; Tom's policy only 10, but his request closes later.
    tokyo_its.photo_id_retention_days = 10
    tokyo_its.save(update_fields=["photo_id_retention_days"])
    initech = OrganizationFactory(name="Initech KK")
    ContractFactory(organization=initech, policy=tokyo_its)
    tom = UserFactory(email="tom@initech.example", organization=initech)
    profile = with_photo_id(ken, carol)
    toms, _ = shown(tom, carol, ken)
    assert toms.policy == tokyo_its
    shown_then_closed(alice, carol, ken)  # closes at NOW: deadline NOW + 90 days
    clock.set_now(NOW + timedelta(days=85))
    services.request_cancel(request=toms, by=tom, reason="moved")  # deadline NOW + 95 days

    clock.set_now(NOW + timedelta(days=DAYS))
    assert photo_ids_purge() == 0
    clock.set_now(NOW + timedelta(days=95))
    assert photo_ids_purge() == 1
    assert not reload(profile).photo_id


def test_a_photo_id_still_shown_on_an_open_request_is_kept(alice, carol, ken):
    profile = with_photo_id(ken, carol)
    shown_then_closed(alice, carol, ken)
    still_open, _ = shown(alice, carol, ken)

    clock.set_now(NOW + timedelta(days=DAYS * 3))
    assert photo_ids_purge() == 0
    assert on_disk(reload(profile)).exists()

    # Once that one closes too, its own clock runs.
    services.request_cancel(request=still_open, by=alice, reason="done elsewhere")
    clock.set_now(NOW + timedelta(days=DAYS * 4))
    assert photo_ids_purge() == 1


def test_a_photo_id_never_shown_to_anyone_is_kept(carol, ken):
    profile = with_photo_id(ken, carol)
    clock.set_now(NOW + timedelta(days=DAYS * 10))
    assert photo_ids_due() == []
    assert photo_ids_purge() == 0
    assert on_disk(reload(profile)).exists()


def test_a_photo_id_uploaded_again_after_the_purge_is_not_deleted_at_once(alice, carol, ken):
    profile = with_photo_id(ken, carol)
    shown_then_closed(alice, carol, ken)
    clock.set_now(NOW + timedelta(days=DAYS))
    assert photo_ids_purge() == 1

    # The coordinator uploads a new one: the closed request never showed it.
    clock.set_now(NOW + timedelta(days=DAYS + 1))
    photo_id_set(
        profile=reload(profile),
        upload=SimpleUploadedFile("id.png", PNG, content_type="image/png"),
        by=carol,
    )
    clock.set_now(NOW + timedelta(days=DAYS * 5))
    assert photo_ids_purge() == 0
    assert on_disk(reload(profile)).exists()


def test_after_the_purge_the_photo_id_is_404_and_the_coordinator_sees_none_on_file(
    alice, carol, ken, carol_api
):
    profile = with_photo_id(ken, carol)
    request, proposal = shown_then_closed(alice, carol, ken)
    url = (
        f"requests/{request.public_id}/proposals/{proposal.public_id}"
        f"/engineers/{profile.public_id}/photo-id"
    )
    assert carol_api.get(url).status_code == 200  # staff still see it on a closed request

    clock.set_now(NOW + timedelta(days=DAYS))
    photo_ids_purge()

    viewed = AuditEvent.objects.filter(action="photo_id_viewed").count()
    assert carol_api.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="photo_id_viewed").count() == viewed
    engineers = {e["id"]: e for e in carol_api.get("engineers").json()}
    assert engineers[profile.public_id]["has_photo_id"] is False


def test_a_field_naming_a_file_gone_from_storage_is_404_not_an_error(alice, carol, ken, carol_api):
    # What a purge whose commit failed after deleting the file leaves behind.
    profile = with_photo_id(ken, carol)
    request, proposal = shown_then_closed(alice, carol, ken)
    on_disk(profile).unlink()
    url = (
        f"requests/{request.public_id}/proposals/{proposal.public_id}"
        f"/engineers/{profile.public_id}/photo-id"
    )
    assert carol_api.get(url).status_code == 404


def test_the_worker_sweep_deletes_due_photo_ids(alice, carol, ken):
    profile = with_photo_id(ken, carol)
    path = on_disk(profile)
    shown_then_closed(alice, carol, ken)
    clock.set_now(NOW + timedelta(days=DAYS))

    counts = run_sweeps.call()

    assert counts["photo_ids_deleted"] == 1
    assert not path.exists()
    assert AuditEvent.objects.filter(action="photo_id_deleted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_sweep_job(alice, carol, ken):
    profile = with_photo_id(ken, carol)
    path = on_disk(profile)
    shown_then_closed(alice, carol, ken)
    clock.set_now(NOW + timedelta(days=DAYS))

    run_sweeps.enqueue()
    call_command("worker", batch=True, verbosity=0)

    assert not path.exists()
    assert not reload(profile).photo_id


def test_finding_the_photo_ids_due_takes_the_same_few_queries_for_any_number_of_engineers(
    alice, carol, provider, django_assert_max_num_queries
):
    from tests.dispatch.helpers import engineer

    profiles = []
    for _ in range(4):
        profile = engineer(provider)
        photo_id_set(
            profile=profile,
            upload=SimpleUploadedFile("id.png", PNG, content_type="image/png"),
            by=carol,
        )
        shown_then_closed(alice, carol, profile.user)
        profiles.append(profile)
    clock.set_now(NOW + timedelta(days=DAYS))

    with django_assert_max_num_queries(3):
        due = photo_ids_due()
    assert {d.engineer_id for d in due} == {p.public_id for p in profiles}
