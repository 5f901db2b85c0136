"""Bad input on every collections form and endpoint: a 4xx with a reason, never a 500, and no
row changed; every POST refuses a missing CSRF token."""

import itertools

import pytest
from django.test import Client

from boards.services import create_board, save_to_board
from tests.factories import make_image
from tests.test_bad_input import GARBAGE_IDS, table_counts

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
BAD_NAMES = ["", " ", "x" * 101, "💥" * 101, "a\x00b", "MINE", " mine "]
BAD_TAGS = ["<script>", "a\x07", "x" * 51, " ".join(f"t{i}" for i in range(21)), "a;b", "\x00"]


def cases(mine, theirs, my_image, their_image):
    base = f"/boards/alice/{mine.slug}/"
    for value, board in itertools.product(GARBAGE_IDS, [str(mine.pk), "", "x"]):
        yield "post", "/boards/save/", {"image": value, "board": board}
        yield "post", "/boards/remove/", {"image": value, "board": board}
    for value in GARBAGE_IDS:
        yield "post", "/boards/save/", {"image": str(their_image.pk), "board": value}
        yield "post", base + "move/", {"image": value, "position": "0"}
        if value != "0":  # the only valid place on a one-entry board
            yield "post", base + "move/", {"image": str(my_image.pk), "position": value}
        yield "post", base + "cover/", {"image": value}
    yield "post", "/boards/save/", {"image": str(their_image.pk), "board": str(theirs.pk)}
    yield "post", "/boards/save/", {"image": str(their_image.pk)}
    yield "post", "/boards/remove/", {"image": str(their_image.pk), "board": str(mine.pk)}
    yield "post", "/boards/remove/", {"image": str(my_image.pk), "board": str(theirs.pk)}
    yield "post", base + "move/", {"image": str(their_image.pk), "position": "0"}
    yield "post", base + "move/", {"image": str(my_image.pk), "position": "1"}  # 1 entry
    yield "post", base + "cover/", {"image": str(their_image.pk)}
    for name in BAD_NAMES:
        yield "post", "/boards/new/", {"name": name}
        if name.strip().lower() != "mine":  # renaming in another case is allowed
            yield "post", base + "edit/", {"name": name, "description": "d"}
        yield "post", "/boards/save/", {"image": str(their_image.pk), "new_board": name}
    yield "post", "/boards/new/", {"name": "ok", "description": "d" * 2001}
    for tags in BAD_TAGS:
        data = {"title": "t", "description": "", "alt_text": "", "tags": tags}
        yield "post", f"/images/edit/{my_image.pk}/", data
    theirs_base = f"/boards/bob/{theirs.slug}/"
    not_mine = [f"/images/edit/{their_image.pk}/", f"/images/delete/{their_image.pk}/",
                "/images/edit/0/", "/images/delete/99999999/", theirs_base + "edit/",
                theirs_base + "delete/", theirs_base + "move/", theirs_base + "cover/"]  # fmt: skip
    for path in not_mine:
        yield (
            "post",
            path,
            {"title": "x", "name": "x", "image": str(their_image.pk), "position": "0"},
        )
    for q in ["", "<script>", "x" * 5000, "\x00", "💥", "%"]:
        yield "get", "/images/tags/suggest/", {"q": q}
    for page in ["-1", "0", "x", "9" * 40, "💥"]:
        yield "get", base, {"page": page}
        yield "get", base, {"page": page, "images_only": "1"}
        yield "get", "/images/tag/sea/", {"page": page}
        yield "get", "/account/users/alice/boards/", {"page": page}
        yield "get", "/account/users/alice/", {"tag": page}
    for tag in ["\x00", "<b>", "a\x07", "x" * 300, "SEA"]:
        yield "get", "/account/users/alice/", {"tag": tag}
    for path in ("/images/tag/%3Cb%3E/", "/images/tag/%00/", "/images/tag/" + "x" * 300 + "/",
                 "/boards/alice/💥/", "/boards/💥/x/", "/account/users/💥/boards/"):  # fmt: skip
        yield "get", path, {}


def test_bad_collections_input_never_500_and_changes_nothing(user, other_user):
    mine, theirs = create_board(owner=user, name="Mine"), create_board(owner=other_user, name="B")
    my_image, their_image = make_image(user), make_image(other_user)
    save_to_board(user=user, image_id=my_image.pk, board_id=mine.pk)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    before = table_counts()
    tried = 0
    for method, path, data in cases(mine, theirs, my_image, their_image):
        for extra in ({}, AJAX) if method == "post" else ({},):
            response = getattr(client, method)(path, data, **extra)
            tried += 1
            assert response.status_code < 500, (path, data)
            if method == "post":
                assert 400 <= response.status_code < 500, (path, data, response.status_code)
            assert table_counts() == before, (path, data)
    assert tried > 200


def test_collections_posts_refuse_a_missing_csrf_token(user, other_user):
    board = create_board(owner=user, name="Mine")
    image = make_image(user)
    save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = table_counts()
    for path, data in [
        ("/boards/new/", {"name": "New"}),
        ("/boards/save/", {"image": image.pk, "new_board": "Other"}),
        ("/boards/remove/", {"image": image.pk, "board": board.pk}),
        ("/boards/alice/mine/move/", {"image": image.pk, "position": 0}),
        ("/boards/alice/mine/cover/", {"image": image.pk}),
        ("/boards/alice/mine/edit/", {"name": "Renamed"}),
        ("/boards/alice/mine/delete/", {}),
        (f"/images/edit/{image.pk}/", {"title": "Changed"}),
        (f"/images/delete/{image.pk}/", {}),
    ]:
        assert client.post(path, data).status_code == 403, path
    assert table_counts() == before
