"""Bookmarking a file from the person's device: `/images/create/` with a multipart `image`
instead of `url`. An upload gets exactly the checks and thumbnails a fetched image gets; a bad
one is refused with the reason and a 400, storing nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from actions.models import Action
from bookmarks.ratelimit import one_at_a_time
from images.models import Image
from tests.images.imagedata import (
    make_gif_bomb,
    make_image_bytes,
    make_picture_bytes,
    make_png_bomb,
    make_truncated_jpeg,
)

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, content: bytes, name="picture.png", content_type="image/png", **data):
    fields = {"title": "From my phone", "description": "", **data}
    fields.setdefault("image", SimpleUploadedFile(name, content, content_type=content_type))
    return client.post(reverse("images:create"), fields)


@pytest.mark.parametrize(
    ("pillow_format", "extension"),
    [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")],
)
def test_upload_of_each_format_is_stored_with_thumbnails(
    auth_client, user, settings, pillow_format, extension
):
    content = make_image_bytes(pillow_format, (900, 600))
    response = upload(auth_client, content, name="holiday.bin")
    image = Image.objects.get()
    assert response.status_code == 302
    assert response.url == image.get_absolute_url()
    assert (image.user, image.title, image.url) == (user, "From my phone", "")
    assert image.image.name.endswith(f".{extension}")  # from the content (named by it)
    with image.image.open("rb") as stored:
        assert stored.read() == content
    assert (image.thumbnails["list"]["width"], image.thumbnails["list"]["height"]) == (400, 300)
    assert (image.thumbnails["detail"]["width"], image.thumbnails["detail"]["height"]) == (
        800,
        533,
    )
    names = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)}
    assert names == {image.image.name} | {t["name"] for t in image.thumbnails.values()}
    assert Action.objects.filter(verb="bookmarked image").count() == 1
    assert "Image bookmarked." in auth_client.get(response.url).content.decode()


def test_the_same_person_may_upload_many_pictures(auth_client):
    # Two different pictures (the same bytes twice is "You saved this already": test_dedupe).
    for kind in (0, 1):
        assert upload(auth_client, make_picture_bytes(kind)).status_code == 302
    assert Image.objects.filter(url="").count() == 2


def bad_uploads():
    yield "empty", b"", "picture.png", "The submitted file is empty."
    yield "truncated", make_truncated_jpeg(), "cut.jpg", "The image is damaged or incomplete"
    yield (
        "text",
        b"just some text, honest",
        "notes.png",
        "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF",
    )
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    yield "svg", svg, "logo.png", "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"
    html = b"<!doctype html><title>Hi</title><script>alert(1)</script>"
    yield "html", html, "page.png", "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"
    yield (
        "bmp",
        make_image_bytes("BMP"),
        "old.png",
        "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image",
    )
    bomb = make_png_bomb(20_000, 20_000)
    yield "png bomb", bomb, "bomb.png", "The image is too large (over 40,000,000 pixels)"
    gif = make_gif_bomb(6000, 6600, frames=100)
    yield "gif bomb", gif, "bomb.gif", "The animation is too large (100 frames of 6000×6600"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [case[1:] for case in bad_uploads()],
    ids=[case[0] for case in bad_uploads()],
)
def test_bad_upload_is_refused_with_the_reason_and_stores_nothing(
    auth_client, settings, content, name, message
):
    response = upload(auth_client, content, name=name)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["image"])
    assert message.split("(")[0] in response.content.decode()
    assert Image.objects.count() == 0
    assert Action.objects.filter(verb="bookmarked image").count() == 0
    assert stored_files(settings) == []


def test_upload_over_the_byte_cap_is_refused_before_it_is_read(auth_client, settings):
    settings.IMAGE_MAX_BYTES = 50_000
    content = make_image_bytes("PNG", (200, 200)) + b"\0" * 60_000
    response = upload(auth_client, content)
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == ["The file is larger than 50000 bytes"]
    assert stored_files(settings) == []


def test_address_and_file_together_are_refused(auth_client, settings):
    response = upload(auth_client, make_image_bytes("PNG"), url="https://x.example/a.png")
    assert response.status_code == 400
    assert "Give an image address or a file, not both." in response.content.decode()
    assert stored_files(settings) == []


def test_neither_address_nor_file_is_refused(auth_client):
    response = auth_client.post(reverse("images:create"), {"title": "Nothing"})
    assert response.status_code == 400
    assert "Give the address of an image, or choose a file." in response.content.decode()


def test_the_create_form_takes_files(auth_client):
    page = auth_client.get(reverse("images:create")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="image"' in page
    assert 'accept="image/jpeg,image/png,image/gif,image/webp,image/heic' in page
    assert "js/upload.js" in page


def test_animated_upload_keeps_the_animation_and_thumbnails_its_first_frame(auth_client):
    frames = [PILImage.new("RGB", (640, 480), c) for c in ((220, 30, 30), (30, 30, 220))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert upload(auth_client, buffer.getvalue(), name="a.gif").status_code == 302
    image = Image.objects.get()
    with image.image.open("rb") as stored, PILImage.open(stored) as original:
        assert original.n_frames == 2
    with image.image.storage.open(image.thumbnails["list"]["name"]) as thumb:
        picture = PILImage.open(thumb)
        assert picture.format == "PNG" and getattr(picture, "n_frames", 1) == 1
        assert picture.convert("RGB").getpixel((10, 10))[0] > 180  # the red first frame


# --- one at a time, and only so many (security review, part of item 3) -------------------------


@pytest.fixture
def remote_image(httpserver, server_url, allow_loopback_fetch):
    httpserver.expect_request("/photo.png").respond_with_data(
        make_image_bytes("PNG"), content_type="image/png"
    )
    return server_url("/photo.png")


def test_a_second_bookmark_while_one_is_in_flight_is_a_429(
    auth_client, user, settings, remote_image
):
    with one_at_a_time("bookmark", str(user.pk), ttl=30, message="busy"):
        response = auth_client.post(reverse("images:create"), {"title": "A", "url": remote_image})
        assert response.status_code == 429
        assert upload(auth_client, make_image_bytes("PNG")).status_code == 429
    assert "still being saved" in response.content.decode()
    assert stored_files(settings) == []
    assert upload(auth_client, make_image_bytes("PNG")).status_code == 302  # lock released


def test_bookmarks_are_rate_limited_per_person(auth_client, settings, remote_image):
    settings.RATE_LIMITS = {"bookmark": (2, 600)}
    data = {"title": "A", "url": remote_image}
    assert auth_client.post(reverse("images:create"), data).status_code == 302
    assert auth_client.post(reverse("images:create"), data).status_code == 302  # already saved
    response = auth_client.post(reverse("images:create"), data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert upload(auth_client, make_image_bytes("PNG")).status_code == 429
    assert Image.objects.count() == 1
