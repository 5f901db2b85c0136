"""The API's docs page in real Chromium: Swagger UI loads from our static files under our
strict CSP, draws the operations from /api/v1/openapi.json, and no request leaves 127.0.0.1."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.test_pages import COLLECT_VIOLATIONS

pytestmark = pytest.mark.e2e


def test_the_docs_page_works_offline_under_our_csp(context, live_server, shot):
    context.add_init_script(COLLECT_VIOLATIONS)
    hosts, errors = set(), []
    context.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/images/").first.wait_for()
    assert page.locator(".opblock").count() >= 25
    assert page.evaluate("window.__csp") == []
    assert errors == []
    assert hosts <= {"127.0.0.1"}, hosts
    shot(page, "api-docs", full_page=False)
