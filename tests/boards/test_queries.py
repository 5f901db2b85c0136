"""Board page, tag page and the Boards tab cost a fixed number of queries (≤ 5, the session
and the user included) whatever they show; moving an entry costs the same on a board of 3 or
of 1,000 entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import POSITION_GAP, BoardEntry
from boards.services import create_board, move_entry, save_to_board
from images.editing import update_image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill(board, user, n, start=0):
    for i in range(start, start + n):
        image = make_image(make_user(f"owner{board.pk}x{i}"), title=f"t{i}")
        update_image(image=image, title=image.title, description="", alt_text="", tags=["sea"])
        save_to_board(user=user, image_id=image.pk, board_id=board.pk)


def test_board_page_queries_do_not_grow(auth_client, user):
    board = create_board(owner=user, name="B")
    fill(board, user, 1)
    one = count_queries(auth_client, board.get_absolute_url())
    fill(board, user, 11, start=1)
    many = count_queries(auth_client, board.get_absolute_url())
    assert one == many <= 4  # session, user, board (+ count), entries
    assert count_queries(auth_client, board.get_absolute_url() + "?page=2&images_only=1") <= 4


def test_tag_page_queries_do_not_grow(auth_client, user):
    board = create_board(owner=user, name="B")
    fill(board, user, 1)
    one = count_queries(auth_client, "/images/tag/sea/")
    fill(board, user, 11, start=1)
    many = count_queries(auth_client, "/images/tag/sea/")
    assert one == many <= 4  # session, user, the tag, images with it


def test_boards_tab_queries_do_not_grow(auth_client, user):
    first = create_board(owner=user, name="first")
    fill(first, user, 1)
    one = count_queries(auth_client, "/account/users/alice/boards/")
    for n in range(6):
        board = create_board(owner=user, name=f"b{n}")
        fill(board, user, 5)
    many = count_queries(auth_client, "/account/users/alice/boards/")
    # session, user, person (+ followers), boards (+ counts), mosaics; on your own page the
    # boards shared with you (their mosaics too when there are some)
    assert one == many <= 6


def bulk_board(user, n):
    """A board with n entries, inserted in bulk (the images are one picture, many rows)."""
    from images.models import Image

    board = create_board(owner=user, name=f"big{n}")
    template = make_image(user)
    images = Image.objects.bulk_create(
        [
            Image(user=user, title=f"b{i}", url=f"https://x.example/{n}/{i}.png",
                  image=template.image.name, thumbnails=template.thumbnails)
            for i in range(n)
        ]
    )  # fmt: skip
    BoardEntry.objects.bulk_create(
        [
            BoardEntry(board=board, image=img, position=i * POSITION_GAP)
            for i, img in enumerate(images)
        ]
    )
    return board, [img.pk for img in images]


def move_queries(board, image_id, position):
    with CaptureQueriesContext(connection) as ctx:
        move_entry(board=board, image_id=image_id, position=position)
    return len(ctx.captured_queries)


def test_a_move_costs_the_same_on_a_board_of_1000(user):
    small, small_ids = bulk_board(user, 3)
    big, big_ids = bulk_board(user, 1000)
    few = move_queries(small, small_ids[2], 1)
    expected = list(big_ids)
    for image_id, position in ((big_ids[999], 1), (big_ids[0], 998), (big_ids[500], 0)):
        assert move_queries(big, image_id, position) == few
        expected.remove(image_id)
        expected.insert(position, image_id)
    assert few <= 8  # savepoint, lock, count, entry, neighbours, update, release
    order = list(big.entries.order_by("position", "id").values_list("image_id", flat=True))
    assert order == expected
