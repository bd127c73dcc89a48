"""The portal shows the provider's numbers: in the footer, and beside an open proposal."""

from __future__ import annotations

from datetime import time

import pytest

from tests.billing.helpers import issuer
from tests.orders.helpers import new_request, proposed

pytestmark = pytest.mark.django_db


def numbers():
    profile = issuer()
    profile.phone = "+81312345000"
    profile.urgent_phone = "+81355550199"
    profile.office_days = [0, 1, 2, 3, 4]
    profile.office_opens, profile.office_closes = time(9), time(18)
    profile.save()


def test_every_portal_page_shows_the_numbers_in_its_footer(alice, client_as):
    numbers()
    for path in (
        "/portal/",
        "/portal/requests/new/",
        f"/portal/requests/{new_request(alice).public_id}/",
    ):
        html = client_as(alice).get(path).content.decode()
        footer = html.split('<footer class="foot">', 1)[1]
        assert "+81 3-1234-5000 (Mon–Fri 09:00–18:00 JST)" in footer, path
        assert "Urgent line (outside office hours): +81 3-5555-0199" in footer, path


def test_an_open_proposal_says_whom_to_call(alice, carol, ken, client_as):
    numbers()
    request, proposal = proposed(alice, carol, ken)
    html = client_as(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    article = html.split(f'id="{proposal.public_id}"', 1)[1].split("</article>", 1)[0]
    assert "Questions about this proposal? Call us:" in article
    assert "+81 3-5555-0199" in article


def test_in_japanese_the_numbers_come_in_japanese(alice, client_as):
    numbers()
    alice.language = "ja"
    alice.save()
    html = client_as(alice).get("/portal/").content.decode()
    assert "電話：+81 3-1234-5000（受付時間：月〜金 09:00〜18:00（日本時間））" in html


def test_without_a_profile_nothing_is_shown_and_nothing_says_none(alice, carol, ken, client_as):
    request, _ = proposed(alice, carol, ken)
    html = client_as(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    assert "Call us" not in html and "Urgent line" not in html and ">None<" not in html
