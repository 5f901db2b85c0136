"""The job queue for real: RQ workers in their own processes (`manage.py rqworker`, as
`make worker` runs them) on the test Redis and the test PostgreSQL database (a worker cannot
see SQLite's in-memory test database, so these run on PostgreSQL only). No eager shortcut."""

import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from werkzeug import Response

from actions.models import Action, Verb
from images import files
from images.models import Image
from tests.conftest import kill_group
from tests.e2e.conftest import distinct_picture
from tests.images.imagedata import make_image_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need PostgreSQL"),
]

JPEG = make_image_bytes("JPEG", (320, 240))
OTHER_JPEG = distinct_picture("another picture", (320, 240))


def wait_for(predicate, *, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def status_of(image_id):
    return Image.objects.values_list("status", flat=True).get(pk=image_id)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def one_set_of_files(image) -> list[str]:
    """The files one saved image has: its original, thumbnails and served derivatives."""
    derived = files.derived_names(image.thumbnails, image.derivatives)
    return sorted([image.image.name, *(entry["name"] for entry in derived.values())])


def test_bookmark_answers_at_once_and_a_real_worker_saves_it(
    auth_client, user, httpserver, server_url, start_worker, settings
):
    def slow_image(request):
        time.sleep(1.5)  # the web request must not wait for this
        return Response(JPEG, content_type="image/jpeg")

    httpserver.expect_request("/slow.jpg").respond_with_handler(slow_image)
    start_worker()
    response = auth_client.post(
        reverse("images:create"), {"title": "Slow", "url": server_url("/slow.jpg")}
    )
    image = Image.objects.get()
    assert response.status_code == 302 and response.url == image.get_absolute_url()
    assert image.status == "saving"
    page = auth_client.get(response.url).content.decode()
    assert "Saving…" in page and 'data-image-status="saving"' in page
    status_url = reverse("images:status", args=[image.id])
    assert auth_client.get(status_url).json()["status"] == "saving"

    wait_for(lambda: status_of(image.id) == "ready", timeout=30, what="the worker")
    answer = auth_client.get(status_url + "?kind=list").json()
    assert answer["status"] == "ready" and "<img" in answer["html"]
    wait_for(lambda: Image.objects.get(pk=image.pk).derivatives, timeout=60, what="derivatives")
    image.refresh_from_db()
    assert stored_files(settings) == one_set_of_files(image)
    assert Action.objects.filter(user=user, verb=Verb.BOOKMARKED).count() == 1


def test_transient_failures_are_retried_with_backoff_and_refusals_are_not(
    auth_client, httpserver, server_url, start_worker
):
    tries = {"flaky": [], "missing": []}
    fixed = threading.Event()

    def flaky(request):
        tries["flaky"].append(time.monotonic())
        if len(tries["flaky"]) <= 2:
            return Response("busy", status=503)
        return Response(JPEG, content_type="image/jpeg")

    def missing(request):
        tries["missing"].append(time.monotonic())
        if fixed.is_set():  # a picture of its own: the flaky one's bytes would be a duplicate
            return Response(OTHER_JPEG, content_type="image/jpeg")
        return Response("no", status=404)

    httpserver.expect_request("/flaky.jpg").respond_with_handler(flaky)
    httpserver.expect_request("/missing.jpg").respond_with_handler(missing)
    start_worker()
    create = reverse("images:create")
    auth_client.post(create, {"title": "Flaky", "url": server_url("/flaky.jpg")})
    auth_client.post(create, {"title": "Missing", "url": server_url("/missing.jpg")})
    flaky_image, missing_image = (
        Image.objects.get(title="Flaky"),
        Image.objects.get(title="Missing"),
    )

    wait_for(lambda: status_of(flaky_image.id) == "ready", timeout=40, what="the third try")
    assert len(tries["flaky"]) == 3
    gaps = [b - a for a, b in zip(tries["flaky"], tries["flaky"][1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps  # JOB_RETRY_BACKOFF=1,1
    missing_image.refresh_from_db()
    assert (missing_image.status, missing_image.failure) == ("failed", "The server answered 404")
    assert len(tries["missing"]) == 1

    # Retry works: the server is fixed, the person retries, the worker saves it.
    fixed.set()
    response = auth_client.post(
        reverse("images:retry"),
        {"id": missing_image.id, "next": missing_image.get_absolute_url()},
    )
    assert response.status_code == 302
    wait_for(lambda: status_of(missing_image.id) == "ready", timeout=30, what="the retry")
    # A finished job cannot be retried.
    again = auth_client.post(reverse("images:retry"), {"id": missing_image.id})
    assert again.status_code == 400


def test_a_worker_killed_mid_job_leaves_it_to_another_and_one_set_of_files(
    auth_client, user, httpserver, server_url, start_worker, settings
):
    first_try_started = threading.Event()

    def image_once_slow(request):
        if not first_try_started.is_set():
            first_try_started.set()
            time.sleep(4)  # the first worker is killed while it waits for this
        return Response(JPEG, content_type="image/jpeg")

    httpserver.expect_request("/photo.jpg").respond_with_handler(image_once_slow)
    first = start_worker()
    auth_client.post(reverse("images:create"), {"title": "Photo", "url": server_url("/photo.jpg")})
    image = Image.objects.get()
    assert first_try_started.wait(timeout=30), "the first worker never fetched"
    kill_group(first)  # SIGKILL, worker and work horse: no clean-up of any kind
    # What a run killed after writing its file would have left behind.
    killed_at = time.monotonic()
    start_worker()

    wait_for(lambda: status_of(image.id) == "ready", timeout=60, what="another worker")
    assert time.monotonic() - killed_at < 60
    wait_for(lambda: Image.objects.get(pk=image.pk).derivatives, timeout=60, what="derivatives")
    image.refresh_from_db()
    assert Image.objects.count() == 1
    assert stored_files(settings) == one_set_of_files(image)
    assert len(stored_files(settings)) == 3 + sum(map(len, image.derivatives.values()))
    assert Action.objects.filter(user=user, verb=Verb.BOOKMARKED).count() == 1
