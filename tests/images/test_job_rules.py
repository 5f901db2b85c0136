"""The save-bookmark job's rules that need no worker process: the job function called as a
worker would call it, the in-flight cap, and the fallback when there is no Redis at all."""

import logging
import time

import pytest
from django.urls import reverse

from images.models import Image, Status
from images.services import save_bookmark
from tests.factories import make_user
from tests.images.imagedata import make_image_bytes

pytestmark = pytest.mark.django_db

JPEG = make_image_bytes("JPEG", (320, 240))


def test_a_job_whose_row_was_deleted_ends_quietly_and_stores_nothing(user, settings):
    image = Image.objects.create(user=user, title="Gone", url="https://x.example/a.jpg",
                                 status=Status.SAVING)  # fmt: skip
    image_id = image.id
    image.delete()
    save_bookmark(image_id)  # no error
    assert not Image.objects.exists()
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.*")))


def test_a_job_run_twice_keeps_one_set_of_files(user, httpserver, server_url,
                                                allow_loopback_fetch, settings):  # fmt: skip
    httpserver.expect_request("/a.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    image = Image.objects.create(user=user, title="Twice", url=server_url("/a.jpg"),
                                 status=Status.SAVING)  # fmt: skip
    save_bookmark(image.id)
    save_bookmark(image.id)  # a second delivery of the same job
    image.refresh_from_db()
    assert image.status == Status.READY
    files = {p.relative_to(settings.MEDIA_ROOT).as_posix()
             for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()}  # fmt: skip
    made = [image.image.name] + [t["name"] for t in image.thumbnails.values()]
    made += [d["name"] for entries in image.derivatives.values() for d in entries]
    assert files == set(made) and len(made) == len(set(made))
    assert len(httpserver.log) == 1  # the second run saw the row ready and did nothing


def test_one_person_cannot_fill_the_queue(auth_client, user, settings):
    settings.BOOKMARKS_IN_FLIGHT = 2
    for n in range(2):
        Image.objects.create(user=user, title=f"s{n}", url=f"https://x.example/{n}.jpg",
                             status=Status.SAVING)  # fmt: skip
    response = auth_client.post(
        reverse("images:create"), {"title": "More", "url": "https://x.example/more.jpg"}
    )
    assert response.status_code == 429
    assert "You have 2 images still being saved" in response.content.decode()
    assert Image.objects.count() == 2
    other = make_user("carol")  # somebody else is not held up
    auth_client.force_login(other)
    settings.JOBS_INLINE = True
    response = auth_client.post(
        reverse("images:create"), {"title": "Mine", "url": "https://x.example/more.jpg"}
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)  # the job runs on a thread, with its own connection
def test_without_redis_jobs_run_in_the_web_process_and_the_log_says_so(
    auth_client, user, httpserver, server_url, allow_loopback_fetch, redis_down, settings, caplog
):
    settings.JOBS_INLINE = False
    settings.RQ_QUEUES = {"default": {"URL": redis_down}}
    httpserver.expect_request("/a.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    with caplog.at_level(logging.WARNING, logger="bookmarks.jobs"):
        response = auth_client.post(
            reverse("images:create"), {"title": "Local", "url": server_url("/a.jpg")}
        )
    assert response.status_code == 302
    image = Image.objects.get()
    deadline = time.monotonic() + 20
    while image.status == Status.SAVING and time.monotonic() < deadline:
        time.sleep(0.1)
        image.refresh_from_db()
    assert image.status == Status.READY
    assert "No Redis for the job queue: running" in caplog.text


def test_a_bookmark_whose_job_was_lost_is_queued_again(
    user, httpserver, server_url, allow_loopback_fetch, redis_client
):
    from datetime import timedelta

    from django.utils import timezone

    from images.services import requeue_lost_bookmarks

    httpserver.expect_request("/lost.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    lost = Image.objects.create(user=user, title="Lost", url=server_url("/lost.jpg"),
                                status=Status.SAVING,
                                created=timezone.now() - timedelta(minutes=2))  # fmt: skip
    fresh = Image.objects.create(user=user, title="Fresh", url=server_url("/fresh.jpg"),
                                 status=Status.SAVING)  # fmt: skip
    assert requeue_lost_bookmarks() == 1  # JOBS_INLINE: the job runs at once
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (Status.READY, Status.SAVING)
