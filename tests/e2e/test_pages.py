"""Our own pages in a real browser: they pass our Content-Security-Policy (no inline script or
style, nothing from other origins) and every page a person meets renders without errors."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.e2e

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_our_pages_pass_our_content_security_policy(context, live_server, alice, bookmark, shot):
    bob = make_user("bob", first_name="Bob")
    image = bookmark(bob, "csp", "Lighthouse at dusk")
    image.users_like.add(alice)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    paths = [
        "/account/",
        "/account/edit/",
        "/account/users/",
        bob.get_absolute_url(),
        "/images/",
        image.get_absolute_url(),
        "/images/ranking/",
        "/images/ranking/?period=week",
        f"/images/create/?url={image.url}&title=Again%20please",
        "/images/pick/",
        "/account/password-change/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], path
        shot(page, "page-" + path.strip("/").replace("/", "_").split("?")[0] or "root")
    assert errors == []


def test_anonymous_pages_pass_too(browser, live_server, transactional_db):
    context = browser.new_context()
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    for path in ("/account/login/", "/account/register/", "/account/password-reset/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert page.evaluate("window.__csp") == [], path
    context.close()
