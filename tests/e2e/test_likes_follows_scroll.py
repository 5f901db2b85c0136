"""Likes, infinite scroll and follows in a real browser: AJAX updates without a reload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_context
from tests.factories import make_user

pytestmark = pytest.mark.e2e

MARKER = "window.__noReload = 'still the same page'"


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload") == "still the same page"


def test_like_button_updates_the_count_without_a_reload(page, live_server, alice, bookmark):
    bob = make_user("bob", first_name="Bob")
    image = bookmark(bob, "sunset", "Sunset")
    page.goto(live_server.url + image.get_absolute_url())
    page.evaluate(MARKER)
    count = page.locator("[data-likes-count]")
    expect(count).to_have_text("0")

    page.get_by_role("button", name="♡ Like").click()
    expect(count).to_have_text("1")
    expect(page.locator(".like-form button")).to_have_text("♥ Unlike")
    assert image.users_like.filter(pk=alice.pk).exists()

    page.get_by_role("button", name="♥ Unlike").click()
    expect(count).to_have_text("0")
    assert not image.users_like.filter(pk=alice.pk).exists()
    assert_not_reloaded(page)


def test_a_like_says_its_plural_and_shows_or_hides_my_avatar_among_the_likers(
    page, live_server, alice, bookmark, shot
):
    bob = make_user("bob", first_name="Bob")
    carol = make_user("carol", first_name="Carol")
    lonely = bookmark(bob, "lonely", "Nobody's yet")
    liked = bookmark(bob, "liked", "Carol likes it")
    liked.users_like.add(carol)
    stats = page.locator(".stats > div").first
    likers = page.locator("[data-likers] [data-liker]")
    nobody = page.locator("[data-no-likers]")
    mine = page.locator(f'[data-likers] [data-liker="{alice.pk}"]')

    page.goto(live_server.url + lonely.get_absolute_url())
    page.evaluate(MARKER)
    expect(stats).to_have_text("0 likes")
    expect(nobody).to_be_visible()
    page.get_by_role("button", name="♡ Like").click()
    expect(stats).to_have_text("1 like")
    expect(mine).to_have_count(1)
    expect(mine.locator("a")).to_have_attribute("href", alice.get_absolute_url())
    expect(nobody).to_be_hidden()
    page.get_by_role("button", name="♥ Unlike").click()
    expect(stats).to_have_text("0 likes")
    expect(likers).to_have_count(0)
    expect(nobody).to_be_visible()
    assert_not_reloaded(page)

    page.goto(live_server.url + liked.get_absolute_url())
    page.evaluate(MARKER)
    expect(stats).to_have_text("1 like")
    page.get_by_role("button", name="♡ Like").click()
    expect(stats).to_have_text("2 likes")
    expect(likers).to_have_count(2)
    expect(likers.first).to_have_attribute("data-liker", str(alice.pk))
    shot(page, "first-likers-live")
    page.get_by_role("button", name="♥ Unlike").click()
    expect(stats).to_have_text("1 like")
    expect(likers).to_have_count(1)
    expect(mine).to_have_count(0)
    assert_not_reloaded(page)
    # A reload agrees with what the script showed.
    page.reload()
    expect(stats).to_have_text("1 like")
    expect(likers).to_have_count(1)


def test_scrolling_the_image_list_loads_the_next_page(browser, live_server, alice, bookmark):
    for number in range(9):  # 8 per page
        bookmark(alice, f"picture-{number}", f"Picture {number}", size=(200, 150))
    context = login_context(browser, live_server, alice, viewport={"width": 480, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/images/")
    page.evaluate(MARKER)
    tiles = page.locator(".grid .tile")
    expect(tiles).to_have_count(8)

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(tiles).to_have_count(9)
    expect(page.locator(".grid")).to_contain_text("Picture 0")  # the oldest, on page 2
    assert_not_reloaded(page)
    context.close()


def test_follow_updates_the_count_and_the_dashboard_shows_their_next_bookmark(
    page, live_server, alice, bookmark
):
    bob = make_user("bob", first_name="Bob")
    carol = make_user("carol", first_name="Carol")
    page.goto(live_server.url + bob.get_absolute_url())
    page.evaluate(MARKER)
    followers = page.locator("[data-followers-count]")
    expect(followers).to_have_text("0")

    page.get_by_role("button", name="Follow").click()
    expect(followers).to_have_text("1")
    expect(page.locator("[data-followers-label]")).to_have_text("follower")
    expect(page.locator(".profile-head [data-ajax-toggle] button")).to_have_text("Unfollow")
    assert_not_reloaded(page)
    assert alice.following.filter(pk=bob.pk).exists()

    bookmark(bob, "mountain", "Bob's mountain")
    bookmark(carol, "lake", "Carol's lake")  # not followed: not on Alice's dashboard
    page.goto(live_server.url + "/account/")
    feed = page.locator(".feed")
    expect(feed).to_contain_text("Bob's mountain")
    expect(feed.locator(".feed-item", has_text="Bob's mountain")).to_contain_text("Bob")
    expect(feed).not_to_contain_text("Carol's lake")
    thumb = feed.locator(".feed-item", has_text="Bob's mountain").locator(".feed-thumb img")
    expect(thumb).to_be_visible()


def test_follow_from_the_people_list_updates_that_row_without_a_reload(
    page, live_server, alice, bookmark
):
    bob = make_user("bob", first_name="Bob")
    make_user("carol", first_name="Carol")
    bookmark(bob, "mountain", "Bob's mountain")
    page.goto(live_server.url + "/account/users/")
    page.evaluate(MARKER)
    row = page.locator(".person", has_text="@bob")
    expect(row.locator(".person-latest img")).to_have_attribute("alt", "Bob's mountain")
    row.get_by_role("button", name="Follow").click()
    expect(row.locator(f"[data-followers-count='{bob.id}']")).to_have_text("1")
    expect(row.locator(f"[data-followers-label='{bob.id}']")).to_have_text("follower")
    expect(row.locator("button")).to_have_text("Unfollow")
    carol = page.locator(".person", has_text="@carol")
    expect(carol.locator("button")).to_have_text("Follow")  # the other rows stay as they were
    expect(carol.locator("[data-followers-count]")).to_have_text("0")
    assert_not_reloaded(page)
    assert alice.following.filter(pk=bob.pk).exists()
    row.get_by_role("button", name="Unfollow").click()
    expect(row.locator(f"[data-followers-count='{bob.id}']")).to_have_text("0")
    assert not alice.following.exists()
