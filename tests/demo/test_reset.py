"""`seed_demo --reset` / `--delete` take away every demo row, file and Redis key, and the
demo's shared picture files survive deleting one demo image."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from boards.models import Board
from demo.people import PASSWORD, WELL_KNOWN_USERNAME, demo_users
from images import ranking
from images.models import Image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

SMALL = ["--users=8", "--images=20", "--actions=60", "--pictures=3", "--avatars=2", "--seed=3"]


def seed_demo(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO(), stderr=io.StringIO())


def browse_as_demo_user_and_anonymously(images: list[Image]) -> None:
    person = Client()
    assert (
        person.post(
            reverse("login"), {"username": WELL_KNOWN_USERNAME, "password": PASSWORD}
        ).status_code
        == 302
    )
    stranger = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    for client in (person, stranger):
        for image in images:
            assert client.get(image.get_absolute_url()).status_code == 200
        for period in ranking.PERIODS:
            assert client.get(reverse("images:ranking"), {"period": period}).status_code == 200
    assert person.get(reverse("dashboard")).status_code == 200


def keys(redis_client) -> set[str]:
    return set(redis_client.keys("*"))


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_delete_leaves_no_demo_redis_key_row_or_file(settings, redis_client):
    real = make_user("alice")
    kept = make_image(real, title="Alice's")
    before = keys(redis_client)
    seed_demo(*SMALL)
    demo_images = list(Image.objects.filter(user__in=demo_users())[:5])
    browse_as_demo_user_and_anonymously([*demo_images, kept])
    assert files_under(settings.MEDIA_ROOT / "demo")
    assert len(keys(redis_client)) > len(before) + 10

    seed_demo("--delete")

    assert not demo_users().exists()
    assert list(Image.objects.all()) == [kept]
    assert files_under(settings.MEDIA_ROOT / "demo") == []
    assert (settings.MEDIA_ROOT / kept.image.name).is_file()
    left = keys(redis_client) - before
    # Only what is about Alice's own image may stay: its counters and marks, and rankings
    # that hold nothing else.
    for key in left:
        if redis_client.type(key) == "zset":
            assert redis_client.zrange(key, 0, -1) == [str(kept.pk)], key
        else:
            # (and the test client's own session)
            assert key.startswith(
                (f"test:image:{kept.pk}:", f"test:seen:{kept.pk}:", "test:session:")
            ), key


def test_reset_leaves_none_of_the_old_data_in_redis_or_on_disk(settings, redis_client):
    seed_demo(*SMALL)
    old_images = set(Image.objects.values_list("id", flat=True))
    old_users = set(demo_users().values_list("id", flat=True))
    browse_as_demo_user_and_anonymously(list(Image.objects.all()[:5]))
    old_files = {p.name for p in files_under(settings.MEDIA_ROOT / "demo")}

    seed_demo("--reset", *SMALL[:3], "--pictures=1", "--avatars=1", "--seed=4")

    new_images = set(Image.objects.values_list("id", flat=True))
    assert not old_images & new_images
    for key in redis_client.keys("*"):
        if key.startswith("test:session:"):
            continue  # the browsing clients' own sessions (cached at most 5 minutes)
        parts = key.split(":")
        # image:<id>:…, seen:<image id>:…, user:<id>:… (users and images are numbered apart:
        # on PostgreSQL an image may have an old user's number)
        if parts[1] in ("image", "seen") and parts[2].isdigit():
            assert int(parts[2]) not in old_images, key
        if parts[1] == "user" and parts[2].isdigit():
            assert int(parts[2]) not in old_users, key
        if redis_client.type(key) == "zset":
            assert {int(m) for m in redis_client.zrange(key, 0, -1)} <= new_images, key
        if redis_client.type(key) == "list":
            assert {int(m) for m in redis_client.lrange(key, 0, -1)} <= new_images, key
    left = {p.name for p in files_under(settings.MEDIA_ROOT / "demo")}
    assert "picture-002.jpg" in old_files
    assert not any(name.startswith(("picture-002", "picture-003")) for name in left)


def test_deleting_one_demo_image_keeps_the_files_other_demo_images_show(
    settings, django_capture_on_commit_callbacks
):
    seed_demo(*SMALL)
    image = Image.objects.filter(user__in=demo_users()).first()
    twins = Image.objects.filter(image=image.image.name).exclude(pk=image.pk)
    assert twins.exists()  # demo pictures are shared
    names = [image.image.name] + [t["name"] for t in image.thumbnails.values()]
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert all((settings.MEDIA_ROOT / name).is_file() for name in names)
    assert twins.first().image.name == names[0]


def test_demo_status_and_views_only_are_what_make_bench_calls(redis_client):
    seed_demo(*SMALL)
    out = io.StringIO()
    call_command("demo_status", stdout=out)
    status = json.loads(out.getvalue())
    top = Image.objects.order_by("-total_likes", "id").first()
    board = Board.objects.filter(owner__username="demo0001").order_by("id").first()
    assert status == {
        "users": 8, "images": 20, "actions": 60, "most_liked_url": top.get_absolute_url(),
        "first_board_url": board.get_absolute_url(), "top_tag": status["top_tag"],
    }  # fmt: skip
    assert status["top_tag"]
    redis_client.flushdb()
    call_command("seed_demo", "--views-only", "--views=5", stdout=out)
    assert redis_client.zcard(ranking.ranking_key()) == 5
