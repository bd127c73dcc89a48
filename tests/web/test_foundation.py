"""Login, each role's home, the language switch, and times shown in the viewer's zone with JST."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from genba.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_english_and_from_the_browser_in_japanese():
    assert "Sign in" in Client().get("/accounts/login/").content.decode()
    page = Client(headers={"accept-language": "ja"}).get("/accounts/login/").content.decode()
    assert "ログイン" in page
    assert '<html lang="ja">' in page


def test_anonymous_visitor_is_sent_to_login_from_every_area():
    for path in ["/", "/portal/", "/console/", "/field/", "/console/billing/"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who, home",
    [
        ("alice", "/portal/"),
        ("carol", "/console/"),
        ("ken", "/field/"),
        ("bill", "/console/billing/"),
    ],
)
def test_each_role_lands_on_its_own_home_after_login(request, who, home):
    user = request.getfixturevalue(who)
    user.set_password("correct horse battery")
    user.save()
    response = Client().post(
        "/accounts/login/", {"username": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == home


def test_wrong_password_is_refused_on_the_form_and_signs_nobody_in(alice):
    response = Client().post("/accounts/login/", {"username": alice.email, "password": "nope"})
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode().replace(
        "e-mail", "email"
    )
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize(
    "who, forbidden",
    [
        ("alice", ["/console/", "/console/billing/", "/field/"]),
        ("ken", ["/portal/", "/console/", "/console/billing/"]),
        ("bill", ["/portal/", "/console/", "/field/"]),
        ("carol", ["/portal/", "/field/"]),
    ],
)
def test_another_roles_area_is_404(request, client_as, who, forbidden):
    client = client_as(request.getfixturevalue(who))
    for path in forbidden:
        assert client.get(path).status_code == 404, path


def test_language_switch_keeps_the_choice_in_the_profile_and_audits_it(alice, client_as):
    client = client_as(alice)
    response = client.post("/language/", {"language": "ja", "next": "/portal/"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    alice.refresh_from_db()
    assert alice.language == "ja"
    assert AuditEvent.objects.filter(action="user.language_changed", to_state="ja").count() == 1
    page = client.get("/portal/").content.decode()
    assert '<html lang="ja">' in page
    assert "ログアウト" in page


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(alice, client_as):
    client = client_as(alice)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    alice.refresh_from_db()
    assert alice.language == "en"


def test_language_switch_needs_csrf(alice, client_as):
    client = client_as(alice, enforce_csrf_checks=True)
    assert client.post("/language/", {"language": "ja"}).status_code == 403


def test_profile_language_wins_over_the_browser(alice, client_as):
    alice.language = "ja"
    alice.save()
    page = client_as(alice).get("/portal/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="ja">' in page


def _when(moment, zone: str, language: str = "en") -> str:
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        return Template("{% load genba_web %}{% when moment %}").render(Context({"moment": moment}))


def test_times_show_in_the_viewers_zone_with_jst_beside_them():
    moment = datetime(2026, 12, 8, 1, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Tokyo
    in_tokyo = _when(moment, "Asia/Tokyo")
    assert "10:00" in in_tokyo.replace("10 a.m.", "10:00") or "10 a.m." in in_tokyo
    assert "jst" not in in_tokyo  # no second reading when the viewer is on Tokyo time
    in_la = _when(moment, "America/Los_Angeles")
    assert "PST" in in_la
    assert "Dec. 7, 2026" in in_la  # still the evening before in California
    assert 'class="jst"' in in_la and "JST" in in_la
    assert 'datetime="2026-12-08T01:00:00+00:00"' in in_la


def test_times_follow_the_viewers_language():
    moment = datetime(2026, 12, 8, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert "2026年12月8日" in _when(moment, "Asia/Tokyo", "ja")


def test_yen_and_tel_filters():
    out = Template("{% load genba_web %}{{ a|yen }} {{ p|tel_href }}").render(
        Context({"a": 1234567, "p": "+81312345678"})
    )
    assert out == "¥1,234,567 tel:+81312345678"


def test_the_shared_request_link_sends_each_role_to_its_own_page(alice, bob, carol, ken, client_as):
    from tests.dispatch.helpers import profile_for
    from tests.orders.helpers import released

    profile_for(ken)
    request = released(alice, carol, ken)
    visit = request.visits.get()
    url = f"/r/{request.public_id}/"
    assert client_as(alice).get(url)["Location"] == f"/portal/requests/{request.public_id}/"
    assert client_as(carol).get(url)["Location"] == f"/console/requests/{request.public_id}/"
    assert client_as(ken).get(url)["Location"] == f"/field/visits/{visit.public_id}/"
    assert client_as(bob).get(url).status_code == 404
    assert Client().get(url)["Location"].startswith("/accounts/login/")
