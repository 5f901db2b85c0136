"""Deleting an account, or replacing a profile photo, leaves nothing behind: like counts stay
true, files, thumbnails go, Redis forgets the person, and
actions about them go. Only once the deletion commits."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from account.models import Profile
from account.services import AVATAR_ALIASES, follow_user
from actions.models import Action
from bookmarks.thumbnails import make_thumbnails
from images import ranking
from images.models import Image
from images.services import like_image
from tests.factories import make_image, make_user, png_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


def give_photo(user, color=(10, 120, 200)) -> Profile:
    """A profile photo with its avatar thumbnail, as the edit page leaves it."""
    profile = user.profile
    profile.photo.save("me.png", ContentFile(png_bytes(color=color)), save=False)
    profile.photo_thumbnails = make_thumbnails(profile.photo, AVATAR_ALIASES)
    profile.save()
    return profile


def files_of(profile) -> list[str]:
    return [profile.photo.name] + [t["name"] for t in profile.photo_thumbnails.values()]


def stored(names) -> list[bool]:
    return [default_storage.exists(name) for name in names]


def likes_are_true():
    for image in Image.objects.all():
        assert image.total_likes == image.users_like.count(), image


# --- 10: total_likes --------------------------------------------------------------------


def delete_by_instance(client, users):
    for user in users:
        User.objects.get(pk=user.pk).delete()


def delete_by_queryset(client, users):
    User.objects.filter(pk__in=[u.pk for u in users]).delete()


def delete_in_admin(client, users):
    root = User.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(root)
    data = {"action": "delete_selected", "_selected_action": [u.pk for u in users], "post": "yes"}
    response = client.post(reverse("admin:account_user_changelist"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("delete", [delete_by_instance, delete_by_queryset, delete_in_admin])
def test_deleting_likers_keeps_every_like_count_true(
    client, user, django_capture_on_commit_callbacks, delete
):
    images = [make_image(user, title=f"Liked {n}") for n in range(3)]
    likers = [make_user(f"liker{n}") for n in range(3)]
    for n, liker in enumerate(likers):
        for image in images[: n + 1]:
            like_image(user=liker, image_id=image.id, like=True)
    with django_capture_on_commit_callbacks(execute=True):
        delete(client, likers[1:])
    assert User.objects.filter(pk__in=[u.pk for u in likers[1:]]).count() == 0
    assert [Image.objects.get(pk=i.pk).total_likes for i in images] == [1, 0, 0]
    likes_are_true()


def test_a_rolled_back_deletion_keeps_likes_and_counts(user, django_capture_on_commit_callbacks):
    image = make_image(user)
    liker = make_user("liker")
    like_image(user=liker, image_id=image.id, like=True)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        liker.delete()
        raise RuntimeError("changed my mind")
    assert callbacks == []
    image.refresh_from_db()
    assert image.total_likes == 1
    assert image.users_like.count() == 1


def make_deletable_users(n: int, owner) -> list:
    """People who liked, followed, were followed, have a photo and images others liked."""
    image = Image.objects.filter(user=owner).first() or make_image(owner)
    people = [make_user(f"gone{User.objects.count()}") for _ in range(n)]
    for person in people:
        give_photo(person)
        like_image(user=person, image_id=image.id, like=True)
        follow_user(user_from=owner, user_to=person, follow=True)
        follow_user(user_from=person, user_to=owner, follow=True)
        for _ in range(2):
            theirs = make_image(person)
            like_image(user=owner, image_id=theirs.id, like=True)
    return people


def test_deleting_many_users_costs_the_queries_of_deleting_one(
    user, django_capture_on_commit_callbacks
):
    def queries_to_delete(people) -> int:
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            User.objects.filter(pk__in=[p.pk for p in people]).delete()
        return len(captured)

    one = queries_to_delete(make_deletable_users(1, user))
    many = queries_to_delete(make_deletable_users(8, user))
    assert many == one
    likes_are_true()
    assert not Action.objects.exclude(user=user).exists()
    assert list(Action.objects.values_list("verb", flat=True)) == ["has created an account"]
    assert list(Image.objects.all()) == [Image.objects.get(user=user)]


# --- 11: leftovers ------------------------------------------------------------------------


def test_replacing_a_profile_photo_removes_the_old_file_thumbnails_and_records(
    user, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(user)

    def upload(color):
        photo = SimpleUploadedFile("me.png", png_bytes(color=color), content_type="image/png")
        data = {"first_name": "Alice", "email": "alice@example.com", "photo": photo}
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("edit"), data).status_code == 302
        return Profile.objects.get(user=user)

    old = upload((200, 0, 0))
    old_files = files_of(old)
    assert stored(old_files) == [True, True]
    new = upload((0, 200, 0))
    assert new.photo.name != old.photo.name
    assert stored(old_files) == [False, False]
    assert stored(files_of(new)) == [True, True]


def test_a_rolled_back_photo_change_keeps_the_old_photo(user, django_capture_on_commit_callbacks):
    profile = give_photo(user)
    old_files = files_of(profile)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        profile.photo = ""
        profile.save()
        raise RuntimeError("changed my mind")
    assert stored(old_files) == [True, True]


def test_clearing_a_profile_photo_removes_its_files(user, django_capture_on_commit_callbacks):
    profile = give_photo(user)
    old_files = files_of(profile)
    with django_capture_on_commit_callbacks(execute=True):
        profile.photo = ""
        profile.save()
    assert stored(old_files) == [False, False]


def test_a_deleted_accounts_photo_thumbnails_and_records_go(
    user, other_user, django_capture_on_commit_callbacks
):
    profile = give_photo(other_user)
    gone_files = files_of(profile)
    kept = files_of(give_photo(user, color=(1, 2, 3)))
    with django_capture_on_commit_callbacks(execute=True):
        other_user.delete()
    assert stored(gone_files) == [False, False]
    assert stored(kept) == [True, True]


def test_a_photo_another_profile_still_shows_is_kept(
    user, other_user, django_capture_on_commit_callbacks
):
    # Demo avatars are one pool of files shared by many profiles.
    shared = give_photo(user)
    Profile.objects.filter(user=other_user).update(
        photo=shared.photo.name, photo_thumbnails=shared.photo_thumbnails
    )
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.get(pk=other_user.pk).delete()
    assert stored(files_of(shared)) == [True, True]


def test_a_rolled_back_account_deletion_keeps_its_photo(user, django_capture_on_commit_callbacks):
    files = files_of(give_photo(user))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        user.delete()
        raise RuntimeError("changed my mind")
    assert stored(files) == [True, True]


def test_redis_forgets_a_deleted_viewer(user, redis_client, django_capture_on_commit_callbacks):
    images = [make_image(user, title=f"Seen {n}") for n in range(ranking.RECENT_SIZE + 2)]
    gone, stays = make_user("gone"), make_user("stays")
    for person in (gone, stays):
        browser = Client(HTTP_USER_AGENT=BROWSER)
        browser.force_login(person)
        for image in images:  # the first two fall out of the list of 10, not out of the sets
            assert browser.get(image.get_absolute_url()).status_code == 200
    assert redis_client.sismember(ranking.viewers_key(images[0].id), gone.pk)
    gone_id = gone.pk
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert not redis_client.exists(ranking.recent_key(gone_id))
    for image in images:
        assert redis_client.smembers(ranking.viewers_key(image.id)) == {str(stays.pk)}
    assert redis_client.llen(ranking.recent_key(stays.pk)) == ranking.RECENT_SIZE


def test_actions_about_a_deleted_user_go(user, other_user, django_capture_on_commit_callbacks):
    carol = make_user("carol")
    follow_user(user_from=user, user_to=other_user, follow=True)
    follow_user(user_from=user, user_to=carol, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        other_user.delete()
    following = Action.objects.filter(verb="is following")
    assert [action.target for action in following] == [carol]
