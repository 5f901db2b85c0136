"""Boards and tags in real Chromium: save to a board (and to a new one) without a reload,
reorder a board by drag and drop and by keyboard, tag suggestions, our CSP on every new page,
and screenshots of each at desktop and phone sizes."""

import pytest
from playwright.sync_api import expect

from boards.services import create_board, save_to_board
from images.editing import update_image
from tests.e2e.conftest import login_context
from tests.e2e.test_pages import COLLECT_VIOLATIONS
from tests.factories import make_user

pytestmark = pytest.mark.e2e

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def order(board) -> list[int]:
    return list(board.entries.order_by("position", "id").values_list("image_id", flat=True))


def board_of(alice, bookmark, n=4):
    board = create_board(owner=alice, name="Seaside", description="Blue things")
    images = [bookmark(alice, f"pic-{i}", f"Picture {i}", size=(240, 180)) for i in range(n)]
    for image in reversed(images):
        save_to_board(user=alice, image_id=image.pk, board_id=board.pk)
    return board, [image.pk for image in images]


def tile_ids(page):
    return [int(v) for v in page.locator("[data-board-entries] > li").evaluate_all(
        "items => items.map(li => li.getAttribute('data-entry'))")]  # fmt: skip


def test_reorder_by_drag_and_drop(page, live_server, alice, bookmark):
    board, ids = board_of(alice, bookmark)
    page.goto(live_server.url + board.get_absolute_url())
    tiles = page.locator("[data-board-entries] > li")
    tiles.nth(3).drag_to(tiles.nth(0))
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 1")
    assert tile_ids(page) == [ids[3], ids[0], ids[1], ids[2]]
    assert order(board) == [ids[3], ids[0], ids[1], ids[2]]
    tiles.nth(0).drag_to(tiles.nth(2))
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 3")
    assert order(board) == [ids[0], ids[1], ids[3], ids[2]] == tile_ids(page)
    page.reload()
    assert tile_ids(page) == order(board)


def test_reorder_by_keyboard(page, live_server, alice, bookmark):
    board, ids = board_of(alice, bookmark)
    page.goto(live_server.url + board.get_absolute_url())
    link = page.locator("[data-board-entries] > li").nth(0).locator(".tile-link")
    link.focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 2")
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 3")
    assert page.evaluate("document.activeElement.closest('li').dataset.entry") == str(ids[0])
    assert order(board) == [ids[1], ids[2], ids[0], ids[3]] == tile_ids(page)
    # The ↑ button, pressed from the keyboard, moves it back (AJAX, no reload).
    up = page.get_by_role("button", name="Move “Picture 0” up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-reorder-status]")).to_contain_text("to place 2")
    assert order(board) == [ids[1], ids[0], ids[2], ids[3]] == tile_ids(page)
    expect(page.get_by_role("button", name="Move “Picture 1” up")).to_be_disabled()


def test_reorder_without_javascript(browser, live_server, alice, bookmark):
    board, ids = board_of(alice, bookmark, n=3)
    context = login_context(browser, live_server, alice, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + board.get_absolute_url())
    page.get_by_role("button", name="Move “Picture 2” up").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(board.get_absolute_url())
    assert order(board) == [ids[0], ids[2], ids[1]] == tile_ids(page)
    context.close()


def test_save_to_a_board_and_to_a_new_board_from_the_image_page(page, live_server, alice, bookmark):
    bob = make_user("bob", first_name="Bob")
    image = bookmark(bob, "bobs", "Bob's lighthouse")
    board = create_board(owner=alice, name="Lights")
    page.goto(live_server.url + image.get_absolute_url())
    page.evaluate("window.__same = 1")
    page.get_by_role("button", name="Save to Lights").click()
    expect(page.locator("[data-save-status]")).to_contain_text("Saved to “Lights” (1 image)")
    assert order(board) == [image.pk]
    page.get_by_label("+ New board").fill("Towers <b>")
    page.get_by_role("button", name="Create and save").click()
    expect(page.locator("[data-save-status]")).to_contain_text("new board “Towers <b>”")
    new = alice.boards.get(name="Towers <b>")
    assert order(new) == [image.pk]
    expect(page.get_by_role("button", name="Saved ✓ in Towers <b>")).to_be_visible()
    page.get_by_role("button", name="Saved ✓ in Lights").click()
    expect(page.locator("[data-save-status]")).to_contain_text("Removed from “Lights”")
    assert order(board) == []
    # A duplicate name is refused with the reason, nothing added.
    page.get_by_label("+ New board").fill("LIGHTS")
    page.get_by_role("button", name="Create and save").click()
    expect(page.locator("[data-save-status]")).to_contain_text("already have a board")
    assert page.evaluate("window.__same") == 1
    assert alice.boards.count() == 2


