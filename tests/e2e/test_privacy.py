"""Privacy and sharing pages in a real Chromium, at a phone's and a laptop's size: the bookmark
form's Private box, the edit page, a board's edit page with collaborators and its share link
(opened logged out), and a person's page with Block."""

import pytest

from boards.services import add_member, create_board, save_to_board
from tests.factories import make_image, make_user

from .conftest import login_context

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_privacy_pages(browser, live_server, alice, shot, size):
    bob = make_user("bob", first_name="Bob")
    make_user("vera", first_name="Vera")
    board = create_board(owner=alice, name="Gift ideas", secret=True)
    for n in range(3):
        image = make_image(bob, title=f"Idea {n}", color=(40 * n, 120, 200))
        save_to_board(user=alice, image_id=image.pk, board_id=board.pk)
    add_member(board=board, username="bob", role="editor")
    add_member(board=board, username="vera", role="viewer")
    mine = make_image(alice, title="My room")
    context = login_context(browser, live_server, alice, viewport=SIZES[size])
    page = context.new_page()

    page.goto(live_server.url + "/images/create/")
    assert page.get_by_label("Private").is_visible()
    shot(page, f"privacy-bookmark-form-{size}", full_page=True)

    page.goto(live_server.url + f"/images/edit/{mine.pk}/")
    page.get_by_label("Private").check()
    shot(page, f"privacy-image-edit-{size}", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/images/detail/**")

    page.goto(live_server.url + f"/boards/alice/{board.slug}/edit/")
    assert page.get_by_label("Secret").is_checked()
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("#share-url").input_value()
    shot(page, f"privacy-board-edit-{size}", full_page=True)

    visitor = browser.new_context(viewport=SIZES[size])
    shared = visitor.new_page()
    shared.goto(link)
    assert shared.get_by_role("heading", name="Gift ideas").is_visible()
    assert shared.locator("a[href*='/edit/']").count() == 0
    shot(shared, f"privacy-shared-board-{size}", full_page=True)
    visitor.close()

    page.goto(live_server.url + "/account/users/bob/")
    shot(page, f"privacy-person-block-{size}", full_page=True)
    page.get_by_role("button", name="Block").click()
    assert page.get_by_role("button", name="Unblock").is_visible()
    shot(page, f"privacy-person-blocked-{size}", full_page=True)
    context.close()
