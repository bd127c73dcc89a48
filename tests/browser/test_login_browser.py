"""The login page in a real browser: labels, keyboard, the language switch."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_the_keyboard_lands_on_the_portal_and_switches_language(new_page, alice):
    alice.set_password("correct horse battery")
    alice.save()
    page = new_page()
    page.goto("/accounts/login/")
    shoot(page, "login")
    page.get_by_label("E-mail address").fill(alice.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    page.get_by_role("button", name="日本語").click()
    page.wait_for_url("**/portal/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("button", name="ログアウト").is_visible()


def test_wrong_password_is_said_on_the_page(new_page, alice):
    page = new_page()
    sign_in(page, alice.email, "wrong")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
