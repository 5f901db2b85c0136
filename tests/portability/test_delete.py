"""Delete my account (acceptance 6): every row, file and Redis key of the person goes, other
people's pages still answer, the person is logged out on a confirmation page."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import reverse
from social_django.models import UserSocialAuth

from account.models import Contact
from account.services import follow_user
from actions.models import Action
from blocks.models import Block
from boards.models import Board, BoardEntry, BoardMember
from boards.services import create_board, save_to_board
from bookmarks import live, ratelimit
from bookmarks.redis import get_redis
from comments.models import Comment
from comments.services import add_comment
from images import ranking
from images.models import Image
from images.services import like_image
from notifications.models import Notification
from tests.account.test_deletion import give_photo
from tests.account.test_social import google, google_login, google_user  # noqa: F401
from tests.factories import PASSWORD, make_image, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


def media_files(settings) -> set[str]:
    root = str(settings.MEDIA_ROOT)
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def files_of(images, profile=None) -> set[str]:
    names = set()
    for image in images:
        names.add(image.image.name)
        names.update(t["name"] for t in image.thumbnails.values())
    if profile is not None and profile.photo:
        names.add(profile.photo.name)
        names.update(t["name"] for t in profile.photo_thumbnails.values())
    return names


def rows_pointing_at(user_id: int, image_ids: set[int]) -> list[str]:
    """Every row of every model with a foreign key to this user (or to these images), and
    every generic target naming them: what must be gone."""
    left = []
    for model in django_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.many_to_one):
                continue
            if field.related_model is User:
                wanted = [user_id]
            elif field.related_model is Image:
                wanted = list(image_ids)
            else:
                continue
            n = model._default_manager.filter(**{f"{field.name}__in": wanted}).count()
            if n:
                left.append(f"{model.__name__}.{field.name}: {n}")
    for model, kind, ids in (
        (Action, User, [user_id]),
        (Action, Image, image_ids),
        (Notification, Image, image_ids),
        (Notification, User, [user_id]),
    ):
        ct = ContentType.objects.get_for_model(kind)
        n = model.objects.filter(target_ct=ct, target_id__in=list(ids)).count()
        if n:
            left.append(f"{model.__name__} about {kind.__name__}: {n}")
    return left


def django_models():
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.proxy]


def redis_keys_of(user_id: int, image_ids: set[int]) -> list[str]:
    client = get_redis()
    left = []
    ids = {str(i) for i in image_ids}
    for key in client.scan_iter(count=1000):
        key = key.decode() if isinstance(key, bytes) else key
        if key.startswith("test:cache:"):
            continue
        parts = set(key.split(":"))
        kind = client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        names_them = (
            key in (ranking.recent_key(user_id), live.user_channel(user_id))
            or (key.startswith("test:rate:") and key.rsplit(":", 1)[-1] == str(user_id))
            or (("image" in parts or "viewers" in parts) and bool(parts & ids))
        )
        if names_them:
            left.append(key)
        elif kind == "set" and client.sismember(key, user_id):
            left.append(f"{key} holds the user")
        elif kind == "zset":
            members = {m.decode() if isinstance(m, bytes) else m for m in client.zrange(key, 0, -1)}
            if members & ids:
                left.append(f"{key} ranks their images")
        elif kind == "list":
            members = {m.decode() if isinstance(m, bytes) else m for m in client.lrange(key, 0, -1)}
            if members & ids:
                left.append(f"{key} lists their images")
    return left


@pytest.fixture
def world(user, other_user):
    """Alice (who will leave) and Bob, tangled in every way the site knows."""
    carol = make_user("carol")
    give_photo(user)
    mine = [make_image(user, title=f"Alice {n}", color=(n * 40, 10, 10)) for n in range(3)]
    mine[0].tags.set(["sea"])
    theirs = make_image(other_user, title="Bob's", color=(1, 200, 1))
    for image in mine:
        like_image(user=other_user, image_id=image.id, like=True)
        like_image(user=carol, image_id=image.id, like=True)
    like_image(user=user, image_id=theirs.id, like=True)
    like_image(user=carol, image_id=theirs.id, like=True)
    follow_user(user_from=user, user_to=other_user, follow=True)
    follow_user(user_from=other_user, user_to=user, follow=True)
    add_comment(author=user, image=theirs, body="Lovely, @carol")
    add_comment(author=other_user, image=mine[0], body="Yours is nice, @carol")
    board = create_board(owner=user, name="Alice's board")
    save_to_board(user=user, image_id=theirs.id, board_id=board.id)
    BoardMember.objects.create(board=board, user=other_user)
    bobs = create_board(owner=other_user, name="Bob's board")
    for image in (mine[1], theirs, mine[2]):
        save_to_board(user=other_user, image_id=image.id, board_id=bobs.id)
    Block.objects.create(blocker=user, blocked=carol)
    # Redis: views, rankings, recently viewed and viewers sets, an event stream, rate limits.
    for person in (user, other_user):
        browser = Client(HTTP_USER_AGENT=BROWSER)
        browser.force_login(person)
        for image in (*mine, theirs):
            assert browser.get(image.get_absolute_url()).status_code == 200
        assert browser.post(reverse("portability:export")).status_code == 200
    live.publish_to_user(user.pk, "hello", {})
    ratelimit.hit("like", str(user.pk))
    UserSocialAuth.objects.create(user=user, provider="google-oauth2", uid="g-alice")
    return {"carol": carol, "mine": mine, "theirs": theirs, "bobs": bobs}


def test_deleting_my_account_leaves_nothing_of_me(
    user, other_user, world, settings, django_capture_on_commit_callbacks
):
    mine, theirs = world["mine"], world["theirs"]
    my_files = files_of(mine, user.profile)
    kept_files = files_of([theirs])
    assert my_files <= media_files(settings)
    assert redis_keys_of(user.pk, {i.id for i in mine})  # the check sees them before
    assert rows_pointing_at(user.pk, {i.id for i in mine})
    user_id, image_ids = user.pk, {i.id for i in mine}
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(user)
    page = client.get(reverse("portability:delete"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portability:delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portability:deleted")
    assert "Your account was deleted" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated

    # The database
    assert not User.objects.filter(pk=user_id).exists()
    assert rows_pointing_at(user_id, image_ids) == []
    assert not Comment.objects.filter(body__startswith="Yours is nice").exists()
    assert not Board.objects.filter(name="Alice's board").exists()
    assert list(BoardEntry.objects.filter(board=world["bobs"]).values_list("image", flat=True)) == [
        theirs.id
    ]
    assert Board.objects.get(pk=world["bobs"].pk).cover_id == theirs.id
    theirs.refresh_from_db()
    assert theirs.total_likes == theirs.users_like.count() == 1  # carol's only
    assert not Contact.objects.filter(models.Q(user_from_id=user_id) | models.Q(user_to_id=user_id))
    # The media folder: none of my files, all of Bob's.
    left = media_files(settings)
    assert not (my_files & left)
    assert kept_files <= left
    # Redis
    assert redis_keys_of(user_id, image_ids) == []

    # Other people's pages still answer.
    bob = Client(HTTP_USER_AGENT=BROWSER)
    bob.force_login(other_user)
    for url in (
        reverse("dashboard"),
        reverse("images:list"),
        reverse("images:ranking"),
        theirs.get_absolute_url(),
        reverse("user_detail", args=["bob"]),
        reverse("user_boards", args=["bob"]),
        world["bobs"].get_absolute_url(),
        reverse("user_list"),
        reverse("notifications:list") if _has_url("notifications:list") else reverse("dashboard"),
        reverse("images:tag", args=["sea"]),
    ):
        assert bob.get(url).status_code == 200, url
    assert bob.get(reverse("user_detail", args=["alice"])).status_code == 404


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_a_wrong_password_deletes_nothing(auth_client, user):
    response = auth_client.post(reverse("portability:delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = auth_client.post(reverse("portability:delete"), {})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_password_guesses_are_rate_limited(auth_client, user, settings):
    settings.RATE_LIMITS = {"account_delete": (2, 3600)}
    for _ in range(2):
        assert auth_client.post(reverse("portability:delete"), {"password": "x"}).status_code == 400
    response = auth_client.post(reverse("portability:delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_needs_csrf_and_login(client, user):
    assert client.get(reverse("portability:delete")).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("portability:delete"), {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_a_social_only_account_confirms_by_logging_in_again(client, google):  # noqa: F811
    google_login(client, google_user())  # a new account, no password
    person = User.objects.get(email="new.person@example.com")
    assert not person.has_usable_password()
    page = client.get(reverse("portability:delete"))
    assert "Log in again with Google" in page.content.decode()
    assert client.post(reverse("portability:delete")).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()

    client.logout()
    response = google_login(client, google_user(), next_url=reverse("portability:delete"))
    assert response.redirect_chain[-1][0] == reverse("portability:delete")
    assert "logged in again" in response.content.decode()
    response = client.post(reverse("portability:delete"), follow=True)
    assert "Your account was deleted" in response.content.decode()
    assert not User.objects.filter(pk=person.pk).exists()
    assert not UserSocialAuth.objects.exists()
