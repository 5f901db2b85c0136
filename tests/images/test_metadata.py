"""Originals without camera or location metadata (issue 19, bookmarks.metadata): what we store
and serve as the original carries no EXIF, GPS or XMP, and decodes to the very pixels that came
(the same bytes when there was nothing to take out), on every path a picture comes in by."""

import hashlib
import io
import os
import re
import signal
import struct
import time
import zlib

import pillow_heif
import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms, ImageSequence, PngImagePlugin

from account.models import Profile
from bookmarks.imaging import ImageError, Messages, validate_image
from bookmarks.metadata import strip_metadata
from bookmarks.storage import PARTIAL_MAX_AGE, PARTIAL_ROOT, remove_stale_partial_files
from images import files
from images.models import Image
from images.services import import_image
from images.visibility import set_image_private
from tests.factories import make_image, make_user
from tests.images.imagedata import make_picture
from tests.portability.helpers import export_bytes, manifest_of, post_import, rezip

GPS = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="52,22.0N" exif:GPSLongitude="4,53.0E"/></rdf:RDF></x:xmpmeta>'
)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_exif(orientation: int = 6, place=(52.0, 22.0, 1.0)) -> bytes:
    exif = PILImage.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "PhoneMaker", "Phone 15", orientation
    exif.get_ifd(GPS).update({1: "N", 2: place, 3: "E", 4: (4.0, 53.0, 2.0)})
    return exif.tobytes()


def encoded(fmt: str, picture=None, **options) -> bytes:
    buffer = io.BytesIO()
    (picture or make_picture(0, (320, 240))).save(buffer, fmt, **options)
    return buffer.getvalue()


def phone_jpeg(orientation: int = 6, place=(52.0, 22.0, 1.0), **options) -> bytes:
    """What a phone writes: EXIF with camera, GPS and Orientation, XMP, a comment, a profile."""
    return encoded(
        "JPEG",
        exif=phone_exif(orientation, place),
        xmp=XMP,
        comment=b"Shot on Phone 15",
        icc_profile=SRGB,
        quality=90,
        **options,
    )


def opened(content: bytes) -> PILImage.Image:
    picture = PILImage.open(io.BytesIO(content))
    picture.load()
    return picture


def frames(content: bytes) -> list[bytes]:
    """Every frame's decoded pixels (as they are stored, before any orientation is applied)."""
    with PILImage.open(io.BytesIO(content)) as picture:
        return [frame.convert("RGBA").tobytes() for frame in ImageSequence.Iterator(picture)]


def assert_no_metadata(content: bytes, *, orientation: int | None = None) -> None:
    """No camera, GPS or XMP in any frame, read back with Pillow; only the Orientation may be
    left in the EXIF."""
    with PILImage.open(io.BytesIO(content)) as picture:
        for frame in ImageSequence.Iterator(picture):
            exif = frame.getexif()
            assert not exif.get_ifd(GPS) and GPS not in exif
            assert set(exif) <= {ORIENTATION}, dict(exif)
            if orientation is not None:
                assert exif.get(ORIENTATION, 1) == orientation
            assert not (frame.info.get("xmp") or b"").strip()
            assert b"GPSLatitude" not in content and b"PhoneMaker" not in content


