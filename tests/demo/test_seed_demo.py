import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from PIL import Image as PILImage

from account.models import Contact, Profile
from actions.models import Action, Verb
from demo.people import PASSWORD, WELL_KNOWN_USERNAME, demo_users
from images import ranking
from images.models import Image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

SMALL = {"users": 20, "images": 50, "actions": 200, "pictures": 4, "avatars": 3, "seed": 7}
Like = Image.users_like.through


def seed(*flags, **sizes) -> str:
    options = {**SMALL, **sizes}
    out = io.StringIO()
    args = [f"--{name}={value}" for name, value in options.items()]
    call_command("seed_demo", *args, *flags, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict:
    return {
        "users": demo_users().count(),
        "profiles": Profile.objects.filter(user__in=demo_users()).count(),
        "images": Image.objects.count(),
        "actions": Action.objects.count(),
        "likes": Like.objects.count(),
        "follows": Contact.objects.count(),
    }


def test_small_run_creates_the_counts_asked():
    output = seed(likes=120, follows=90)
    assert counts() == {
        "users": 20,
        "profiles": 20,
        "images": 50,
        "actions": 200,
        "likes": 120,
        "follows": 90,
    }
    assert f"Log in as {WELL_KNOWN_USERNAME} with password {PASSWORD}" in output


def test_total_likes_equal_the_like_rows():
    seed()
    rows = dict(Like.objects.values_list("image_id").annotate(n=Count("id")))
    for image_id, total_likes in Image.objects.values_list("id", "total_likes"):
        assert total_likes == rows.get(image_id, 0)
    assert sum(rows.values()) > 0


def test_actions_point_at_rows_that_exist_and_match_them():
    seed()
    for action in Action.objects.all():
        if action.verb == Verb.JOINED:
            assert action.target_id is None
        elif action.verb == Verb.BOOKMARKED:
            assert action.target.user_id == action.user_id
        elif action.verb == Verb.LIKES:
            assert Like.objects.filter(image=action.target, user=action.user_id).exists()
        else:
            assert action.verb == Verb.FOLLOWS
            assert Contact.objects.filter(user_from=action.user_id, user_to=action.target).exists()


def test_pictures_are_a_small_pool_of_real_files_under_demo(settings):
    seed()
    names = set(Image.objects.values_list("image", flat=True))
    assert 1 < len(names) <= SMALL["pictures"]
    for name in names:
        assert name.startswith("demo/")
        with PILImage.open(settings.MEDIA_ROOT / name) as picture:
            assert picture.width >= 400
        image = Image.objects.filter(image=name).first()
        for alias in ("list", "detail"):
            assert (settings.MEDIA_ROOT / image.thumbnails[alias]["name"]).is_file()
    avatars = Profile.objects.exclude(photo="")
    assert avatars.exists()
    assert all(
        (settings.MEDIA_ROOT / p.photo_thumbnails["avatar"]["name"]).is_file() for p in avatars
    )


def test_demo_user_logs_in_and_sees_a_living_site(client, redis_client):
    seed()
    assert redis_client.zcard(ranking.ranking_key()) > 0  # views, for the ranking page
    login = client.post(reverse("login"), {"username": WELL_KNOWN_USERNAME, "password": PASSWORD})
    assert login.status_code == 302
    me = demo_users().get(username=WELL_KNOWN_USERNAME)
    image = Image.objects.order_by("-total_likes").first()
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.content.decode().count('class="feed-item"') > 0
    for url in (
        reverse("images:list"),
        reverse("images:list") + "?page=2&images_only=1",
        image.get_absolute_url(),
        reverse("images:ranking"),
        reverse("user_list"),
        me.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


def test_running_again_refuses_and_changes_nothing():
    seed()
    before = counts()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert counts() == before


def test_reset_replaces_demo_data_and_keeps_real_users(settings):
    alice = make_user("alice")
    picture = make_image(alice, title="Alice's own")
    seed()
    demo_user = demo_users().first()
    picture.users_like.add(demo_user)
    Contact.objects.create(user_from=alice, user_to=demo_user)

    seed("--reset", users=10, images=30, actions=100, pictures=2)
    assert demo_users().count() == 10
    assert Image.objects.exclude(user=alice).count() == 30
    assert Action.objects.exclude(user=alice).count() == 100
    picture.refresh_from_db()
    assert picture.total_likes == 0
    assert not Contact.objects.filter(user_from=alice).exists()
    assert (settings.MEDIA_ROOT / picture.image.name).is_file()
    # The first run's four pictures are gone with its rows; the new two are there.
    originals = {p.name for p in (settings.MEDIA_ROOT / "demo" / "pictures").glob("*.jpg")}
    assert {name for name in originals if not name.count(".jpg.")} == {
        "picture-001.jpg",
        "picture-002.jpg",
    }


def test_same_seed_gives_the_same_data():
    def snapshot():
        return (
            list(demo_users().order_by("username").values_list("username", "first_name")),
            list(Image.objects.order_by("url").values_list("url", "title", "total_likes")),
            sorted(Action.objects.values_list("user__username", "verb", "created")),
        )

    seed()
    first = snapshot()
    seed("--reset")
    second = snapshot()
    assert first[0] == second[0]
    assert first[1] == second[1]
    # Times are relative to now, which moved: compare who did what.
    assert [a[:2] for a in first[2]] == [a[:2] for a in second[2]]


def test_impossible_sizes_are_refused_before_anything_is_written():
    with pytest.raises(CommandError, match="--likes"):
        seed(users=3, images=2, actions=500)
    assert demo_users().count() == 0
