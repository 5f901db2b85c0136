"""Acceptance 1: a private image is absent, for another person and for a visitor, from every
page and endpoint; its file addresses from before it became private answer 404; its owner
sees it everywhere as before. Going public again brings it back."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actions.models import Action, Verb
from actions.services import create_action
from boards.services import create_board, save_to_board
from images import ranking
from images.editing import update_image
from images.models import Image
from images.visibility import set_image_private
from tests.factories import make_image, make_user, png_bytes

# Real commits: old files are removed and rankings updated once the change commits.
pytestmark = pytest.mark.django_db(transaction=True)
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


@pytest.fixture
def owner(user):
    return user


@pytest.fixture
def other(other_user):
    return other_user


def private_box(html: str) -> str:
    return re.search(r'<input[^>]*name="private"[^>]*>', html).group(0)


@pytest.fixture
def scene(owner, other, redis_client):
    """An image of the owner's that is tagged, bookmarked (action), liked, viewed (ranked,
    in the other person's recently viewed), on the other person's board; then made private."""
    image = make_image(owner, title="Gift idea")
    update_image(image=image, title="Gift idea", description="", alt_text="", tags=["gift"])
    public_twin = make_image(owner, title="Public one")
    create_action(owner, Verb.BOOKMARKED, image)
    other.following.add(owner)
    other_client = Client(HTTP_USER_AGENT=BROWSER)
    other_client.force_login(other)
    other_client.get(image.get_absolute_url())  # counted, and in their recently viewed
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="127.0.0.9").get(image.get_absolute_url())
    assert ranking.top_images("all")[0].image_id == image.pk
    assert image in other_client.get(reverse("dashboard")).context["recently_viewed"]
    other_client.post(reverse("images:like"), {"id": image.pk, "action": "like"}, **AJAX)
    board = create_board(owner=other, name="Wishlist")
    save_to_board(user=other, image_id=image.pk, board_id=board.pk)
    save_to_board(user=other, image_id=public_twin.pk, board_id=board.pk)
    Client().get(reverse("images:ranking"))  # the ranking is now cached with it
    old_urls = [image.image.url] + [
        default_storage.url(t["name"]) for t in image.thumbnails.values()
    ]
    assert all(Client().get(url).status_code == 200 for url in old_urls)
    image.refresh_from_db()
    set_image_private(image=image, private=True)
    image.refresh_from_db()
    return {"image": image, "board": board, "old_urls": old_urls, "other_client": other_client}


def pages(owner, image, board):
    return [
        reverse("images:list"),
        reverse("images:list") + "?images_only=1",
        reverse("images:tag", args=["gift"]),
        owner.get_absolute_url(),
        reverse("user_boards", args=[board.owner.username]),
        board.get_absolute_url(),
        reverse("dashboard"),
        reverse("images:ranking"),
        reverse("images:ranking") + "?period=day",
        reverse("images:ranking") + "?period=week",
    ]


def shows(response, image) -> bool:
    body = response.content.decode()
    return image.get_absolute_url() in body or image.title in body


def test_a_private_image_is_absent_for_another_person_and_a_visitor(scene, owner, other):
    image, board = scene["image"], scene["board"]
    visitor = Client()
    for who, client in [("other", scene["other_client"]), ("visitor", visitor)]:
        for url in pages(owner, image, board):
            response = client.get(url)
            if who == "visitor" and response.status_code == 302:
                continue  # a page for members only
            assert response.status_code == 200, (who, url)
            assert not shows(response, image), (who, url)
        for url in [
            image.get_absolute_url(),
            reverse("images:edit", args=[image.pk]),
            reverse("images:delete", args=[image.pk]),
        ]:
            response = client.get(url)
            if who == "other":  # exactly "no such image", never a page or a redirect
                assert response.status_code == 404, (who, url)
            else:  # a visitor: the detail is a 404, edit and delete ask to log in first
                assert response.status_code in (404, 302), (who, url)
                if response.status_code == 302:
                    assert response["Location"].startswith(reverse("login")), (who, url)
        deleted = client.post(reverse("images:delete", args=[image.pk]))
        assert deleted.status_code == (404 if who == "other" else 302), who
        assert Image.objects.filter(pk=image.pk).exists()
    # liking, saving and commenting read as for no image at all
    other_client = scene["other_client"]
    like = other_client.post(reverse("images:like"), {"id": image.pk, "action": "unlike"}, **AJAX)
    assert like.status_code == 400
    save = other_client.post(reverse("boards:save"), {"image": image.pk, "board": board.pk}, **AJAX)
    assert save.status_code == 400
    # the board's count leaves it out too; the activity stream hides the bookmark action
    assert "1 image" in other_client.get(board.get_absolute_url()).content.decode()
    about_it = Action.objects.filter(target_ct__model="image", target_id=image.pk)
    assert about_it.count() == 2 and not about_it.filter(public=True).exists()
    # rankings in Redis and the other's recently viewed list
    assert image.pk not in [r.image_id for r in ranking.top_images("all")]
    assert image.pk not in [r.image_id for r in ranking.top_images("day")]
    dashboard = other_client.get(reverse("dashboard"))
    assert image not in (dashboard.context["recently_viewed"] or [])
    assert Image.objects.get(pk=image.pk).private and Image.objects.exists()


def test_its_old_file_addresses_answer_404_and_the_new_ones_are_unguessable(scene):
    image = scene["image"]
    for url in scene["old_urls"]:
        assert Client().get(url).status_code == 404, url
    assert re.fullmatch(r"private/[0-9a-f]{32}/[^/]+", image.image.name)
    names = [image.image.name] + [t["name"] for t in image.thumbnails.values()]
    for name in names:
        assert name.startswith(image.image.name.rsplit("/", 1)[0] + "/")
        assert Client().get(default_storage.url(name)).status_code == 200  # its holder's URL


def test_its_owner_still_sees_it_everywhere(scene, owner, client):
    image = scene["image"]
    client.force_login(owner)
    for url in [
        reverse("images:list"),
        reverse("images:tag", args=["gift"]),
        owner.get_absolute_url(),
    ]:
        assert shows(client.get(url), image), url
    detail = client.get(image.get_absolute_url())
    assert detail.status_code == 200 and "Gift idea" in detail.content.decode()
    edit = client.get(reverse("images:edit", args=[image.pk]))
    assert edit.status_code == 200 and 'name="private"' in edit.content.decode()
    assert (
        client.post(reverse("images:like"), {"id": image.pk, "action": "like"}, **AJAX).status_code
        == 200
    )


def test_made_public_again_it_is_back_with_its_views(scene, owner, other):
    image = scene["image"]
    set_image_private(image=image, private=False)
    assert ranking.top_images("all")[0].image_id == image.pk  # 2 views, the most
    response = scene["other_client"].get(reverse("images:ranking"))
    assert image.get_absolute_url() in response.content.decode()  # the cached page followed
    assert scene["other_client"].get(image.get_absolute_url()).status_code == 200
    assert Action.objects.filter(
        target_ct__model="image", target_id=image.pk, verb=Verb.BOOKMARKED, public=True
    ).exists()
    image.refresh_from_db()
    assert not image.image.name.startswith("private/")
    assert Client().get(image.image.url).status_code == 200


def test_views_of_a_private_image_by_its_owner_are_not_ranked(owner, redis_client):
    image = make_image(owner)
    set_image_private(image=image, private=True)
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(owner)
    client.get(image.get_absolute_url())
    assert redis_client.zscore(ranking.ranking_key(), image.pk) is None


def test_the_edit_form_makes_an_image_private(owner, client):
    image = make_image(owner)
    old = image.image.url
    client.force_login(owner)
    data = {"title": image.title, "description": "", "alt_text": "", "tags": "", "private": "on"}
    response = client.post(reverse("images:edit", args=[image.pk]), data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.private and image.image.name.startswith("private/")
    assert Client().get(old).status_code == 404
    assert Client().get(image.get_absolute_url()).status_code == 404


def test_a_private_upload_is_stored_privately_and_records_a_hidden_action(owner, client):
    client.force_login(owner)
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("images:create"), {"title": "Me", "image": upload, "private": "on"}
    )
    assert response.status_code == 302
    image = Image.objects.get(title="Me")
    assert image.private and re.match(r"private/[0-9a-f]{32}/", image.image.name)
    assert all(t["name"].startswith("private/") for t in image.thumbnails.values())
    assert Action.objects.get(target_ct__model="image", target_id=image.pk).public is False


def test_the_bookmark_form_starts_from_the_profile_default(owner, client):
    client.force_login(owner)
    assert "checked" not in private_box(client.get(reverse("images:create")).content.decode())
    response = client.post(
        reverse("edit"),
        {"first_name": "Alice", "last_name": "", "private_by_default": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    owner.profile.refresh_from_db()
    assert owner.profile.private_by_default
    assert "checked" in private_box(client.get(reverse("images:create")).content.decode())


def test_a_file_another_row_shares_is_kept_when_one_goes_private(owner, other):
    image = make_image(owner)
    twin = Image.objects.create(
        user=other, title="twin", image=image.image.name, thumbnails=image.thumbnails
    )
    set_image_private(image=image, private=True)
    assert default_storage.exists(twin.image.name)
    assert all(default_storage.exists(t["name"]) for t in twin.thumbnails.values())
    image.refresh_from_db()
    assert image.image.name != twin.image.name and default_storage.exists(image.image.name)


def test_the_other_persons_person_page_tags_hide_private_ones(scene, owner):
    response = scene["other_client"].get(owner.get_absolute_url())
    assert "#gift" not in response.content.decode()
    assert make_user("carol")  # nothing else needed
