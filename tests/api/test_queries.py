"""Fixed query counts (1 row and many): the API's image list (with each filter), search, feed,
boards and notifications. Each request also reads its token (1 query; last_used is written
at most once a minute, so the warm-up request takes that write)."""

import pytest

from account.services import follow_user
from boards.models import BoardEntry
from boards.services import create_board
from images.services import like_image
from tests.factories import make_image, make_user


def fill(owner, n):
    images = [make_image(owner, title=f"Red {i}") for i in range(n)]
    for image in images:
        image.tags.set(["sea", f"t{image.pk}"])
    return images


@pytest.mark.parametrize("n", [1, 12])
def test_image_list_and_search_cost_a_fixed_number_of_queries(
    api, user, other_user, n, django_assert_num_queries
):
    images = fill(other_user, n)
    board = create_board(owner=other_user, name="B")
    for i, image in enumerate(images):
        BoardEntry.objects.create(board=board, image=image, position=i)
    api.get("/api/v1/me/")  # warm-up: writes last_used
    cases = {
        "/api/v1/images/": 3,  # token, images with owners, their tags
        "/api/v1/images/?mine=1": 2,  # none of hers: no tags to read
        "/api/v1/images/?user=bob": 5,  # + the person, + whether they blocked her
        "/api/v1/images/?tag=sea": 4,  # + the tag's id
        f"/api/v1/images/?board={board.pk}": 4,  # + the board's visibility
        "/api/v1/search/?q=red": 3,
    }
    for path, queries in cases.items():
        with django_assert_num_queries(queries):
            response = api.get(path)
        assert response.status_code == 200
        assert len(response.json()["items"]) == (0 if "mine" in path else n), path


@pytest.mark.parametrize("n", [1, 8])
def test_feed_costs_a_fixed_number_of_queries(api, user, n, django_assert_num_queries):
    people = [make_user(f"p{i}") for i in range(n)]
    for person in people:
        follow_user(user_from=user, user_to=person, follow=True)
        image = make_image(person)
        like_image(user=person, image_id=image.pk, like=True)
        follow_user(user_from=person, user_to=user, follow=True)
    api.get("/api/v1/feed/")  # warm-up: last_used, and Django's cache of content types
    # token, follows, actions, then one per target type present (images, users)
    with django_assert_num_queries(5):
        response = api.get("/api/v1/feed/")
    assert len(response.json()["items"]) == min(3 * n, 10)


@pytest.mark.parametrize("n", [1, 8])
def test_boards_and_notifications_cost_a_fixed_number_of_queries(
    api, user, n, django_assert_num_queries
):
    for i in range(n):
        board = create_board(owner=user, name=f"Board {i}")
        image = make_image(user)
        BoardEntry.objects.create(board=board, image=image, position=0)
        liker = make_user(f"liker{i}")
        like_image(user=liker, image_id=image.pk, like=True)
    api.get("/api/v1/notifications/")  # warm-up: last_used, the content types' cache
    with django_assert_num_queries(2):  # token, boards with owners, covers and counts
        assert len(api.get("/api/v1/boards/").json()["items"]) == n
    with django_assert_num_queries(3):  # token, rows with actors, the (image) targets
        assert len(api.get("/api/v1/notifications/").json()["items"]) == n


@pytest.mark.parametrize("n", [1, 8])
def test_a_board_s_entries_cost_a_fixed_number_of_queries_and_show_the_owner_s_private_ones(
    api, user, other_user, n, django_assert_num_queries
):
    from images.visibility import set_image_private

    board = create_board(owner=user, name="Mine")
    images = fill(user, n)
    theirs = make_image(other_user, title="Theirs")
    for i, image in enumerate([*images, theirs]):
        BoardEntry.objects.create(board=board, image=image, position=i)
    set_image_private(image=images[0], private=True)  # her own: she sees it
    set_image_private(image=theirs, private=True)  # Bob's: nobody else does
    api.get("/api/v1/me/")  # warm-up: writes last_used
    with django_assert_num_queries(4):  # token, the board, entries with images, their tags
        page = api.get(f"/api/v1/boards/{board.pk}/entries/").json()
    assert [item["id"] for item in page["items"]] == [image.pk for image in images[:8]]
    with django_assert_num_queries(2):  # token, boards with owners, covers and counts
        boards = api.get("/api/v1/boards/").json()
    assert boards["items"][0]["entry_count"] == n  # Bob's private one is not counted
