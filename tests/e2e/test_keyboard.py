"""Acceptance 2 of issue 22: the whole path by keyboard only, in real Chromium: Tab, Shift+Tab,
Enter and Space (and typing into fields), never a click. Pages are opened by address (as typed
into the address bar) and the bookmarklet is started as the bookmarks bar would (its code run
on the page), as in test_bookmarklet.py."""

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from boards.models import Board, BoardEntry
from boards.services import save_to_board
from comments.models import Comment
from images.models import Image
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def tab_to(page, selector: str, *, limit: int = 80, shadow_host: str | None = None) -> None:
    """Press Tab until the focused element matches `selector` (inside `shadow_host`'s shadow
    root when given); fail when it never does."""
    if shadow_host:
        probe = (
            f"document.querySelector({shadow_host!r}).shadowRoot.activeElement?.matches"
            f"({selector!r}) || false"
        )
    else:
        probe = f"document.activeElement?.matches({selector!r}) || false"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(probe):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_register_bookmark_like_follow_reorder_comment_and_log_out_by_keyboard(
    browser, live_server, site, bookmark, transactional_db, shot
):
    bob = make_user("bob", first_name="Bob")
    sunset = bookmark(bob, "sunset", "Sunset over the bay")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()

    # Register: the skip link comes first, then the form's fields.
    page.goto(live_server.url + "/account/register/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    expect(page.locator(".skip-link")).to_be_visible()
    for selector, text in [
        ("#id_username", "kim"),
        ("#id_first_name", "Kim"),
        ("#id_email", "kim@example.com"),
        ("#id_password", "a long keyboard password"),
        ("#id_password2", "a long keyboard password"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/account/")
    expect(page.locator(".usernav-name")).to_have_text("Kim")

    # Bookmark through the overlay on somebody else's page.
    launcher = unquote(
        page.locator("a.bookmarklet-link").get_attribute("href").removeprefix("javascript:")
    )
    big = site.image("/photos/harbour.jpg", (600, 400))
    page.goto(site.page("/harbour.html", "Harbour", '<img src="/photos/harbour.jpg" alt="Boats">'))
    page.evaluate(launcher)
    expect(page.locator("#bm-bookmarklet-root .bm-pick")).to_have_count(1)
    tab_to(page, ".bm-pick", limit=6, shadow_host="#bm-bookmarklet-root")
    with page.expect_popup() as popup_info:
        page.keyboard.press("Enter")
    create = popup_info.value
    create.wait_for_load_state()
    expect(create.locator("#id_url")).to_have_value(big)
    tab_to(create, "form[data-upload-form] button[type=submit]")
    create.keyboard.press("Enter")
    create.wait_for_url("**/images/detail/**")
    kim = Image.objects.get(url=big).user
    assert kim.username == "kim"
    create.close()

    # Like Bob's picture (Space presses a button); the live region says what happened.
    page.goto(live_server.url + sunset.get_absolute_url())
    tab_to(page, ".like-form button")
    page.keyboard.press("Space")
    expect(page.locator("[data-likes-count]")).to_have_text("1")
    expect(page.locator("[data-announcer]")).to_have_text("You like this image. 1 like.")
    assert sunset.users_like.filter(pk=kim.pk).exists()

    # Comment on it.
    tab_to(page, "#comment-body")
    page.keyboard.type("Beautiful light!")
    tab_to(page, "form[data-comment-form] button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    expect(page.locator("[data-comment-list]")).to_contain_text("Beautiful light!")
    expect(page.locator("[data-announcer]")).to_have_text("Your comment is posted.")
    assert Comment.objects.get().author == kim

    # Follow Bob.
    page.goto(live_server.url + bob.get_absolute_url())
    tab_to(page, "form[data-ajax-toggle] button")
    page.keyboard.press("Enter")
    expect(page.locator("form[data-ajax-toggle] button")).to_have_text("Unfollow")
    expect(page.locator("[data-announcer]")).to_contain_text("You follow Bob.")
    assert kim.following.filter(pk=bob.pk).exists()

    # Reorder a board with its move buttons: the focus stays on the moved picture's controls.
    mine = Image.objects.get(url=big)
    board, _, _ = save_to_board(user=kim, image_id=mine.id, new_board_name="Water")
    save_to_board(user=kim, image_id=sunset.id, board_id=board.id)  # newest first: sunset
    page.goto(live_server.url + board.get_absolute_url())
    first = page.locator("li[data-entry]").first
    expect(first).to_have_attribute("data-entry", str(sunset.id))
    tab_to(page, f'li[data-entry="{sunset.id}"] form[data-entry-move="1"] button')
    page.keyboard.press("Enter")
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 2")
    expect(page.locator("li[data-entry]").first).to_have_attribute("data-entry", str(mine.id))
    focused = page.evaluate("document.activeElement.closest('li[data-entry]')?.dataset.entry")
    assert focused == str(sunset.id)
    order = list(
        BoardEntry.objects.filter(board=board).order_by("position").values_list("image", flat=True)
    )
    assert order == [mine.id, sunset.id]
    assert Board.objects.get(pk=board.pk).owner == kim
    shot(page, "keyboard-board")

    # Log out.
    tab_to(page, "form[action$='/logout/'] button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    context.close()
