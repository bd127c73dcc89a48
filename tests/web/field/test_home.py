"""The engineer's home: today's visits, the next 14 days, recently finished; only his or her own."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(make_visit, emi):
    return {
        "today_1": make_visit("2026-11-30T10:00", title="Today one"),
        "today_2": make_visit("2026-11-30T14:00", title="Today two"),
        "soon_1": make_visit("2026-12-08T10:00", title="Soon one"),
        "soon_2": make_visit("2026-12-10T10:00", title="Soon two"),
        "far": make_visit("2026-12-16T10:00", title="Too far ahead"),
        "done_1": make_visit("2026-11-24T10:00", title="Done one", finish=True),
        "done_2": make_visit("2026-11-25T10:00", title="Done two", finish=True),
        "emis": make_visit("2026-11-30T11:00", title="Emi only", engineer=emi),
    }


def _sections(page: str) -> tuple[str, str, str]:
    today, rest = page.split('id="h-upcoming"')
    upcoming, recent = rest.split('id="h-recent"')
    return today, upcoming, recent


def test_home_lists_today_upcoming_and_recent_in_their_sections(ken, client_as, week):
    page = client_as(ken).get("/field/").content.decode()
    today, upcoming, recent = _sections(page)
    assert "Today one" in today and "Today two" in today
    assert today.index("Today one") < today.index("Today two")
    assert "Soon one" in upcoming and "Soon two" in upcoming and "Today one" not in upcoming
    assert "Done one" in recent and "Done two" in recent
    assert recent.index("Done two") < recent.index("Done one")  # most recent first
    assert "Too far ahead" not in page
    assert "Emi only" not in page  # another engineer's visit
    assert f'href="/field/visits/{week["today_1"].public_id}/"' in today
    assert "Otemachi DC" in today and "Chiyoda-ku" in today
    assert 'class="badge badge-released"' in today
    assert 'class="badge badge-signed_off"' in recent
    assert 'class="field-view"' in page
    assert 'aria-current="page"' in page


def test_a_visit_under_way_from_an_earlier_day_stays_on_today(ken, client_as, make_visit):
    from tests.web.field.conftest import on_site_at

    visit = make_visit("2026-11-20T10:00", title="Still going")
    on_site_at(visit, ken, "2026-11-20T09:50")
    today, _, recent = _sections(client_as(ken).get("/field/").content.decode())
    assert "Still going" in today and "Still going" not in recent


def test_home_never_shows_money(ken, client_as, week):
    page = client_as(ken).get("/field/").content.decode()
    assert "¥" not in page and "円" not in page


def test_home_reads_in_a_fixed_number_of_queries(ken, client_as, week, django_assert_num_queries):
    client = client_as(ken)
    client.get("/field/")
    # session, user, the user's organization (top bar), and the visits with their requests and
    # sites in one query: however many visits there are.
    with django_assert_num_queries(4):
        response = client.get("/field/")
    assert response.content.decode().count('class="visit-card"') == 6


def test_home_in_japanese(ken, client_as, week):
    ken.language = "ja"
    ken.save()
    page = client_as(ken).get("/field/").content.decode()
    assert '<html lang="ja">' in page
    assert "今後14日間" in page and "最近完了した訪問" in page


def test_empty_day_says_so(ken, client_as):
    page = client_as(ken).get("/field/").content.decode()
    assert "No visit today." in page


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "bill"])
def test_other_roles_get_404(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get("/field/").status_code == 404


def test_signed_out_visitor_goes_to_login(client):
    response = client.get("/field/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