def png_chunks(content: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(content):
        (length,) = struct.unpack_from(">I", content, pos)
        kind = content[pos + 4 : pos + 8]
        data = content[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", content, pos + 8 + length)
        assert crc == zlib.crc32(kind + data), kind  # every CRC intact
        kinds.append(kind)
        pos += 12 + length
    return kinds


def webp_chunks(content: bytes) -> list[bytes]:
    (size,) = struct.unpack_from("<I", content, 4)
    assert size == len(content) - 8  # the RIFF size fixed
    kinds, pos = [], 12
    while pos < len(content):
        kind, length = content[pos : pos + 4], struct.unpack_from("<I", content, pos + 4)[0]
        kinds.append(kind)
        pos += 8 + length + (length & 1)
    return kinds


# --- each format -------------------------------------------------------------------------------


def test_a_phone_jpeg_loses_camera_gps_xmp_and_comment_and_keeps_its_pixels_and_orientation():
    content = phone_jpeg(orientation=6)
    assert opened(content).getexif().get_ifd(GPS)  # it had them
    stripped = strip_metadata(content)
    assert_no_metadata(stripped, orientation=6)  # still shown upright
    picture = opened(stripped)
    assert "comment" not in picture.info
    assert picture.info["icc_profile"] == SRGB  # the colour profile stays
    assert picture.info.get("jfif")  # and APP0 JFIF
    assert frames(stripped) == frames(content)
    scan = content.index(b"\xff\xda")  # the picture data itself: the very bytes that came
    assert stripped.endswith(content[scan:])


def test_an_upright_jpeg_gets_no_exif_at_all():
    stripped = strip_metadata(phone_jpeg(orientation=1))
    assert_no_metadata(stripped)
    assert b"Exif\x00\x00" not in stripped and not opened(stripped).getexif()


def test_a_progressive_cmyk_jpeg_keeps_every_scan_and_its_adobe_segment():
    picture = make_picture(1, (300, 200)).convert("CMYK")
    content = encoded("JPEG", picture, progressive=True, exif=phone_exif(), xmp=XMP)
    stripped = strip_metadata(content)
    assert_no_metadata(stripped, orientation=6)
    assert b"Adobe" in stripped and opened(stripped).mode == "CMYK"
    assert content.count(b"\xff\xda") == stripped.count(b"\xff\xda") > 1
    assert frames(stripped) == frames(content)


def test_an_mpo_has_every_picture_stripped_and_still_found():
    others = [make_picture(1, (320, 240)), make_picture(2, (320, 240))]
    content = encoded("MPO", exif=phone_exif(), save_all=True, append_images=others)
    assert opened(content).n_frames == 3
    stripped = strip_metadata(content)
    assert opened(stripped).n_frames == 3
    assert_no_metadata(stripped)
    assert frames(stripped) == frames(content)


def test_a_png_loses_exif_and_text_chunks_and_keeps_the_others_with_their_crcs():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", "at home")
    info.add_text("Location", "52.37N 4.89E", zip=True)
    content = encoded("PNG", exif=phone_exif(), pnginfo=info, icc_profile=SRGB, dpi=(144, 144))
    assert {b"eXIf", b"iTXt", b"tEXt", b"zTXt"} <= set(png_chunks(content))
    stripped = strip_metadata(content)
    kinds = png_chunks(stripped)
    assert not {b"eXIf", b"iTXt", b"tEXt", b"zTXt"} & set(kinds)
    assert {b"IHDR", b"iCCP", b"pHYs", b"IDAT", b"IEND"} <= set(kinds)
    assert_no_metadata(stripped)
    assert b"52.37N" not in stripped and not opened(stripped).text
    assert frames(stripped) == frames(content)


def test_an_animated_png_keeps_its_animation():
    pictures = [PILImage.new("RGB", (60, 40), colour) for colour in ("red", "blue", "green")]
    content = encoded(
        "PNG", pictures[0], save_all=True, append_images=pictures[1:], exif=phone_exif()
    )
    stripped = strip_metadata(content)
    assert b"acTL" in stripped and b"fcTL" in stripped and b"fdAT" in stripped
    assert_no_metadata(stripped)
    assert frames(stripped) == frames(content) and len(frames(content)) == 3


@pytest.mark.parametrize(
    "options",
    [{"lossless": True}, {"quality": 80}, {"save_all": True, "append_images": "frames"}],
    ids=["lossless", "lossy", "animated"],
)
def test_a_webp_loses_its_exif_and_xmp_chunks_and_flags(options):
    if options.get("append_images") == "frames":
        options = {**options, "append_images": [make_picture(1, (320, 240))], "duration": 100}
    content = encoded("WEBP", exif=phone_exif(), xmp=XMP, icc_profile=SRGB, **options)
    assert {b"VP8X", b"EXIF", b"XMP "} <= set(webp_chunks(content))
    stripped = strip_metadata(content)
    kinds = webp_chunks(stripped)
    assert b"EXIF" not in kinds and b"XMP " not in kinds and b"ICCP" in kinds
    flags = stripped[stripped.index(b"VP8X") + 8]
    assert flags & 0x0C == 0 and flags & 0x20  # EXIF and XMP flags cleared, ICC kept
    assert_no_metadata(stripped)
    assert frames(stripped) == frames(content)


def heic_with_exif(orientation: int = 1) -> bytes:
    heif = pillow_heif.from_pillow(make_picture(0, (320, 240)))
    buffer = io.BytesIO()
    heif.save(buffer, quality=80, exif=phone_exif(orientation), xmp=XMP)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["HEIC", "AVIF"])
def test_a_heic_or_avif_has_its_exif_and_xmp_blanked_in_place(fmt):
    if fmt == "HEIC":
        content = heic_with_exif()
    else:
        content = encoded("AVIF", exif=phone_exif(), xmp=XMP, quality=70)
    assert opened(content).getexif().get_ifd(GPS) and opened(content).info["xmp"]
    stripped = strip_metadata(content)
    assert len(stripped) == len(content)  # in place: every box offset still holds
    assert_no_metadata(stripped)
    assert opened(stripped).getexif().get(ORIENTATION, 1) == opened(content).getexif().get(
        ORIENTATION, 1
    )
    assert frames(stripped) == frames(content)


@pytest.mark.parametrize(
    "make",
    [
        lambda: encoded("JPEG", quality=85),
        lambda: encoded("JPEG", icc_profile=SRGB, progressive=True),
        lambda: encoded("PNG", icc_profile=SRGB),
        lambda: encoded("WEBP", quality=80),
        lambda: encoded("GIF", comment=b"a comment stays: GIF is kept as it came"),
        lambda: encoded("AVIF"),
        lambda: encoded("HEIF"),
    ],
    ids=["jpeg", "jpeg-progressive-icc", "png", "webp", "gif", "avif", "heic"],
)
def test_a_file_with_nothing_to_take_out_is_kept_byte_for_byte(make):
    content = make()
    assert strip_metadata(content) == content


@pytest.mark.parametrize(
    "make",
    [
        phone_jpeg,
        lambda: encoded("MPO", exif=phone_exif(), save_all=True, append_images=[make_picture(1)]),
        lambda: encoded("PNG", exif=phone_exif()),
        lambda: encoded("WEBP", exif=phone_exif(), xmp=XMP),
        heic_with_exif,
    ],
    ids=["jpeg", "mpo", "png", "webp", "heic"],
)
def test_stripping_twice_changes_nothing_more(make):
    """A staged shared photo is stripped, then stripped again when it is bookmarked."""
    once = strip_metadata(make())
    assert strip_metadata(once) == once


# --- malformed input ---------------------------------------------------------------------------


def with_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    return (
        jpeg[:2] + bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]
    )


