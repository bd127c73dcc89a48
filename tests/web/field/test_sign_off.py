"""The customer's sign-off on the engineer's phone: name, drawn or typed signature, time in JST."""

from __future__ import annotations

import pytest

from genba.core import clock
from genba.core.models import AuditEvent
from genba.orders.models import Attachment, RequestStatus, VisitStatus
from tests.orders.helpers import reload
from tests.orders.test_sign_off import data_url, png
from tests.web.field.conftest import at, on_site_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(make_visit, ken):
    visit = make_visit("2026-11-30T10:00")
    on_site_at(visit, ken, "2026-11-30T09:55")
    clock.set_now(at("2026-11-30T12:30"))
    return reload(visit)


def _url(visit):
    return f"/field/visits/{visit.public_id}/sign-off/"


def test_sign_off_page_shows_now_in_jst_and_the_pad(ken, client_as, visit):
    page = client_as(ken).get(_url(visit)).content.decode()
    assert 'value="2026-11-30T12:30"' in page
    assert "Signed at (JST)" in page
    assert '<canvas class="signature"' in page
    assert 'name="signature"' in page and 'name="typed_signature"' in page
    assert "/static/field/signature.js" in page


def test_sign_off_with_a_drawn_signature(ken, client_as, visit):
    response = client_as(ken).post(
        _url(visit),
        {
            "signer_name": "Taro Yamada",
            "signed_at": "2026-11-30T12:25",
            "signature": data_url(png()),
        },
        follow=True,
    )
    assert "Signed off" in response.content.decode()
    visit = reload(visit)
    assert visit.status == VisitStatus.SIGNED_OFF
    assert visit.signed_off_by_name == "Taro Yamada"
    assert visit.signed_off_at == at("2026-11-30T12:25")
    assert visit.signed_off_recorded_by == ken
    attachment = Attachment.objects.get(request=visit.request)
    assert attachment.content_type == "image/png"
    assert attachment.original_name == f"signature-{visit.public_id}.png"
    assert attachment.file.read() == png()
    event = AuditEvent.objects.get(action="signature_recorded")
    assert event.data["method"] == "drawn" and event.data["attachment"] == attachment.public_id
    assert reload(visit.request).status == RequestStatus.COMPLETED


def test_sign_off_with_a_typed_signature(ken, client_as, visit):
    client_as(ken).post(
        _url(visit),
        {"signer_name": "Taro Yamada", "signed_at": "", "typed_signature": "T. Yamada"},
    )
    visit = reload(visit)
    assert visit.status == VisitStatus.SIGNED_OFF
    assert visit.signed_off_at == at("2026-11-30T12:30")  # no time given: now
    assert not Attachment.objects.filter(request=visit.request).exists()
    event = AuditEvent.objects.get(action="signature_recorded")
    assert event.data == {"signer": "Taro Yamada", "method": "typed", "typed": "T. Yamada"}


@pytest.mark.parametrize(
    "signature, words",
    [
        ("data:image/jpeg;base64,/9j/4AAQ", "must be a PNG image"),
        ("data:image/png;base64,@@not base64@@", "could not be read"),
        (data_url(b"GIF89a" + b"\x00" * 40), "is not a PNG image"),
        (data_url(png(width=9000)), "impossible size"),
        ("data:image/png;base64," + "A" * (800 * 1024), "larger than"),
    ],
)
def test_bad_signature_data_is_refused_naming_the_field(ken, client_as, visit, signature, words):
    response = client_as(ken).post(
        _url(visit), {"signer_name": "Taro Yamada", "signature": signature}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="signature-error"' in page
    assert "Signature:" in page and words in page
    visit = reload(visit)
    assert visit.status == VisitStatus.ON_SITE
    assert not Attachment.objects.filter(request=visit.request).exists()


def test_no_signature_at_all_is_refused(ken, client_as, visit):
    response = client_as(ken).post(_url(visit), {"signer_name": "Taro Yamada"})
    assert "Draw the signature, or type it below." in response.content.decode()
    assert reload(visit).status == VisitStatus.ON_SITE


def test_the_signer_name_is_required(ken, client_as, visit):
    response = client_as(ken).post(_url(visit), {"signer_name": "", "typed_signature": "T. Y."})
    assert 'id="id_signer_name_error"' in response.content.decode()
    assert reload(visit).status == VisitStatus.ON_SITE


def test_a_sign_off_before_the_scheduled_start_is_refused_and_nothing_is_kept(
    ken, client_as, visit
):
    response = client_as(ken).post(
        _url(visit),
        {
            "signer_name": "Taro Yamada",
            "signed_at": "2026-11-30T09:58",
            "signature": data_url(png()),
        },
    )
    page = response.content.decode()
    assert 'id="id_signed_at_error"' in page and "Before the scheduled start." in page
    visit = reload(visit)
    assert visit.status == VisitStatus.ON_SITE
    assert not Attachment.objects.filter(request=visit.request).exists()
    assert not AuditEvent.objects.filter(action__in=["signed_off", "signature_recorded"]).exists()


def test_a_sign_off_in_the_future_is_refused(ken, client_as, visit):
    response = client_as(ken).post(
        _url(visit),
        {"signer_name": "Taro Yamada", "signed_at": "2026-11-30T13:00", "typed_signature": "TY"},
    )
    assert "cannot be in the future" in response.content.decode()
    assert reload(visit).status == VisitStatus.ON_SITE


def test_a_visit_not_on_site_cannot_be_signed_off(ken, client_as, make_visit):
    released = make_visit("2026-12-08T10:00")
    client = client_as(ken)
    page = client.get(_url(released)).content.decode()
    assert "cannot be signed off now" in page and "<canvas" not in page
    response = client.post(_url(released), {"signer_name": "Taro", "typed_signature": "T"})
    assert "Cannot sign off: the visit is Released." in response.content.decode()
    assert reload(released).status == VisitStatus.RELEASED


def test_sign_off_needs_the_csrf_token(ken, client_as, visit):
    client = client_as(ken, enforce_csrf_checks=True)
    response = client.post(_url(visit), {"signer_name": "Taro", "typed_signature": "T"})
    assert response.status_code == 403
    assert reload(visit).status == VisitStatus.ON_SITE


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "emi"])
def test_only_the_engineer_on_the_visit_reaches_the_sign_off(request, client_as, visit, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get(_url(visit)).status_code == 404
    response = client.post(_url(visit), {"signer_name": "X", "typed_signature": "X"})
    assert response.status_code == 404
    assert reload(visit).status == VisitStatus.ON_SITE


def test_sign_off_page_fixed_queries(ken, client_as, visit, django_assert_num_queries):
    client = client_as(ken)
    client.get(_url(visit))
    # session, user, organization, the visit with its request, its crew (for visit_actions)
    with django_assert_num_queries(5):
        client.get(_url(visit))


def test_sign_off_page_in_japanese(ken, client_as, visit):
    ken.language = "ja"
    ken.save()
    page = client_as(ken).get(_url(visit)).content.decode()
    assert '<html lang="ja">' in page and "お客様の承認" in page


def test_a_refused_signature_speaks_japanese(ken, client_as, visit):
    ken.language = "ja"
    ken.save()
    response = client_as(ken).post(
        _url(visit), {"signer_name": "山田 太郎", "signature": "data:image/gif;base64,R0lG"}
    )
    assert "手書き署名は PNG 画像" in response.content.decode()
    assert reload(visit).status == VisitStatus.ON_SITE
