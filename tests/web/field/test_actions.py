"""The steps of the day, no access, notes and photos: each calls its service; a refusal changes
nothing and says why."""

from __future__ import annotations

import io

import pytest

from genba.core import clock
from genba.core.models import AuditEvent
from genba.orders import visit_services
from genba.orders.models import AttachmentKind, VisitStatus
from tests.orders.helpers import reload
from tests.web.field.conftest import at

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def visit(make_visit):
    return make_visit("2026-11-30T10:00")


def _url(visit, action):
    return f"/field/visits/{visit.public_id}/{action}/"


def _follow(client, url, data=None, **kwargs):
    return client.post(url, data or {}, follow=True, **kwargs)


def test_on_my_way_then_arrived_then_start_work(ken, client_as, visit):
    client = client_as(ken)
    response = _follow(client, _url(visit, "step/en-route"))
    assert response.redirect_chain[-1][0] == f"/field/visits/{visit.public_id}/"
    assert "On your way: recorded." in response.content.decode()
    assert reload(visit).status == VisitStatus.EN_ROUTE
    response = _follow(client, _url(visit, "step/arrive"))
    assert "The customer and the remote engineer are told" in response.content.decode()
    visit = reload(visit)
    assert visit.status == VisitStatus.ON_SITE and visit.arrived_at is not None
    page = _follow(client, _url(visit, "step/start-work")).content.decode()
    assert reload(visit).status == VisitStatus.WORKING
    assert "/step/" not in page  # no step left but the sign-off, which opens at the start
    assert "/sign-off/" not in page
    clock.set_now(at("2026-11-30T10:30"))
    page = client.get(f"/field/visits/{visit.public_id}/").content.decode()
    assert f"/field/visits/{visit.public_id}/sign-off/" in page


def test_arrival_notifies_the_customer(ken, client_as, visit, django_capture_on_commit_callbacks):
    from genba.core.signals import transitioned

    seen = []

    def listener(sender, obj, action, **kwargs):
        seen.append(action)

    visit_services.visit_en_route(visit=visit, by=ken)
    transitioned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client_as(ken).post(_url(visit, "step/arrive"))
    finally:
        transitioned.disconnect(listener)
    assert "arrived" in seen


def test_a_step_out_of_order_is_refused_and_changes_nothing(ken, client_as, visit):
    before = AuditEvent.objects.count()
    response = _follow(client_as(ken), _url(visit, "step/start-work"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cannot start work: the visit is Released." in page
    assert 'class="flash-error"' in page
    assert reload(visit).status == VisitStatus.RELEASED
    assert AuditEvent.objects.count() == before


def test_an_unknown_step_is_404(ken, client_as, visit):
    assert client_as(ken).post(_url(visit, "step/teleport")).status_code == 404


def test_steps_need_post(ken, client_as, visit):
    assert client_as(ken).get(_url(visit, "step/arrive")).status_code == 405
    assert reload(visit).status == VisitStatus.RELEASED


def test_steps_need_the_csrf_token(ken, client_as, visit):
    client = client_as(ken, enforce_csrf_checks=True)
    assert client.post(_url(visit, "step/arrive")).status_code == 403
    assert client.post(_url(visit, "notes"), {"text": "hello"}).status_code == 403
    assert reload(visit).status == VisitStatus.RELEASED
    assert reload(visit).notes == ""


def test_another_engineer_cannot_move_the_visit(emi, client_as, visit):
    assert client_as(emi).post(_url(visit, "step/en-route")).status_code == 404
    assert client_as(emi).post(_url(visit, "notes"), {"text": "x"}).status_code == 404
    assert reload(visit).status == VisitStatus.RELEASED


def test_no_access_needs_a_reason(ken, client_as, visit):
    response = client_as(ken).post(_url(visit, "no-access"), {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert '<details class="card no-access" open>' in page
    assert reload(visit).status == VisitStatus.RELEASED


def test_no_access_is_recorded_with_its_reason(ken, client_as, visit):
    response = _follow(client_as(ken), _url(visit, "no-access"), {"reason": "Entry refused."})
    assert "No access recorded" in response.content.decode()
    visit = reload(visit)
    assert visit.status == VisitStatus.NO_ACCESS and visit.ended_reason == "Entry refused."


def test_no_access_refused_after_work_started_changes_nothing(ken, client_as, visit):
    visit_services.visit_en_route(visit=visit, by=ken)
    visit_services.visit_arrive(visit=visit, by=ken)
    visit_services.visit_start_work(visit=visit, by=ken)
    response = _follow(client_as(ken), _url(visit, "no-access"), {"reason": "Changed my mind"})
    assert "Cannot record no access: the visit is Working." in response.content.decode()
    assert reload(visit).status == VisitStatus.WORKING


def test_a_note_is_appended_with_time_and_author(ken, client_as, visit):
    client = client_as(ken)
    _follow(client, _url(visit, "notes"), {"text": "Rack R12 door was locked."})
    response = _follow(client, _url(visit, "notes"), {"text": "Guard opened it."})
    notes = reload(visit).notes
    assert notes.index("Rack R12 door was locked.") < notes.index("Guard opened it.")
    assert "[2026-11-30 09:00 JST] Ken Sato" in notes
    assert "Note saved." in response.content.decode()
    assert "Guard opened it." in response.content.decode()


def test_an_empty_note_is_refused_next_to_the_field(ken, client_as, visit):
    response = client_as(ken).post(_url(visit, "notes"), {"text": ""})
    assert response.status_code == 200
    assert 'id="id_text_error"' in response.content.decode()
    assert reload(visit).notes == ""


def test_a_note_on_a_cancelled_visit_is_refused(ken, carol, client_as, visit):
    visit_services.visit_cancel(visit=visit, by=carol, reason="Not needed")
    response = _follow(client_as(ken), _url(visit, "notes"), {"text": "Anything"})
    assert "notes can no longer be added" in response.content.decode()
    assert reload(visit).notes == ""


def _photo(name="front.jpg", content=JPEG):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_photo_upload_adds_a_photo_to_the_request(ken, client_as, visit):
    response = _follow(client_as(ken), _url(visit, "photos"), {"file": _photo()})
    assert "Photo added" in response.content.decode()
    attachment = visit.request.attachments.get()
    assert attachment.kind == AttachmentKind.PHOTO
    assert attachment.content_type == "image/jpeg"
    assert attachment.uploaded_by == ken


def test_photo_input_opens_the_camera(ken, client_as, visit):
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page


def test_a_file_that_is_not_an_image_is_refused(ken, client_as, visit):
    response = client_as(ken).post(
        _url(visit, "photos"), {"file": _photo("front.jpg", b"MZ not a jpeg at all")}
    )
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()
    assert visit.request.attachments.count() == 0


def test_an_approved_visit_not_yet_released_offers_no_step(ken, alice, carol, client_as):
    from tests.orders.helpers import approved

    visit = approved(alice, carol, ken).visits.get()
    page = client_as(ken).get(f"/field/visits/{visit.public_id}/").content.decode()
    assert "Not released yet" in page
    assert "/step/" not in page and "/no-access/" not in page
    response = _follow(client_as(ken), _url(visit, "step/en-route"))
    assert "Cannot set out" in response.content.decode()
    assert reload(visit).status == VisitStatus.PLANNED
