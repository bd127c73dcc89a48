"""The Content-Security-Policy in a real browser: each area's pages, the admin and the API docs
(Swagger UI) load and work with no violation reported (Chromium logs each one to the console and
fires `securitypolicyviolation`)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser, new_page, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"  # tests/factories.py

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watched(new_page):  # noqa: F811
    page = new_page()
    page.add_init_script(LISTEN)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, console


def violations(page, console) -> list[str]:
    return console + page.evaluate("window.__cspViolations || []")


def test_login_admin_and_api_docs_load_without_a_violation(new_page, alice):  # noqa: F811
    page, console = watched(new_page)
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=username]").is_visible()

    page.goto("/admin/login/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_username").is_visible()

    page.goto("/api/v1/docs")
    # Swagger UI (served from ninja's static files) renders the operations from openapi.json.
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert "Genba API" in page.locator(".swagger-ui .info").inner_text()

    assert violations(page, console) == []


@pytest.mark.parametrize(
    ("who", "pages"),
    [
        ("alice", ["/portal/", "/portal/requests/new/"]),
        ("carol", ["/console/"]),
        ("ken", ["/field/"]),
    ],
)
def test_each_area_loads_without_a_violation(request, new_page, who, pages):  # noqa: F811
    user = request.getfixturevalue(who)
    user.set_password(PASSWORD)
    user.save()
    page, console = watched(new_page)
    sign_in(page, user.email, PASSWORD)
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url
    if who == "alice":
        # The request form previews as she types (htmx): the swap works under the policy.
        page.fill("input[name=title]", "Replace a disk")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1200)
    assert violations(page, console) == []
