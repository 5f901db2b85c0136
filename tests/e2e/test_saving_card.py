"""The Saving card in real Chromium with a real worker (PostgreSQL only, like tests/images/
test_jobs.py): bookmarking answers at once, the card turns into the image without a reload, a
failure shows its reason with Retry and Remove, and Retry works."""

import threading
import time

import pytest
from django.db import connection
from werkzeug import Response

from images.models import Image
from tests.e2e.conftest import distinct_picture, login_context
from tests.images.imagedata import make_image_bytes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need PostgreSQL"),
]

JPEG = make_image_bytes("JPEG", (640, 480), color=(200, 120, 40))
OTHER_JPEG = distinct_picture("the broken link's picture", (640, 480))


def test_saving_card_becomes_the_image_and_a_failure_can_be_retried(
    browser, live_server, alice, httpserver, start_worker, shot
):
    fixed = threading.Event()

    def slow_image(request):
        time.sleep(2)
        return Response(JPEG, content_type="image/jpeg")

    def broken_until_fixed(request):
        if fixed.is_set():  # a picture of its own: the slow one's bytes would be a duplicate
            return Response(OTHER_JPEG, content_type="image/jpeg")
        return Response("gone", status=404)

    httpserver.expect_request("/slow.jpg").respond_with_handler(slow_image)
    httpserver.expect_request("/broken.jpg").respond_with_handler(broken_until_fixed)
    base = f"http://127.0.0.1:{httpserver.port}"
    start_worker()
    for width, height in [(1280, 800), (390, 844)]:
        Image.objects.all().delete()
        context = login_context(
            browser, live_server, alice, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/images/create/?url={base}/slow.jpg&title=Slow+sunset")
        started = time.monotonic()
        page.get_by_role("button", name="Bookmark it!").click()
        page.wait_for_selector("[data-image-status=saving]")
        assert time.monotonic() - started < 2, "the bookmark waited for the download"
        shot(page, f"saving-card-{width}")
        page.evaluate("window.__noReload = true")
        page.wait_for_selector("img.detail-img", timeout=30_000)
        assert page.evaluate("window.__noReload") is True  # swapped in place, no reload

        fixed.clear()
        page.goto(f"{live_server.url}/images/create/?url={base}/broken.jpg&title=Broken+link")
        page.get_by_role("button", name="Bookmark it!").click()
        card = page.wait_for_selector("[data-image-status=failed]", timeout=30_000)
        assert "The server answered 404" in card.inner_text()
        shot(page, f"failed-card-{width}")
        page.goto(f"{live_server.url}/images/")
        page.wait_for_selector(".tile [data-image-status=failed]")
        shot(page, f"failed-card-list-{width}")
        fixed.set()
        page.locator(".tile [data-image-status=failed] button", has_text="Retry").click()
        page.wait_for_selector("img.detail-img", timeout=30_000)
        context.close()
