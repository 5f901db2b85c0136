"""Image fidelity (issue 19): the original as it came, derivatives without camera metadata,
upright, in every format we take; hostile input refused clearly; every grid and detail <img>
with srcset/sizes/width/height."""

import io
import struct
from html.parser import HTMLParser

import pillow_heif
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageSequence

from bookmarks.imaging import ImageError, validate_image
from images.models import Image
from images.services import import_image, make_derivatives
from tests.images.imagedata import make_gif_bomb, make_picture

pytestmark = pytest.mark.django_db

GPS = 0x8825
ORIENTATION = 0x0112


def jpeg_with_exif(picture=None, *, orientation=1, **options) -> bytes:
    picture = picture or make_picture(0, (640, 480))
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS).update({1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)})
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes(), quality=90, **options)
    return buffer.getvalue()


def saved(user, content, title="Photo") -> Image:
    image = import_image(user=user, content=content, title=title)
    make_derivatives(image.pk)
    image.refresh_from_db()
    return image


def served_files(image: Image) -> list[str]:
    names = [t["name"] for t in image.thumbnails.values()]
    return names + [d["name"] for entries in image.derivatives.values() for d in entries]


def opened(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
        return picture


def test_served_files_carry_no_exif_or_gps_and_the_original_keeps_its_pixels(user):
    content = jpeg_with_exif()
    image = saved(user, content)
    assert set(image.derivatives) >= {"webp"} and len(image.derivatives["webp"]) >= 2
    for name in served_files(image):
        picture = opened(name)
        exif = picture.getexif()
        assert not exif.get_ifd(GPS) and 0x010F not in exif and 0x0110 not in exif, name
        assert "exif" not in picture.info and "xmp" not in picture.info, name
    original = opened(image.image.name)  # its metadata taken out (tests/images/test_metadata)
    assert not original.getexif().get_ifd(GPS) and 0x010F not in original.getexif()
    assert original.tobytes() == PILImage.open(io.BytesIO(content)).tobytes()  # not recompressed


def upright_reference() -> PILImage.Image:
    """80×40: the left quarter red, the rest white, so any turn or flip shows."""
    picture = PILImage.new("RGB", (80, 40), "white")
    picture.paste((220, 0, 0), (0, 0, 20, 20))
    return picture


# What is stored, for each EXIF orientation, so that it shows as upright_reference(): the
# inverse of the turn the orientation asks for (EXIF 2.3, tag 274).
STORED = {
    1: None,
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_90,  # shown turned 90° clockwise
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_270,  # shown turned 90° anticlockwise
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_served_upright(user, orientation):
    upright = upright_reference()
    method = STORED[orientation]
    stored = upright if method is None else upright.transpose(method)
    image = saved(user, jpeg_with_exif(stored, orientation=orientation), f"O{orientation}")
    assert (image.width, image.height) == (80, 40)
    for name in served_files(image):
        picture = opened(name).convert("RGB")
        if "crop" in name:
            continue  # the list thumbnail is cropped to 4:3; the others keep the whole
        assert picture.width > picture.height, name
        w, h = picture.size
        red, green, _ = picture.getpixel((w // 10, h // 5))
        assert red > 150 and green < 90, (name, picture.getpixel((w // 10, h // 5)))
        assert picture.getpixel((w - 3, h - 3))[1] > 200, name  # bottom right is white


def cmyk_jpeg() -> bytes:
    buffer = io.BytesIO()
    make_picture(1, (300, 200)).convert("CMYK").save(buffer, "JPEG")
    return buffer.getvalue()


def png16() -> bytes:
    grey = make_picture(0, (300, 200)).convert("L")
    wide = grey.point(lambda v: v * 256, mode="I").convert("I;16")
    buffer = io.BytesIO()
    wide.save(buffer, "PNG")
    return buffer.getvalue()


def palette_png_with_transparency() -> bytes:
    picture = PILImage.new("P", (120, 80), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    picture.paste(1, (0, 0, 60, 80))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=0)
    return buffer.getvalue()


def progressive_jpeg() -> bytes:
    buffer = io.BytesIO()
    make_picture(2, (400, 300)).save(buffer, "JPEG", progressive=True, quality=85)
    return buffer.getvalue()


def animated(fmt: str) -> bytes:
    frames = [PILImage.new("RGB", (120, 90), colour) for colour in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def heic() -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(make_picture(0, (320, 240))).save(buffer, quality=80)
    return buffer.getvalue()


def avif() -> bytes:
    buffer = io.BytesIO()
    make_picture(1, (320, 240)).save(buffer, "AVIF", quality=70)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "extension"),
    [
        (cmyk_jpeg, "jpg"),
        (png16, "png"),
        (palette_png_with_transparency, "png"),
        (progressive_jpeg, "jpg"),
        (lambda: animated("GIF"), "gif"),
        (lambda: animated("WEBP"), "webp"),
        (heic, "heic"),
        (avif, "avif"),
    ],
    ids=["cmyk", "png16", "palette-alpha", "progressive", "gif-anim", "webp-anim", "heic", "avif"],
)
def test_each_kind_of_picture_is_taken_and_served(user, make, extension):
    content = make()
    image = saved(user, content)
    assert image.image.name.endswith(f".{extension}")
    with image.image.open("rb") as original:
        assert original.read() == content  # the animation, the 16 bits, the HEIC: as they came
    first = opened(image.derivatives["webp"][0]["name"])
    assert first.size[0] > 0 and image.width and image.height and image.colour.startswith("#")
    if extension == "gif":  # the first frame (red), still
        assert first.convert("RGB").getpixel((5, 5))[0] > 200
        assert getattr(first, "n_frames", 1) == 1
        assert len(list(ImageSequence.Iterator(PILImage.open(io.BytesIO(content))))) == 3


def test_cmyk_colours_come_out_right(user):
    picture = PILImage.new("RGB", (200, 100), (200, 30, 30))
    buffer = io.BytesIO()
    picture.convert("CMYK").save(buffer, "JPEG", quality=95)
    image = saved(user, buffer.getvalue())
    red, green, blue = (
        opened(image.derivatives["webp"][0]["name"]).convert("RGB").getpixel((50, 50))
    )
    assert red > 150 and green < 80 and blue < 80


def test_a_palette_png_keeps_its_transparency(user):
    image = saved(user, palette_png_with_transparency())
    served = opened(image.derivatives["webp"][0]["name"]).convert("RGBA")
    assert served.getpixel((served.width - 2, 2))[3] == 0  # transparent stays transparent
    assert served.getpixel((2, 2))[3] == 255


# --- hostile input ---------------------------------------------------------------------------


def ten_thousand_frames() -> bytes:
    return make_gif_bomb(10, 10, 10_000)


def strip() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("L", (1, 100_000), 128).save(buffer, "PNG")
    return buffer.getvalue()


def truncated_heic() -> bytes:
    content = heic()
    return content[: len(content) * 2 // 3]


def malformed_exif_jpeg() -> bytes:
    """A valid JPEG whose APP1 Exif block is nonsense (a TIFF header pointing past its end)."""
    buffer = io.BytesIO()
    make_picture(0, (200, 150)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    payload = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 0xFFFF) + b"\x01\x00garbage"
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (ten_thousand_frames, "too many frames"),
        (lambda: make_gif_bomb(6000, 6000, 10), "too large"),
        (strip, "too long and thin"),
        (truncated_heic, "damaged or incomplete"),
    ],
    ids=["10000-frames", "huge-canvas", "strip", "truncated-heic"],
)
def test_hostile_uploads_are_refused_clearly(auth_client, make, message):
    photo = SimpleUploadedFile("photo.jpg", make())
    response = auth_client.post(reverse("images:create"), {"title": "Bad", "image": photo})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Image.objects.exists()
    with pytest.raises(ImageError):
        validate_image(make())


def test_a_malformed_exif_block_is_shown_correctly(user, client):
    image = saved(user, malformed_exif_jpeg())
    assert (image.width, image.height) == (200, 150)
    assert client.get(image.get_absolute_url()).status_code == 200


# --- every grid and detail <img> -------------------------------------------------------------


class Images(HTMLParser):
    """The <img> inside grid tiles and the detail picture."""

    def __init__(self):
        super().__init__()
        self.depth: list[bool] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in ("li", "div") and ("tile" in classes or "image-main" in classes):
            self.depth.append(True)
        elif tag in ("li", "div"):
            self.depth.append(False)
        if tag == "img" and any(self.depth) and "avatar" not in classes:
            self.found.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("li", "div") and self.depth:
            self.depth.pop()


def grid_and_detail_images(html: str) -> list[dict]:
    parser = Images()
    parser.feed(html)
    return parser.found


def test_every_grid_and_detail_image_has_srcset_sizes_width_and_height(client, user):
    from boards.services import create_board, save_to_board

    images = [saved(user, make_picture_bytes_kind(k), f"Pic {k}") for k in range(3)]
    image_without_derivatives = import_image(user=user, content=jpeg_with_exif(), title="Old")
    images[0].tags.add("sea")
    board = create_board(owner=user, name="Trips")
    client.force_login(user)
    for image in images:
        save_to_board(user=user, image_id=image.pk, board_id=board.pk)
    pages = [
        reverse("images:list"),
        reverse("images:tag", args=["sea"]),
        user.get_absolute_url(),
        board.get_absolute_url(),
        images[0].get_absolute_url(),
    ]
    for url in pages:
        found = grid_and_detail_images(client.get(url).content.decode())
        assert found, url
        for attrs in found:
            if image_without_derivatives.thumbnails["list"]["name"] in attrs["src"]:
                assert attrs.get("width") and attrs.get("height"), (url, attrs)
                continue
            for attribute in ("srcset", "sizes", "width", "height"):
                assert attrs.get(attribute), (url, attribute, attrs)
            assert "ph-" in attrs["class"], (url, attrs)
    first_page = grid_and_detail_images(client.get(reverse("images:list")).content.decode())
    assert "loading" not in first_page[0]  # above the fold


def make_picture_bytes_kind(kind: int) -> bytes:
    buffer = io.BytesIO()
    make_picture(kind, (900, 600 + 100 * kind)).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def test_the_detail_page_costs_the_same_queries_with_or_without_similar_images(
    client, user, other_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    image = saved(user, make_picture_bytes_kind(0), "Alone")
    with CaptureQueriesContext(connection) as alone:
        client.get(image.get_absolute_url())
    for n in range(3):
        import_image(user=other_user if n else user, content=resized(n), title=f"Like {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(image.get_absolute_url()).content.decode()
    assert "Similar images" in page
    assert len(many.captured_queries) == len(alone.captured_queries) + 1  # the candidates'


def resized(n: int) -> bytes:
    buffer = io.BytesIO()
    make_picture(0, (900, 600)).resize((600 - 50 * n, 400 - 33 * n)).save(buffer, "PNG")
    return buffer.getvalue()