def test_a_malformed_exif_block_is_taken_out_and_the_picture_kept():
    garbage = b"Exif\x00\x00II*\x00" + struct.pack("<I", 0xFFFF) + b"\x01\x00garbage"
    content = with_segment(encoded("JPEG"), 0xE1, garbage)
    stripped = strip_metadata(content)
    assert stripped == encoded("JPEG") and frames(stripped) == frames(content)


def test_a_jpeg_without_its_end_marker_is_still_stripped():
    content = phone_jpeg()[:-2]
    stripped = strip_metadata(content)
    assert_no_metadata(stripped, orientation=6)
    assert stripped.endswith(content[content.index(b"\xff\xda") :])


def damaged_after_the_first_scan(content: bytes) -> bytes:
    """A progressive JPEG whose tables after its first scan run past the end of the file:
    Pillow opens it (it reads up to the first scan), we cannot follow it."""
    tables = content.index(b"\xff\xc4", content.index(b"\xff\xda"))
    return content[: tables + 2] + b"\xff\xf0" + content[tables + 4 :]


def test_a_file_we_cannot_follow_that_carries_exif_is_refused_not_kept():
    content = damaged_after_the_first_scan(phone_jpeg(progressive=True))
    with PILImage.open(io.BytesIO(content)) as picture:
        assert picture.getexif().get_ifd(GPS)  # Pillow still finds the GPS in it
    with pytest.raises(ImageError) as refused:
        strip_metadata(content)
    assert refused.value.message == Messages.METADATA


@pytest.mark.parametrize(
    "content",
    [damaged_after_the_first_scan(encoded("JPEG", progressive=True)), encoded("PNG")[:-6]],
    ids=["jpeg", "png"],
)
def test_a_file_we_cannot_follow_without_metadata_comes_back_unchanged(content):
    assert strip_metadata(content) == content


@pytest.mark.parametrize(
    "content",
    [
        b"RIFF\x10\x00\x00\x00WEBPVP8X\xff\xff\xff\xff",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1\x00\x00\x00\x10meta",
        b"\xff\xd8\xff",
    ],
    ids=["webp", "heic", "jpeg"],
)
def test_a_file_nobody_can_read_is_refused_rather_than_kept(content):
    with pytest.raises(ImageError):
        strip_metadata(content)


