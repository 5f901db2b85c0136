"""bookmarks.imaging: the one gate for images, and the ceiling around decoding them; and
bookmarks.thumbnails, which draws thumbnails from the first frame under the same ceiling.

Bombs here are small (a few hundred bytes to a few kB) and would cost seconds and hundreds of
MB without the caps; none of them needs more than that even when a check is missing.
"""

import io
import os
import signal
import time

import pytest
from PIL import Image

from bookmarks import imaging
from bookmarks.imaging import ImageError, run_contained, validate_image
from bookmarks.thumbnails import render_thumbnails
from tests.images.imagedata import (
    PeakMemory,
    make_animated_gif,
    make_gif_bomb,
    make_image_bytes,
    make_noisy_jpeg,
    make_png_bomb,
    make_truncated_jpeg,
)

NOT_AN_IMAGE = "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"

MB = 1024 * 1024


def refusal(content: bytes, **options) -> str:
    with pytest.raises(ImageError) as excinfo:
        validate_image(content, **options)
    return excinfo.value.message


# --- what is accepted --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pillow_format", "extension", "content_type"),
    [
        ("JPEG", "jpg", "image/jpeg"),
        ("PNG", "png", "image/png"),
        ("GIF", "gif", "image/gif"),
        ("WEBP", "webp", "image/webp"),
    ],
)
def test_each_supported_format_is_described_by_its_content(pillow_format, extension, content_type):
    info = validate_image(make_image_bytes(pillow_format, size=(320, 240)))
    assert (info.format, info.extension, info.content_type) == (
        pillow_format,
        extension,
        content_type,
    )
    assert (info.width, info.height, info.frames) == (320, 240, 1)


def test_animation_reports_its_frames():
    assert validate_image(make_animated_gif()).frames == 2


# --- what is refused, and why ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"just some text, honest", NOT_AN_IMAGE),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            NOT_AN_IMAGE,
        ),
        (b"<!doctype html><title>Hi</title>", NOT_AN_IMAGE),
        (make_image_bytes("BMP"), NOT_AN_IMAGE),
        (make_image_bytes("TIFF"), NOT_AN_IMAGE),
        (make_truncated_jpeg(), "The image is damaged or incomplete"),
    ],
    ids=["empty", "text", "svg", "html", "bmp", "tiff", "truncated"],
)
def test_refusals_say_why(content, message):
    assert refusal(content) == message


def test_byte_cap(settings):
    settings.IMAGE_MAX_BYTES = 1000
    assert refusal(make_noisy_jpeg()) == "The file is larger than 1000 bytes"
    assert refusal(make_noisy_jpeg(), max_bytes=500) == "The file is larger than 500 bytes"


def test_pixel_cap_is_read_from_the_header(settings):
    settings.IMAGE_MAX_PIXELS = 300 * 200 - 1
    assert refusal(make_image_bytes("PNG", (300, 200))) == "The image is too large (300×200 pixels)"


def test_png_with_huge_dimensions_is_refused_before_decoding():
    bomb = make_png_bomb(12_000, 12_000)  # 144 MP in ~15 kB (the review's 17.5 kB PNG)
    with PeakMemory() as memory:
        message = refusal(bomb)
    assert message == "The image is too large (over 40,000,000 pixels)"
    assert imaging.last_stats.peak_memory < 20 * MB
    assert memory.grown < 20 * MB


def test_a_later_damaged_frame_is_found_by_the_full_decode():
    gif = make_animated_gif(colors=((220, 30, 30), (30, 30, 220), (30, 220, 30)))
    cut = gif[: len(gif) - 20]  # the last frame's picture data ends early
    Image.open(io.BytesIO(cut)).load()  # the first frame alone decodes fine
    assert refusal(cut) == "The image is damaged or incomplete"


def test_too_many_frames(settings):
    settings.IMAGE_MAX_FRAMES = 50
    assert (
        refusal(make_gif_bomb(10, 10, frames=51))
        == "The animation has too many frames (51; at most 50)"
    )


def test_frames_times_pixels_is_capped_from_the_headers():
    # 40 MP canvas × 100 frames: the review's "tens of GB" animation, in 2.5 kB.
    bomb = make_gif_bomb(6000, 6600, frames=100)
    assert len(bomb) < 3000
    started = time.monotonic()
    with PeakMemory() as memory:
        message = refusal(bomb)
    assert message == (
        "The animation is too large (100 frames of 6000×6600 pixels; "
        "at most 200,000,000 pixels in all)"
    )
    # Refused from the headers: no frame was decoded, here or in the child.
    assert imaging.last_stats.peak_memory < 20 * MB
    assert memory.grown < 20 * MB
    assert time.monotonic() - started < 3


# --- the ceiling -------------------------------------------------------------------------------


