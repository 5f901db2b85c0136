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
    page.set_default_timeout(30_000)  # Swagger UI is 1.5 MB of script, served by the test server
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/images/").first.wait_for()
    assert page.locator(".opblock").count() >= 25
    assert page.evaluate("window.__csp") == []
    assert errors == []
    assert hosts <= {"127.0.0.1"}, hosts
    shot(page, "api-docs", full_page=False)


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_tokens_are_made_and_revoked_on_the_profile_page(
    browser, live_server, alice, shot, width, height
):
    from api.models import Token
    from api.tokens import create_token
    from tests.e2e.conftest import login_context

    old, _ = create_token(user=alice, name="Old backup script", expires_in_days=30)
    context = login_context(
        browser, live_server, alice, viewport={"width": width, "height": height}
    )
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.goto(live_server.url + "/account/edit/#api-tokens")
    page.fill("#id_name", "Browser extension")
    page.check("input[name=scope][value=write]")
    page.locator(".token-form button[type=submit]").click()
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("bm_")
    assert page.locator("[data-copy-from]").is_visible()
    shot(page, f"api-token-created-{width}")
    page.locator("a", has_text="back to your profile").click()
    section = page.locator("#api-tokens")
    assert section.locator(".token-item").count() == 2
    section.locator(".token-item", has_text="Old backup script").get_by_role("button").click()
    page.locator("#api-tokens").scroll_into_view_if_needed()
    assert page.locator(".token-item.token-dead", has_text="Old backup script").count() == 1
    shot(page.locator("#api-tokens"), f"api-tokens-{width}")
    assert page.evaluate("window.__csp") == []
    old.refresh_from_db()
    assert old.revoked is not None
    assert Token.objects.get(name="Browser extension").scope == "write"
    context.close()
