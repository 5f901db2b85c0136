"""Privacy filtering adds no query per row: each list costs the same with 1 and with many
rows, private images and secret boards mixed in, for another person, the owner and a
visitor; the visibility filters have indexes that SQLite and PostgreSQL use."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actions.models import Verb
from actions.services import create_action
from boards.services import add_member, create_board, save_to_board
from images.editing import update_image
from images.models import Image
from images.visibility import set_image_private
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_rows(owner, viewer, board, shared, n, start):
    for i in range(start, start + n):
        image = make_image(owner, title=f"i{i}")
        update_image(image=image, title=image.title, description="", alt_text="", tags=["sea"])
        create_action(owner, Verb.BOOKMARKED, image)
        save_to_board(user=owner, image_id=image.pk, board_id=board.pk)
        save_to_board(user=owner, image_id=image.pk, board_id=shared.pk)
        if i % 2:  # every other one private, and a secret board now and then
            set_image_private(image=image, private=True)
        if i % 3 == 0:
            create_board(owner=owner, name=f"secret {i}", secret=True)


URLS = [
    "/images/",
    "/images/tag/sea/",
    "/account/users/alice/",
    "/account/users/alice/boards/",
    "/account/users/bob/boards/",  # with "Shared with me"
    "/boards/alice/wall/",
    "/boards/alice/together/",
    "/account/",
    "/images/ranking/",
]


def test_every_list_costs_the_same_with_1_and_many_rows(user, other_user):
    owner, viewer = user, other_user
    viewer.following.add(owner)
    board = create_board(owner=owner, name="Wall")
    shared = create_board(owner=owner, name="Together", secret=True)
    add_member(board=shared, username="bob", role="viewer")
    add_rows(owner, viewer, board, shared, 1, 0)
    clients = {"owner": Client(), "other": Client()}
    clients["owner"].force_login(owner)
    clients["other"].force_login(viewer)
    for client in clients.values():  # warm Django's content-type cache
        for url in URLS:
            client.get(url)
    before = {(w, u): queries(c, u) for w, c in clients.items() for u in URLS}
    add_rows(owner, viewer, board, shared, 11, 1)
    after = {(w, u): queries(c, u) for w, c in clients.items() for u in URLS}
    assert before == after
    visitor = Client()
    for url in ("/images/", "/images/tag/sea/", "/boards/alice/wall/"):
        assert queries(visitor, url) <= 4


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_the_public_image_list_reads_its_partial_index(user):
    for n in range(3):
        make_image(user, title=f"p{n}")
    explained = plan(Image.objects.visible_to(None).order_by("-created", "-id")[:9])
    assert "images_public_newest_idx" in explained, explained
    assert make_user("zed")
