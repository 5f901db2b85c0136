"""Image work while bookmarking (security review, items 1 and 7): the web worker never
decodes or resizes pixels itself, thumbnails come from the first frame, and no database
transaction is open while any of it happens."""

import os

import pytest
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image
from tests.images.imagedata import PeakMemory, make_gif_bomb

MB = 1024 * 1024


@pytest.fixture
def remote_gif_bomb(httpserver, server_url, allow_loopback_fetch):
    def serve(width, height, frames):
        body = make_gif_bomb(width, height, frames)
        httpserver.expect_request("/bomb.gif").respond_with_data(body, content_type="image/gif")
        return server_url("/bomb.gif")

    return serve


@pytest.mark.django_db
def test_bookmarking_a_gif_bomb_keeps_the_worker_small(auth_client, remote_gif_bomb):
    # 269 bytes, 2000×2000 × 10 frames. Before: every frame converted and resized at full
    # size in the web worker (2.5 s and +240 MB here; 16 s and 1.1 GB for 4000×4000).
    url = remote_gif_bomb(2000, 2000, 10)
    with PeakMemory() as memory:
        response = auth_client.post(reverse("images:create"), {"title": "Bomb", "url": url})
    assert response.status_code == 302
    image = Image.objects.get()
    assert set(image.thumbnails) == {"list", "detail"}
    assert memory.grown < 40 * MB
    from bookmarks import imaging  # (here: the test also runs against code without it)

    # The child drawing thumbnails and the served derivatives (WebP/AVIF up to 1,600 px wide)
    # from the first frame only; 4000×4000 × 10 all decoded would be over 600 MB.
    assert imaging.last_stats.peak_memory < 120 * MB
    assert imaging.last_stats.seconds < 10


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_image_is_decoded_or_thumbnailed(
    auth_client, remote_gif_bomb, monkeypatch
):
    """Every piece of image work (Pillow resizing in this process, or a contained child
    forked for it) happens with no transaction open, so SQLite's write lock is not held
    while a slow picture is processed (before: other visitors' logins waited 10-18 s)."""
    work = []
    real_resize, real_fork = PILImage.Image.resize, os.fork

    def resize(self, *args, **kwargs):
        work.append(("resize in the worker", connection.in_atomic_block))
        return real_resize(self, *args, **kwargs)

    def fork():
        work.append(("fork a contained child", connection.in_atomic_block))
        return real_fork()

    monkeypatch.setattr(PILImage.Image, "resize", resize)
    monkeypatch.setattr(os, "fork", fork)
    url = remote_gif_bomb(1500, 1500, 10)
    response = auth_client.post(reverse("images:create"), {"title": "Slow", "url": url})
    assert response.status_code == 302
    assert work, "no image work seen at all"
    assert [step for step in work if step[1]] == []