def test_tag_suggestions_complete_the_last_tag(page, live_server, alice, bookmark):
    bob = make_user("bob")
    other = bookmark(bob, "tagged", "Tagged")
    update_image(image=other, title="Tagged", description="", alt_text="", tags=["sunset"])
    image = bookmark(alice, "mine", "Mine")
    page.goto(live_server.url + f"/images/edit/{image.pk}/")
    field = page.get_by_label("Tags")
    field.fill("sea, sun")
    page.get_by_role("button", name="sunset").click()
    expect(field).to_have_value("sea, sunset, ")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/images/detail/**")
    assert sorted(image.tags.names()) == ["sea", "sunset"]


def test_collections_pages_pass_our_csp_and_look_right(browser, live_server, alice, bookmark, shot):
    bob = make_user("bob", first_name="Bob")
    board, ids = board_of(alice, bookmark, n=5)
    create_board(owner=alice, name="Empty for now")
    theirs = bookmark(bob, "bob-1", "Bob's lighthouse at dusk")
    save_to_board(user=alice, image_id=theirs.pk, board_id=board.pk)
    image = alice.images_created.get(pk=ids[0])
    update_image(image=image, title=image.title, description="A fine picture.",
                 alt_text="A gradient", tags=["sea", "sunset", "blue"])  # fmt: skip
    paths = {
        "image-detail": image.get_absolute_url(),
        "image-edit": f"/images/edit/{image.pk}/",
        "image-delete": f"/images/delete/{image.pk}/",
        "board-page": board.get_absolute_url(),
        "board-edit": board.get_absolute_url() + "edit/",
        "board-new": "/boards/new/",
        "boards-tab": "/account/users/alice/boards/",
        "images-tab-filtered": "/account/users/alice/?tag=sea",
        "tag-page": "/images/tag/sea/",
        "others-image": theirs.get_absolute_url(),
        "bookmark-form": "/images/create/?url=https://pictures.example/new.jpg&title=New&alt=Alt",
    }
    for size, viewport in SIZES.items():
        context = login_context(browser, live_server, alice, viewport=viewport)
        context.add_init_script(COLLECT_VIOLATIONS)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        for name, path in paths.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.wait_for_load_state("load")
            assert page.evaluate("window.__csp") == [], path
            shot(page, f"collections-{name}-{size}", full_page=True)
        assert errors == []
        context.close()


@pytest.mark.parametrize("strict", [False, True], ids=["overlay", "picker window"])
def test_bookmarklet_prefills_the_alt_text_from_the_page(page, launcher, site, live_server, strict):
    from images.models import Image
    from tests.e2e.test_bookmarklet import CSP

    site.image("/photos/cats.jpg", (500, 400))
    body = '<img src="/photos/cats.jpg" alt="Two cats on a sofa" width="300">'
    url = site.page("/cats.html", "Cats", body, csp=CSP if strict else None)
    page.goto(url)
    with page.expect_popup() as popup_info:
        page.evaluate(launcher)  # strict: the launcher opens the picker window itself
        if not strict:
            page.locator("#bm-bookmarklet-root .bm-pick").click()
    form = popup_info.value
    if strict:
        form.locator(".picker-item").click()
    form.wait_for_url("**/images/create/**")
    expect(form.locator("#id_alt_text")).to_have_value("Two cats on a sofa")
    form.get_by_label("+ New board").fill("Cats")
    form.get_by_role("button", name="Bookmark it!").click()
    form.wait_for_url("**/images/detail/**")
    image = Image.objects.get()
    assert image.alt_text == "Two cats on a sofa"
    assert list(alice_boards(image)) == ["Cats"]
    expect(form.locator("img.detail-img")).to_have_attribute("alt", "Two cats on a sofa")


def alice_boards(image):
    return image.board_entries.values_list("board__name", flat=True)
