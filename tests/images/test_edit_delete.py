"""The owner edits and deletes their image; for anyone else the addresses answer 404."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from actions.models import Action
from actions.services import create_action
from boards.models import BoardEntry
from boards.services import create_board, save_to_board
from images import ranking
from images.models import Image, TaggedImage
from images.services import like_image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def edit_data(**overrides):
    data = {"title": "New title", "description": "New words", "alt_text": "A red square",
            "tags": "Sea, SUNSET sea"}  # fmt: skip
    return {**data, **overrides}


def test_owner_edits_title_description_alt_text_and_tags(auth_client, user):
    image = make_image(user, title="Old")
    assert auth_client.get(f"/images/edit/{image.pk}/").status_code == 200
    response = auth_client.post(f"/images/edit/{image.pk}/", edit_data())
    image.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == image.get_absolute_url()
    assert (image.title, image.description, image.alt_text) == (
        "New title",
        "New words",
        "A red square",
    )
    assert sorted(image.tags.names()) == ["sea", "sunset"]
    html = auth_client.get(image.get_absolute_url()).content.decode()
    assert 'alt="A red square"' in html and 'href="/images/tag/sea/"' in html
    # The form shows the tags again; removing them all works.
    form_html = auth_client.get(f"/images/edit/{image.pk}/").content.decode()
    assert 'value="sea, sunset"' in form_html
    auth_client.post(f"/images/edit/{image.pk}/", edit_data(tags=""))
    assert list(image.tags.names()) == []


def test_alt_text_falls_back_to_title_everywhere(client, user):
    image = make_image(user, title="Sunset")
    client.force_login(user)
    for path in ("/images/", image.get_absolute_url(), "/account/users/alice/"):
        assert 'alt="Sunset"' in client.get(path).content.decode()
    Image.objects.filter(pk=image.pk).update(alt_text="Orange sky over water")
    for path in ("/images/", image.get_absolute_url(), "/account/users/alice/"):
        assert 'alt="Orange sky over water"' in client.get(path).content.decode()


def test_bookmarklet_prefills_alt_text(auth_client):
    response = auth_client.get("/images/create/?url=https://x.example/a.png&title=T&alt=Two+cats")
    assert response.context["form"].initial["alt_text"] == "Two cats"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_non_owner_gets_404_and_nothing_changes(client, user, other_user, method, action):
    image = make_image(user, title="Mine")
    client.force_login(other_user)
    response = getattr(client, method)(f"/images/{action}/{image.pk}/", edit_data())
    assert response.status_code == 404
    missing = getattr(client, method)(f"/images/{action}/999999/", edit_data())
    assert missing.status_code == 404  # the same answer: existence is not revealed
    image.refresh_from_db()
    assert image.title == "Mine" and list(image.tags.names()) == []


def test_anonymous_is_sent_to_login(client, user):
    image = make_image(user)
    assert client.post(f"/images/delete/{image.pk}/").status_code == 302
    assert Image.objects.filter(pk=image.pk).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tags", "<script>alert(1)</script>", "only letters"),
        ("tags", "ok, bad\x07bell", "only letters"),
        ("tags", " ".join(f"t{i}" for i in range(21)), "at most 20 tags"),
        ("tags", "x" * 51, "50 characters"),
        ("title", "", "required"),
        ("alt_text", "a" * 301, "at most 300"),
        ("description", "d" * 5001, "5000"),
    ],
)
def test_bad_edits_are_refused_and_nothing_changes(auth_client, user, field, value, message):
    image = make_image(user, title="Kept")
    response = auth_client.post(f"/images/edit/{image.pk}/", edit_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    image.refresh_from_db()
    assert image.title == "Kept" and not TaggedImage.objects.exists()


def test_delete_asks_then_removes_everything(
    client, user, other_user, redis_client, django_capture_on_commit_callbacks
):
    image = make_image(user, title="Doomed")
    kept = make_image(user, title="Kept")
    liker = make_user("carol")
    like_image(user=liker, image_id=image.pk, like=True)
    create_action(user, "bookmarked image", image)
    image.tags.set(["sea"])
    mine = create_board(owner=user, name="Mine")
    theirs = create_board(owner=other_user, name="Theirs")
    for board, who in ((mine, user), (theirs, other_user)):
        save_to_board(user=who, image_id=image.pk, board_id=board.pk)
        save_to_board(user=who, image_id=kept.pk, board_id=board.pk)
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    client.force_login(user)
    client.get(image.get_absolute_url(), HTTP_USER_AGENT=browser)  # Redis keys for the image
    files = [Path(settings.MEDIA_ROOT) / image.image.name] + [
        Path(settings.MEDIA_ROOT) / t["name"] for t in image.thumbnails.values()
    ]
    assert all(f.exists() for f in files)
    assert redis_client.get(ranking.views_key(image.pk)) == "1"
    assert redis_client.lrange(ranking.recent_key(user.pk), 0, -1) == [str(image.pk)]

    page = client.get(f"/images/delete/{image.pk}/")
    assert page.status_code == 200 and "Delete this image?" in page.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/images/delete/{image.pk}/")
    assert response.status_code == 302 and response["Location"] == "/account/users/alice/"
    assert "was deleted" in client.get(response["Location"]).content.decode()

    assert not Image.objects.filter(pk=image.pk).exists()
    assert not any(f.exists() for f in files)
    assert not Image.users_like.through.objects.filter(image_id=image.pk).exists()
    assert not BoardEntry.objects.filter(image_id=image.pk).exists()
    assert BoardEntry.objects.filter(image_id=kept.pk).count() == 2
    assert not TaggedImage.objects.filter(content_object_id=image.pk).exists()
    image_ct_actions = Action.objects.filter(target_ct__model="image", target_id=image.pk)
    assert not image_ct_actions.exists()
    assert redis_client.get(ranking.views_key(image.pk)) is None
    assert not redis_client.exists(ranking.viewers_key(image.pk))
    assert redis_client.lrange(ranking.recent_key(user.pk), 0, -1) == []
    assert redis_client.zscore(ranking.ranking_key(), image.pk) is None
    for board in (mine, theirs):
        board.refresh_from_db()
        assert board.cover_id == kept.pk

    for path in ("/images/", "/account/", "/images/ranking/", "/account/users/alice/",
                 "/account/users/alice/boards/", mine.get_absolute_url(),
                 theirs.get_absolute_url(), "/images/tag/sea/"):  # fmt: skip
        assert client.get(path).status_code == 200, path
    # Deleting twice: the image is gone, so the address is a 404.
    assert client.post(f"/images/delete/{image.pk}/").status_code == 404


def test_detail_page_queries_do_not_grow_with_boards_and_tags(auth_client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    image = make_image(user)
    image.tags.set(["a"])
    create_board(owner=user, name="b0")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert auth_client.get(image.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    image.tags.set([f"t{i}" for i in range(20)])
    for n in range(1, 10):
        board = create_board(owner=user, name=f"b{n}")
        save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    assert count() == one


def test_edit_page_is_the_owners_and_shows_boards(auth_client, user):
    image = make_image(user)
    create_board(owner=user, name="Holiday")
    html = auth_client.get(f"/images/edit/{image.pk}/").content.decode()
    assert "Holiday" in html and reverse("boards:save") in html and "+ New board" in html
