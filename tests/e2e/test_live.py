"""Acceptance 3 and 4 in real Chromium: two people, two browser contexts, a real uvicorn
event process and the real Redis."""

import pytest
from playwright.sync_api import expect

from images.services import like_image
from tests.conftest import running_events_server
from tests.e2e.conftest import login_context
from tests.factories import make_user

pytestmark = pytest.mark.e2e
MARKER = "window.__noReload = 'still the same page'"


@pytest.fixture(scope="package")
def e2e_events(live_server):
    with running_events_server(EVENTS_ALLOWED_ORIGINS=live_server.url) as url:
        yield url


@pytest.fixture
def live_site(settings, e2e_events):
    settings.EVENTS_URL = e2e_events + "/events/"
    return settings


def test_a_like_reaches_the_owners_badge_and_a_bookmark_their_dashboard_live(
    browser, live_server, alice, bookmark, live_site, shot
):
    from account.services import follow_user

    bob = make_user("bob", first_name="Bob")
    follow_user(user_from=alice, user_to=bob, follow=True)
    sunset = bookmark(alice, "sunset", "Sunset")
    a = login_context(browser, live_server, alice, viewport={"width": 1280, "height": 800})
    b = login_context(browser, live_server, bob)
    try:
        page_a = a.new_page()
        page_a.goto(live_server.url + "/account/")
        page_a.evaluate(MARKER)
        expect(page_a.locator("html")).to_have_attribute("data-live", "sse")
        badge = page_a.locator("[data-unread-count]")
        expect(badge).to_be_hidden()

        page_b = b.new_page()
        page_b.goto(live_server.url + sunset.get_absolute_url())
        page_b.get_by_role("button", name="♡ Like").click()
        expect(page_b.locator("[data-likes-count]")).to_have_text("1")

        expect(badge).to_have_text("1")
        expect(badge).to_be_visible()

        mountains = bookmark(bob, "mountains", "Mountains")
        item = page_a.locator(f'.feed a[href="{mountains.get_absolute_url()}"]').first
        expect(item).to_be_visible()
        assert page_a.evaluate("window.__noReload") == "still the same page"
        shot(page_a, "live-dashboard-1280")
        phone = a.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(live_server.url + "/notifications/")
        expect(phone.get_by_text("liked")).to_be_visible()
        shot(phone, "notifications-390")
    finally:
        a.close()
        b.close()


def test_polling_takes_over_when_sse_is_off(browser, live_server, alice, bookmark, settings):
    settings.EVENTS_URL = ""  # no stream: the page polls /notifications/unread/
    settings.LIVE_POLL_SECONDS = 1
    sunset = bookmark(alice, "sunset", "Sunset")
    context = login_context(browser, live_server, alice)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/images/")
        page.evaluate(MARKER)
        expect(page.locator("html")).to_have_attribute("data-live", "polling")
        like_image(user=make_user("carol"), image_id=sunset.id, like=True)
        expect(page.locator("[data-unread-count]")).to_have_text("1")
        assert page.evaluate("window.__noReload") == "still the same page"
    finally:
        context.close()


def test_polling_takes_over_when_the_stream_cannot_connect(
    browser, live_server, alice, bookmark, settings
):
    import socket

    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    settings.EVENTS_URL = f"http://127.0.0.1:{closed}/events/"
    settings.LIVE_POLL_SECONDS = 1
    sunset = bookmark(alice, "sunset", "Sunset")
    context = login_context(browser, live_server, alice)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/images/")
        page.evaluate(MARKER)
        expect(page.locator("html")).to_have_attribute("data-live", "polling")
        like_image(user=make_user("dan"), image_id=sunset.id, like=True)
        expect(page.locator("[data-unread-count]")).to_have_text("1")
    finally:
        context.close()


def test_comments_post_without_a_reload(page, live_server, alice, bookmark, shot):
    bob = make_user("bob", first_name="Bob")
    image = bookmark(bob, "sunset", "Sunset")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + image.get_absolute_url())
    page.evaluate(MARKER)
    page.get_by_label("Add a comment").fill(
        "Gorgeous light, @bob <b>really</b> https://example.com"
    )
    page.get_by_role("button", name="Post").click()
    comment = page.locator("li.comment").first
    expect(comment).to_contain_text("<b>really</b>")
    expect(comment.locator("a.mention")).to_have_text("@bob")
    expect(comment.locator('a[rel="nofollow ugc noopener"]')).to_have_text("https://example.com")
    page.get_by_label("Add a comment").fill("   ")
    page.get_by_label("Add a comment").evaluate("el => el.removeAttribute('required')")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("[data-comment-error]")).to_contain_text("empty")
    assert page.evaluate("window.__noReload") == "still the same page"
    shot(page.locator("#comments"), "comments-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "comments-390", full_page=True)


def test_two_people_on_an_image_page_see_two_viewers(browser, live_server, alice, bookmark, shot):
    image = bookmark(alice, "sunset", "Sunset")
    a = login_context(browser, live_server, alice)
    anonymous = browser.new_context()
    try:
        page_a = a.new_page()
        page_a.goto(live_server.url + image.get_absolute_url())
        expect(page_a.locator("[data-viewers-count]")).to_have_text("1")
        page_b = anonymous.new_page()  # not logged in: counted by address, CSRF still checked
        page_b.goto(live_server.url + image.get_absolute_url())
        expect(page_b.locator("[data-viewers-count]")).to_have_text("2")
        page_a.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # a beat
        expect(page_a.locator("[data-viewers-count]")).to_have_text("2")
        shot(page_a, "viewers-1280")
    finally:
        a.close()
        anonymous.close()