def test_decoding_runs_in_a_child_under_a_memory_ceiling(settings):
    # 4000×4000×10: the review's 269-byte GIF. Decoding every frame needs ~150 MB.
    bomb = make_gif_bomb(4000, 4000, frames=10)
    assert len(bomb) == 269
    settings.IMAGE_WORK_MEMORY_MB = 40
    with PeakMemory() as memory:
        message = refusal(bomb)
    assert message == "The image needs too much memory to process"
    assert memory.grown < 20 * MB  # the worker itself never held the pixels


def test_full_decode_of_an_accepted_animation_stays_in_the_child():
    with PeakMemory() as memory:
        info = validate_image(make_gif_bomb(4000, 4000, frames=10))
    assert info.frames == 10
    assert 50 * MB < imaging.last_stats.peak_memory < 400 * MB  # the child did the work
    assert memory.grown < 20 * MB


def test_work_past_the_time_ceiling_is_killed(settings):
    settings.IMAGE_WORK_SECONDS = 0.2
    started = time.monotonic()
    with pytest.raises(ImageError) as excinfo:
        run_contained(lambda: time.sleep(30))
    assert excinfo.value.message == "The image took too long to process"
    assert time.monotonic() - started < 5


def test_a_child_that_dies_is_an_image_error_not_a_crash():
    with pytest.raises(ImageError) as excinfo:
        run_contained(lambda: os.kill(os.getpid(), signal.SIGKILL))
    assert excinfo.value.message == "The image could not be processed"


def test_a_child_returns_its_value_and_costs_little():
    assert run_contained(lambda: sum(range(10))) == 45
    stats = imaging.last_stats
    print("contained call:", stats)
    assert stats.peak_memory < 20 * MB


# --- thumbnails --------------------------------------------------------------------------------


def rendered_image(rendered):
    return Image.open(io.BytesIO(rendered.content))


def test_thumbnail_sizes_match_the_aliases():
    rendered = render_thumbnails(
        make_image_bytes("JPEG", (1600, 1200)), ("list", "detail", "avatar", "avatar_small")
    )
    sizes = {alias: (thumb.width, thumb.height) for alias, thumb in rendered.items()}
    assert sizes == {
        "list": (400, 300),
        "detail": (800, 600),
        "avatar": (96, 96),
        "avatar_small": (40, 40),
    }
    for thumb in rendered.values():
        assert rendered_image(thumb).size == (thumb.width, thumb.height)
        assert thumb.extension == "jpg"


def test_small_pictures_are_not_upscaled():
    rendered = render_thumbnails(make_image_bytes("PNG", (300, 200)), ("list", "detail"))
    assert {a: (t.width, t.height) for a, t in rendered.items()} == {
        "list": (300, 200),
        "detail": (300, 200),
    }


@pytest.mark.parametrize(
    ("pillow_format", "extension", "written"),
    [
        ("JPEG", "jpg", "JPEG"),
        ("PNG", "png", "PNG"),
        ("GIF", "png", "PNG"),
        ("WEBP", "webp", "WEBP"),
    ],
)
def test_thumbnail_format_follows_the_source(pillow_format, extension, written):
    thumb = render_thumbnails(make_image_bytes(pillow_format, (640, 480)), ("list",))["list"]
    assert thumb.extension == extension
    assert rendered_image(thumb).format == written


def test_thumbnails_are_drawn_from_the_first_frame_only():
    gif = make_animated_gif(size=(640, 480), colors=((220, 30, 30), (30, 30, 220)))
    thumb = render_thumbnails(gif, ("list",))["list"]
    picture = rendered_image(thumb)
    assert getattr(picture, "n_frames", 1) == 1
    red, green, blue = picture.convert("RGB").getpixel((200, 150))
    assert red > 180 and blue < 80


def test_exif_orientation_is_applied():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # turn a quarter clockwise to show
    Image.new("RGB", (3200, 1600), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    thumb = render_thumbnails(buffer.getvalue(), ("detail",))["detail"]
    assert (thumb.width, thumb.height) == (800, 1600)


def test_smart_crop_keeps_the_detailed_part():
    picture = Image.new("RGB", (800, 300), (240, 240, 240))  # plain on the left
    picture.paste(Image.effect_noise((400, 300), 90).convert("RGB"), (400, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    thumb = rendered_image(render_thumbnails(buffer.getvalue(), ("list",))["list"])
    assert thumb.size == (400, 300)
    assert thumb.convert("L").getextrema()[0] < 200  # noise kept, not the plain half


def test_thumbnailing_an_animation_bomb_decodes_one_frame_in_the_child():
    # Without the first-frame rule every frame would be converted and resized at full size
    # (easy-thumbnails: 2.5 s and +240 MB for this 269-byte GIF).
    bomb = make_gif_bomb(2000, 2000, frames=10)
    with PeakMemory() as memory:
        rendered = render_thumbnails(bomb, ("list", "detail"))
    assert set(rendered) == {"list", "detail"}
    assert memory.grown < 20 * MB
    assert imaging.last_stats.peak_memory < 60 * MB
    assert imaging.last_stats.seconds < 5