@pytest.mark.django_db
def test_a_damaged_phone_photo_upload_is_a_400_with_a_reason_never_a_500(auth_client):
    content = damaged_after_the_first_scan(phone_jpeg(progressive=True))
    photo = SimpleUploadedFile("photo.jpg", content)
    response = auth_client.post(reverse("images:create"), {"title": "Bad", "image": photo})
    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not Image.objects.exists()


# --- every way in ------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def view_original(client, image: Image) -> bytes:
    """The file the image page's "View original" links to."""
    page = client.get(image.get_absolute_url()).content.decode()
    (href,) = re.findall(r'<a href="([^"]+)">View original</a>', page)
    return stored(href.removeprefix(default_storage.base_url))


@pytest.mark.django_db
def test_an_uploaded_phone_photo_is_stored_and_offered_without_gps(auth_client, user):
    content = phone_jpeg()
    photo = SimpleUploadedFile("IMG_0001.jpg", content, content_type="image/jpeg")
    response = auth_client.post(reverse("images:create"), {"title": "Beach", "image": photo})
    assert response.status_code == 302
    image = Image.objects.get()
    original = view_original(auth_client, image)
    assert original == stored(image.image.name)
    assert_no_metadata(original, orientation=6)
    assert frames(original) == frames(content)
    # The SHA-256 (for duplicates) and the content-addressed name are of what is stored.
    assert image.sha256 == hashlib.sha256(original).hexdigest()
    assert image.image.name == files.original_name(image.sha256, "jpg")
    for thumbnail in image.thumbnails.values():
        assert_no_metadata(stored(thumbnail["name"]))


@pytest.mark.django_db
def test_the_same_photo_with_other_metadata_is_the_same_bytes_saved_already(auth_client):
    first = SimpleUploadedFile("a.jpg", phone_jpeg(place=(52.0, 22.0, 1.0)))
    again = SimpleUploadedFile("b.jpg", phone_jpeg(place=(48.0, 51.0, 24.0)))
    auth_client.post(reverse("images:create"), {"title": "Here", "image": first})
    response = auth_client.post(reverse("images:create"), {"title": "There", "image": again})
    image = Image.objects.get()
    assert response.status_code == 302 and response.url == image.get_absolute_url()


