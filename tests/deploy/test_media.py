"""Django's own media view (bookmarks/media.py), used when nginx is not in front: images only,
typed by extension, nosniff and sandboxed, nothing outside MEDIA_ROOT, no listings."""

import os

import pytest
from django.utils.http import http_date

from tests.factories import png_bytes

PNG = png_bytes((16, 16))


@pytest.fixture
def media(settings):
    root = settings.MEDIA_ROOT
    (root / "images").mkdir(parents=True)
    (root / "images" / "a.png").write_bytes(PNG)
    (root / "images" / "b.jpeg").write_bytes(PNG)
    (root / "images" / "page.html").write_bytes(b"<script>alert(1)</script>")
    (root / "images" / "drawing.svg").write_bytes(b"<svg><script>alert(1)</script></svg>")
    (root / "images" / "folder.png").mkdir()
    return root


def test_an_image_is_served_typed_by_extension_nosniff_and_sandboxed(client, media):
    answer = client.get("/media/images/a.png")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PNG
    assert answer["Content-Type"] == "image/png"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get("/media/images/b.jpeg")["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "path",
    [
        "images/page.html",
        "images/drawing.svg",
        "images/",
        "images",
        "images/folder.png",  # a directory, whatever its name
        "images/missing.png",
        "images/%2e%2e/%2e%2e/outside.png",
        "images/..%2f..%2foutside.png",
        "images/a.png%00.html",
    ],
)
def test_anything_else_is_not_found(client, media, path):
    (media.parent / "outside.png").write_bytes(PNG)
    answer = client.get("/media/" + path)
    assert answer.status_code == 404
    assert "alert(1)" not in answer.content.decode()  # the file itself is never sent


def test_a_symbolic_link_out_of_media_root_is_not_followed(client, media):
    (media.parent / "secret.png").write_bytes(PNG)
    os.symlink(media.parent / "secret.png", media / "images" / "link.png")
    assert client.get("/media/images/link.png").status_code == 404


def test_an_unchanged_image_answers_not_modified(client, media):
    mtime = (media / "images" / "a.png").stat().st_mtime
    answer = client.get("/media/images/a.png", HTTP_IF_MODIFIED_SINCE=http_date(mtime))
    assert answer.status_code == 304
    assert client.head("/media/images/a.png").status_code == 200


def test_only_get_and_head(client, media):
    assert client.post("/media/images/a.png").status_code == 405
