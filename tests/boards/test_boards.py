"""Boards: create, rename, delete (images kept), save mine and others' images, no duplicates,
remove, reorder without JavaScript, covers, and every refusal as a 4xx with nothing changed."""

import pytest
from django.urls import reverse

from actions.models import Action
from boards.models import Board, BoardEntry
from boards.services import SAVED_TO_BOARD, create_board, save_to_board
from images.models import Image
from tests.factories import make_image

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def order(board) -> list[int]:
    return list(board.entries.order_by("position", "id").values_list("image_id", flat=True))


def test_create_board_goes_to_its_page(auth_client, user):
    response = auth_client.post(
        reverse("boards:new"), {"name": "  Sea  views ", "description": "Blue"}
    )
    board = Board.objects.get(owner=user)
    assert (board.name, board.slug, board.description) == ("Sea views", "sea-views", "Blue")
    assert response.status_code == 302
    assert response["Location"] == f"/boards/alice/{board.slug}/"
    assert auth_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required"), ("   ", "This field is required"), ("x" * 101, "at most 100"),
     ("SEA", "already have a board")],
)  # fmt: skip
def test_bad_board_names_are_refused(auth_client, user, name, message):
    create_board(owner=user, name="sea")
    response = auth_client.post(reverse("boards:new"), {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Board.objects.count() == 1


def test_same_name_for_two_people_and_unicode_slug(user, other_user):
    a = create_board(owner=user, name="Море")
    b = create_board(owner=other_user, name="море")
    assert a.slug == b.slug == "море"


def test_rename_and_delete_keeps_images(auth_client, user, other_user):
    board = create_board(owner=user, name="Old")
    mine, theirs = make_image(user), make_image(other_user)
    for image in (mine, theirs):
        save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    response = auth_client.post(f"/boards/alice/{board.slug}/edit/", {"name": "New name"})
    board.refresh_from_db()
    assert board.name == "New name" and response["Location"] == "/boards/alice/new-name/"
    assert auth_client.get("/boards/alice/new-name/delete/").status_code == 200
    response = auth_client.post("/boards/alice/new-name/delete/")
    assert response.status_code == 302 and response["Location"] == "/account/users/alice/boards/"
    assert not Board.objects.exists() and not BoardEntry.objects.exists()
    assert Image.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert not Action.objects.filter(verb=SAVED_TO_BOARD).exists()


def test_others_cannot_edit_delete_or_move_a_board(client, user, other_user):
    board = create_board(owner=user, name="Mine")
    image = make_image(user)
    save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    client.force_login(other_user)
    base = f"/boards/alice/{board.slug}/"
    for method, path in [
        ("get", "edit/"), ("post", "edit/"), ("get", "delete/"), ("post", "delete/"),
    ]:  # fmt: skip
        assert getattr(client, method)(base + path, {"name": "Hacked"}).status_code == 404
    response = client.post(base + "move/", {"image": image.pk, "position": 0}, **AJAX)
    assert response.status_code == 404
    response = client.post(base + "cover/", {"image": image.pk}, **AJAX)
    assert response.status_code == 404
    board.refresh_from_db()
    assert board.name == "Mine"


def test_save_mine_and_another_persons_image_never_twice(auth_client, user, other_user):
    board = create_board(owner=user, name="Picks")
    mine, theirs = make_image(user), make_image(other_user)
    files_before = Image.objects.count()
    for image, count in ((mine, 1), (theirs, 2), (theirs, 2)):
        response = auth_client.post(
            reverse("boards:save"), {"image": image.pk, "board": board.pk}, **AJAX
        )
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert (response.json()["board"], response.json()["count"]) == (board.pk, count)
    assert BoardEntry.objects.filter(board=board).count() == 2
    assert Image.objects.count() == files_before  # an entry, never a copy
    assert order(board) == [theirs.pk, mine.pk]  # the newest on top
    board.refresh_from_db()
    assert board.cover_id == theirs.pk  # by default the newest entry
    assert Action.objects.filter(verb=SAVED_TO_BOARD, target_id=board.pk).count() == 1


def test_save_to_a_new_board_without_javascript_redirects_back(auth_client, user, other_user):
    image = make_image(other_user)
    response = auth_client.post(
        reverse("boards:save"),
        {"image": image.pk, "new_board": "Fresh", "next": image.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == image.get_absolute_url()
    board = Board.objects.get(owner=user)
    assert board.name == "Fresh" and order(board) == [image.pk]


@pytest.mark.parametrize("case", ["not mine", "missing board", "missing image", "no board"])
def test_save_refusals_change_nothing(auth_client, user, other_user, case):
    theirs = create_board(owner=other_user, name="Theirs")
    image = make_image(other_user)
    data = {
        "not mine": {"image": image.pk, "board": theirs.pk},
        "missing board": {"image": image.pk, "board": 999_999},
        "missing image": {"image": 999_999, "new_board": "Would be new"},
        "no board": {"image": image.pk},
    }[case]
    response = auth_client.post(reverse("boards:save"), data, **AJAX)
    assert response.status_code == 400
    assert response.json()["status"] == "error" and response.json()["message"]
    assert Board.objects.count() == 1 and not BoardEntry.objects.exists()


def test_save_to_new_board_with_a_taken_name_is_refused(auth_client, user):
    create_board(owner=user, name="Taken")
    image = make_image(user)
    response = auth_client.post(
        reverse("boards:save"), {"image": image.pk, "new_board": "TAKEN"}, **AJAX
    )
    assert response.status_code == 400 and "already have" in response.json()["message"]
    assert not BoardEntry.objects.exists()


def test_remove_from_board(auth_client, user, other_user):
    board = create_board(owner=user, name="B")
    first, second = make_image(other_user), make_image(other_user)
    save_to_board(user=user, image_id=first.pk, board_id=board.pk)
    save_to_board(user=user, image_id=second.pk, board_id=board.pk)
    data = {"image": second.pk, "board": board.pk}
    response = auth_client.post(reverse("boards:remove"), data, **AJAX)
    assert response.json() == {"status": "ok", "board": board.pk, "count": 1}
    board.refresh_from_db()
    assert order(board) == [first.pk] and board.cover_id == first.pk  # the cover moved on
    response = auth_client.post(reverse("boards:remove"), data, **AJAX)
    assert response.status_code == 400  # not on the board any more
    assert Image.objects.filter(pk=second.pk).exists()


def test_remove_from_someone_elses_board_is_refused(client, user, other_user):
    board = create_board(owner=user, name="B")
    image = make_image(user)
    save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    client.force_login(other_user)
    response = client.post(reverse("boards:remove"), {"image": image.pk, "board": board.pk}, **AJAX)
    assert response.status_code == 400
    assert BoardEntry.objects.count() == 1


def make_board_with(user, n):
    board = create_board(owner=user, name="Order")
    images = [make_image(user, title=f"i{i}") for i in range(n)]
    for image in reversed(images):  # newest on top: saving in reverse leaves images in order
        save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    assert order(board) == [i.pk for i in images]
    return board, [i.pk for i in images]


def test_reorder_with_plain_forms(auth_client, user):
    board, ids = make_board_with(user, 4)
    url = f"/boards/alice/{board.slug}/move/"
    response = auth_client.post(
        url, {"image": ids[3], "position": 0, "next": "/boards/alice/order/"}
    )
    assert response.status_code == 302 and response["Location"] == "/boards/alice/order/"
    assert order(board) == [ids[3], ids[0], ids[1], ids[2]]
    auth_client.post(url, {"image": ids[3], "position": 3})
    assert order(board) == ids
    auth_client.post(url, {"image": ids[0], "position": 2})
    assert order(board) == [ids[1], ids[2], ids[0], ids[3]]
    # The page draws ↑/↓ as plain forms carrying the neighbouring positions.
    html = auth_client.get(f"/boards/alice/{board.slug}/").content.decode()
    assert 'name="position" value="1"' in html and 'data-entry-move="-1"' in html


@pytest.mark.parametrize(("image_index", "position"), [(None, 0), (0, -1), (0, 4), (0, 10**12)])
def test_bad_moves_are_refused(auth_client, user, image_index, position):
    board, ids = make_board_with(user, 4)
    other = make_image(user)  # not on the board
    image = other.pk if image_index is None else ids[image_index]
    response = auth_client.post(
        f"/boards/alice/{board.slug}/move/", {"image": image, "position": position}, **AJAX
    )
    assert response.status_code == 400 and response.json()["message"]
    assert order(board) == ids


def test_many_moves_to_one_spot_renumber_rarely_and_keep_the_order(user):
    from boards.services import move_entry

    board, ids = make_board_with(user, 3)
    expected = list(ids)
    for _ in range(40):  # halves the same gap every time: forces renumbering
        move_entry(board=board, image_id=expected[2], position=1)
        expected.insert(1, expected.pop(2))
        assert order(board) == expected


def test_choose_cover(auth_client, user):
    board, ids = make_board_with(user, 3)
    response = auth_client.post(f"/boards/alice/{board.slug}/cover/", {"image": ids[2]}, **AJAX)
    assert response.status_code == 200
    board.refresh_from_db()
    assert board.cover_id == ids[2] and board.cover_chosen
    save_to_board(user=user, image_id=make_image(user).pk, board_id=board.pk)
    board.refresh_from_db()
    assert board.cover_id == ids[2]  # a chosen cover stays


def test_board_page_and_infinite_scroll(client, user):
    board, ids = make_board_with(user, 10)
    response = client.get(f"/boards/alice/{board.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-next-page="2"' in html and "10 images" in html
    assert "Move" not in html  # not the owner: no tools
    more = client.get(f"/boards/alice/{board.slug}/?page=2&images_only=1").content.decode()
    assert more.count("<li") == 2
    assert client.get(f"/boards/alice/{board.slug}/?page=3&images_only=1").content == b""
    assert client.get("/boards/alice/nope/").status_code == 404
    assert client.get(f"/boards/nobody/{board.slug}/").status_code == 404


def test_boards_tab_shows_cards_with_mosaic_and_counts(client, user, other_user):
    board, ids = make_board_with(user, 5)
    create_board(owner=user, name="Empty one")
    client.force_login(other_user)
    response = client.get("/account/users/alice/boards/")
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [c.board.name for c in cards] == ["Empty one", "Order"]
    assert cards[1].count == 5 and len(cards[1].mosaic) == 4
    board.refresh_from_db()
    assert cards[1].mosaic[0].pk == board.cover_id
    assert cards[0].count == 0 and cards[0].mosaic == []
    html = response.content.decode()
    assert "5 images" in html and "0 images" in html
    assert client.get("/account/users/nobody/boards/").status_code == 404


def test_board_text_is_escaped(client, user):
    board = create_board(owner=user, name="<script>x</script>", description="<b>bold</b>")
    image = make_image(user)
    save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    client.force_login(user)
    for path in (board.get_absolute_url(), "/account/users/alice/boards/"):
        html = client.get(path).content.decode()
        assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>bold</b>" not in client.get(board.get_absolute_url()).content.decode()


def test_saved_to_board_shows_on_the_dashboard(client, user, other_user):
    from account.services import follow_user

    board = create_board(owner=other_user, name="Bob's picks")
    save_to_board(user=other_user, image_id=make_image(user).pk, board_id=board.pk)
    follow_user(user_from=user, user_to=other_user, follow=True)
    client.force_login(user)
    html = client.get("/account/").content.decode()
    assert "saved to board" in html and "Bob&#x27;s picks" in html
    assert board.get_absolute_url() in html


def test_anonymous_cannot_write(client, user):
    board = create_board(owner=user, name="B")
    image = make_image(user)
    for path, data in [
        (reverse("boards:save"), {"image": image.pk, "board": board.pk}),
        (reverse("boards:remove"), {"image": image.pk, "board": board.pk}),
    ]:
        assert client.post(path, data, **AJAX).status_code == 401
    assert client.get(reverse("boards:new")).status_code == 302
    assert client.get(f"/boards/alice/{board.slug}/edit/").status_code == 302
    assert not BoardEntry.objects.exists()


def test_get_on_post_endpoints_is_405(auth_client, user):
    board = create_board(owner=user, name="B")
    for path in ("/boards/save/", "/boards/remove/", f"/boards/alice/{board.slug}/move/"):
        assert auth_client.get(path).status_code == 405


def test_image_deletion_resets_covers(user, other_user):
    board = create_board(owner=user, name="B")
    first, second = make_image(other_user), make_image(other_user)
    save_to_board(user=user, image_id=first.pk, board_id=board.pk)
    save_to_board(user=user, image_id=second.pk, board_id=board.pk)
    second.delete()
    board.refresh_from_db()
    assert board.cover_id == first.pk and order(board) == [first.pk]


def test_an_empty_boards_feed_item_shows_a_placeholder_not_a_broken_image(client, user, other_user):
    board = create_board(owner=user, name="Soon empty")
    image = make_image(user)
    save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    client.force_login(user)
    client.post(reverse("boards:remove"), {"image": image.pk, "board": board.pk})
    client.force_login(other_user)
    html = client.get("/account/").content.decode()  # bob follows nobody: everyone's feed
    assert "Soon empty" in html and 'src=""' not in html


@pytest.mark.parametrize("status", ["saving", "failed"])
def test_another_persons_image_that_is_not_ready_cannot_be_saved(
    auth_client, user, other_user, status
):
    board = create_board(owner=user, name="Picks")
    theirs = make_image(other_user)
    Image.objects.filter(pk=theirs.pk).update(status=status)
    response = auth_client.post(
        reverse("boards:save"), {"image": theirs.pk, "board": board.pk}, **AJAX
    )
    assert response.status_code == 400
    assert response.json()["message"] == "No such image."
    assert not BoardEntry.objects.exists()