@pytest.mark.django_db
def test_a_fetched_phone_photo_is_stored_without_gps(
    auth_client, httpserver, server_url, allow_loopback_fetch
):
    content = phone_jpeg()
    httpserver.expect_request("/IMG_0002.jpg").respond_with_data(content, content_type="image/jpeg")
    response = auth_client.post(
        reverse("images:create"), {"title": "Fetched", "url": server_url("/IMG_0002.jpg")}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.is_ready  # the job ran inline (JOBS_INLINE in tests)
    original = view_original(auth_client, image)
    assert_no_metadata(original, orientation=6)
    assert frames(original) == frames(content)
    assert image.sha256 == hashlib.sha256(original).hexdigest()


@pytest.mark.django_db
def test_an_imported_heic_and_a_made_private_copy_carry_no_gps(user, client):
    image = import_image(user=user, content=heic_with_exif(), title="Phone HEIC")
    assert_no_metadata(stored(image.image.name))
    set_image_private(image=image, private=True)  # its files are copied: still stripped
    image.refresh_from_db()
    assert image.image.name.startswith("private/")
    assert_no_metadata(stored(image.image.name))


@pytest.mark.django_db
def test_an_archive_from_elsewhere_is_imported_without_gps(user):
    make_image(user, title="Only")
    archive = export_bytes(logged_in(user))
    manifest = manifest_of(archive)
    record = manifest["images"][0]
    photo = phone_jpeg()
    record.update(sha256=hashlib.sha256(photo).hexdigest(), size=len(photo))
    archive = rezip(
        archive, manifest=manifest, drop={record["file"]}, extra={record["file"]: photo}
    )
    carol = make_user("carol")
    assert post_import(logged_in(carol), archive).status_code == 200  # the report
    image = Image.objects.get(user=carol)
    original = stored(image.image.name)
    assert_no_metadata(original, orientation=6)
    assert image.sha256 == hashlib.sha256(original).hexdigest()


@pytest.mark.django_db
def test_a_profile_photo_is_stored_without_gps(auth_client, user):
    photo = SimpleUploadedFile("me.jpg", phone_jpeg(), content_type="image/jpeg")
    data = {"first_name": "A", "last_name": "B", "email": "a@example.com", "photo": photo}
    auth_client.post(reverse("edit"), data)
    profile = Profile.objects.get(user=user)
    assert profile.photo.name.endswith(".jpg")
    assert_no_metadata(stored(profile.photo.name), orientation=6)


# --- written whole or not at all ---------------------------------------------------------------


class _DiesAfterOneChunk(File):
    def chunks(self, chunk_size=None):
        yield self.file.read(1000)
        os.kill(os.getpid(), signal.SIGKILL)  # a worker killed mid-write


def test_a_worker_killed_mid_write_leaves_no_half_file_under_the_final_name(monkeypatch):
    content = os.urandom(300_000)
    name = files.original_name(hashlib.sha256(content).hexdigest(), "jpg")
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            monkeypatch.setattr(
                "bookmarks.storage.ContentFile", lambda data: _DiesAfterOneChunk(io.BytesIO(data))
            )
            files.store_once(name, content)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert not default_storage.exists(name)  # only a .part file, which no one reads
    assert files.store_once(name, content)  # so the next save writes it, whole
    assert stored(name) == content
    assert not files.store_once(name, content)  # and then it is there
    folder = default_storage.path(PARTIAL_ROOT)
    (leftover,) = os.listdir(folder)  # the killed worker's, in the folder of temporary files
    assert leftover.endswith(".part")
    # The hourly sweep removes it once it is old enough to belong to no live writer.
    assert remove_stale_partial_files() == 0
    assert remove_stale_partial_files(now=time.time() + PARTIAL_MAX_AGE + 1) == 1
    assert os.listdir(folder) == [] and stored(name) == content


@pytest.mark.django_db
def test_a_second_save_of_a_name_keeps_the_first_file_and_leaves_no_temporary_one():
    content = b"the same bytes" * 1000
    name = "images/aa/bb/" + "c" * 40 + ".png"
    assert files.store_once(name, content) is True
    assert files.store_once(name, content) is False
    assert stored(name) == content
    folder = os.path.dirname(default_storage.path(name))
    assert os.listdir(folder) == [os.path.basename(name)]  # no temporary file left


# --- crafted files on which our rewrite and Pillow disagree ----------------------------------


def _mpo(*colours) -> bytes:
    first, *rest = [PILImage.new("RGB", (64, 64), colour) for colour in colours]
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=rest)
    return buffer.getvalue()


def test_a_jpeg_whose_hidden_second_picture_pillow_never_checked_is_refused():
    """An Ultra-HDR marker makes Pillow read an MPO as a one-picture JPEG (so the gate checks one
    64×64 picture); stripping drops the marker, and what would be stored is an MPO whose second
    picture claims 60,000×60,000 pixels. It must be refused, not stored unchecked."""
    mpo = bytearray(_mpo("red", "blue"))
    sof = mpo.find(b"\xff\xc0", mpo.rfind(b"\xff\xd8"))
    struct.pack_into(">HH", mpo, sof + 5, 60000, 60000)
    xmp = b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta hdrgm:Version="1.0"/>'
    crafted = bytes(mpo[:2]) + b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp + bytes(mpo[2:])
    assert validate_image(crafted).frames == 1  # what the gate saw
    with pytest.raises(ImageError) as refused:
        strip_metadata(crafted)
    assert refused.value.message.startswith("The image is too large")


def test_an_avif_whose_xmp_item_points_at_its_size_box_is_refused():
    """An item extent over another box: blanking it would change the picture's own header."""
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b" " * 200 + b"</x:xmpmeta>"
    PILImage.new("RGB", (64, 64), "green").save(buffer, "AVIF", xmp=xmp)
    data = bytearray(buffer.getvalue())
    ispe = data.find(b"ispe")
    xmp_at = data.find(xmp[:20])
    iloc = data.find(b"iloc")
    offset = data.find(xmp_at.to_bytes(4, "big"), iloc)
    data[offset : offset + 4] = (ispe + 8).to_bytes(4, "big")
    length = data.find(len(xmp).to_bytes(4, "big"), offset)
    data[length : length + 4] = (8).to_bytes(4, "big")
    crafted = bytes(data)
    validate_image(crafted)  # the gate passes it
    with pytest.raises(ImageError):
        strip_metadata(crafted)
