"""'+ New board' (or one of your boards) on the bookmark form: the new image lands on it."""

import pytest
from django.urls import reverse

from boards.models import Board
from boards.services import create_board
from images.models import Image
from tests.images.imagedata import make_image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_url(httpserver, server_url, allow_loopback_fetch):
    def serve(name):
        httpserver.expect_request(f"/{name}.jpg").respond_with_data(
            make_image_bytes("JPEG", (400, 300)), content_type="image/jpeg"
        )
        return server_url(f"/{name}.jpg")

    return serve


def bookmark(client, url, **extra):
    data = {"title": "Bridge", "url": url, "alt_text": "A bridge at night", **extra}
    return client.post(reverse("images:create"), data, follow=True)


def test_bookmark_form_offers_boards_and_saves_to_a_new_one(auth_client, user, photo_url):
    create_board(owner=user, name="Existing")
    form = auth_client.get(reverse("images:create") + "?url=https://x.example/a.png&alt=Cats")
    html = form.content.decode()
    assert 'name="new_board"' in html and "Existing" in html and 'value="Cats"' in html
    response = bookmark(auth_client, photo_url("one"), new_board="Bridges")
    image = Image.objects.get()
    assert image.alt_text == "A bridge at night"
    board = Board.objects.get(name="Bridges")
    assert list(board.entries.values_list("image_id", flat=True)) == [image.pk]
    assert "Saved to your board “Bridges”" in response.content.decode()


def test_bookmark_form_saves_to_a_chosen_board(auth_client, user, photo_url):
    board = create_board(owner=user, name="Existing")
    bookmark(auth_client, photo_url("two"), board=str(board.pk))
    assert board.entries.count() == 1


@pytest.mark.parametrize("extra", [{"board": "999999"}, {"board": "x"}, {"new_board": "A" * 101}])
def test_a_bad_board_keeps_the_bookmark_and_says_why(auth_client, user, photo_url, extra):
    response = bookmark(auth_client, photo_url("three"), **extra)
    assert response.status_code == 200
    assert Image.objects.count() == 1 and not Board.objects.exists()
    assert "not saved to a board" in response.content.decode()


def test_someone_elses_board_is_refused(auth_client, other_user, photo_url):
    theirs = create_board(owner=other_user, name="Theirs")
    response = bookmark(auth_client, photo_url("four"), board=str(theirs.pk))
    assert theirs.entries.count() == 0
    assert "not saved to a board" in response.content.decode()
