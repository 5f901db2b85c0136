"""Thumbnails made once, when a picture enters the site, and remembered on the row.

`render_thumbnails(content, aliases)` draws them from the *first frame* only, in a contained
child process (bookmarks.imaging: memory and time ceiling), and returns their bytes; nothing is
stored yet, so callers make every file before their database transaction. `store_thumbnails`
then writes them next to the stored original and returns what the row keeps in its
`thumbnails` JSON field (name, width, height per alias), so rendering a page costs nothing but
string formatting (`thumbnail_for`).

Output, per alias: scaled down (never up) with Lanczos, "smart" crops trimmed from the edges
with the least detail, EXIF orientation applied; JPEG sources give JPEG, PNG and GIF give PNG
(a GIF's first frame is a still picture: PNG keeps its colours and transparency), WebP gives
WebP. Names follow `<original>.<W>x<H>_q<quality>[_crop-smart].<ext>`.
"""

import io
import math
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, features

from . import imaging
from .storage import save_whole


@dataclass(frozen=True)
class Spec:
    width: int
    height: int  # 0: any height (scale to the width)
    crop: bool
    quality: int

    def suffix(self) -> str:
        crop = "_crop-smart" if self.crop else ""
        return f"{self.width}x{self.height}_q{self.quality}{crop}"


ALIASES: dict[str, Spec] = {
    "list": Spec(400, 300, crop=True, quality=85),
    "detail": Spec(800, 0, crop=False, quality=88),
    "avatar": Spec(96, 96, crop=True, quality=85),
    "avatar_small": Spec(40, 40, crop=True, quality=85),
}

# Source format -> (Pillow format to write, extension). HEIC and AVIF, which not every browser
# shows, give WebP thumbnails.
_OUTPUT = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "GIF": ("PNG", "png")}
_OUTPUT.update({"WEBP": ("WEBP", "webp"), "HEIF": ("WEBP", "webp"), "AVIF": ("WEBP", "webp")})

# The widths every picture is also served at (never wider than it is), as WebP, and AVIF where
# this Pillow writes it: `srcset` lets the browser take the smallest that fills its box.
DERIVATIVE_WIDTHS = (320, 640, 1024, 1600)
DERIVATIVE_FORMATS = ("avif", "webp") if features.check("avif") else ("webp",)
_DERIVATIVE_QUALITY = {"webp": 80, "avif": 60}
_SMART_CROP_STEP = 10  # pixels trimmed per comparison


@dataclass(frozen=True)
class Rendered:
    """One thumbnail, drawn but not stored."""

    content: bytes
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """Everything drawn from a picture's first frame in one contained child: its thumbnails,
    its derivatives (format -> [(width, Rendered)]), its upright size, its perceptual hash
    (dHash, 64 bits, signed to fit a BigInteger) and its dominant colour ("#rrggbb")."""

    thumbnails: dict[str, Rendered]
    derivatives: dict[str, list[Rendered]]
    width: int
    height: int
    phash: int
    colour: str


def render_thumbnails(content: bytes, alias_names) -> dict[str, Rendered]:
    """Draw the thumbnails of `alias_names` from the first frame of `content`, in a contained
    child process. Raises ImageError (with a reason) when the image is refused or the work
    passes the ceiling; KeyError for an unknown alias."""
    specs = {alias: ALIASES[alias] for alias in alias_names}
    limits = imaging.Limits.from_settings()
    return imaging.run_contained(lambda: _render(content, specs, limits), limits=limits)


def render_picture(content: bytes, alias_names, *, derivatives: bool = False) -> Picture:
    """Thumbnails, hash and colour (and with `derivatives`, the derivatives) of `content`,
    drawn in one contained child (see render_thumbnails for the errors). Derivatives carry no
    EXIF, GPS or XMP: Pillow
    writes only what it is given, and it is given the pixels and the colour profile."""
    specs = {alias: ALIASES[alias] for alias in alias_names}
    limits = imaging.Limits.from_settings()
    if derivatives:  # several encodes of a large picture: a background job's longer ceiling
        limits = replace(limits, seconds=max(limits.seconds, settings.IMAGE_DERIVATIVE_SECONDS))
    return imaging.run_contained(
        lambda: _render_picture(content, specs, limits, derivatives), limits=limits
    )


@dataclass(frozen=True)
class DerivedFiles:
    """What a row keeps of the files drawn from its original."""

    thumbnails: dict[str, dict]
    derivatives: dict[str, list[dict]]


def store_thumbnails(
    source_name: str, rendered: dict[str, Rendered], *, shared: bool = False
) -> dict[str, dict]:
    """Write rendered thumbnails beside `source_name`; all of them or none (the ones written
    before a failure are removed). Returns the JSON the row keeps. `shared`: the source's name
    is made from its bytes (images.files), so a thumbnail already there is this one: kept, and
    never removed here (another row shows it)."""
    made: dict[str, dict] = {}
    written: dict[str, dict] = {}
    try:
        for alias, thumb in rendered.items():
            name = f"{source_name}.{ALIASES[alias].suffix()}.{thumb.extension}"
            if shared:  # whole or absent, even if this worker is killed mid-write
                if save_whole(name, thumb.content):
                    written[alias] = {"name": name}
            else:
                name = default_storage.save(name, ContentFile(thumb.content))
                written[alias] = {"name": name}
            made[alias] = {"name": name, "width": thumb.width, "height": thumb.height}
    except BaseException:
        delete_thumbnails(written)
        raise
    return made


def make_thumbnails(fieldfile, alias_names) -> dict[str, dict]:
    """Render and store the thumbnails of an already stored file (demo data, tests)."""
    with fieldfile.open("rb") as source:
        content = source.read()
    return store_thumbnails(fieldfile.name, render_thumbnails(content, alias_names))


def delete_thumbnails(thumbnails: dict) -> None:
    for info in thumbnails.values():
        name = info.get("name")
        if name and default_storage.exists(name):
            default_storage.delete(name)


class Thumbnail:
    """What a template needs to draw one thumbnail: url, width, height."""

    def __init__(self, url: str, width: int | None, height: int | None):
        self.url, self.width, self.height = url, width, height

    def __bool__(self):
        return bool(self.url)


def thumbnail_for(thumbnails: dict, alias: str, fieldfile) -> Thumbnail:
    info = (thumbnails or {}).get(alias)
    if info:
        return Thumbnail(default_storage.url(info["name"]), info["width"], info["height"])
    if fieldfile:
        # No thumbnail recorded (e.g. imported data): show the original, never generate here.
        return Thumbnail(fieldfile.url, None, None)
    return Thumbnail("", None, None)


# --- in the child ------------------------------------------------------------------------------


def _render(content: bytes, specs: dict[str, Spec], limits: imaging.Limits) -> dict[str, Rendered]:
    with imaging.pillow_verdicts(limits):
        image, info = imaging.open_checked(content, limits)
        with image:
            _reduce_while_decoding(image, specs.values())
            frame = _upright_first_frame(image)
            output, extension = _OUTPUT[info.format]
            return {
                alias: _encode(_fit(frame, spec), spec, output, extension)
                for alias, spec in specs.items()
            }


def _render_picture(
    content: bytes, specs: dict[str, Spec], limits: imaging.Limits, derivatives: bool
) -> Picture:
    with imaging.pillow_verdicts(limits):
        image, info = imaging.open_checked(content, limits)
        with image:
            icc = image.info.get("icc_profile")
            width, height = _upright_size(image)  # before a JPEG's draft shrinks it
            if derivatives:
                widest = Spec(min(DERIVATIVE_WIDTHS[-1], width), 0, False, 80)
                _reduce_while_decoding(image, [*specs.values(), widest])
            else:
                _reduce_while_decoding(image, specs.values())
            frame = _upright_first_frame(image)
            output, extension = _OUTPUT[info.format]
            thumbnails = {
                alias: _encode(_fit(frame, spec), spec, output, extension)
                for alias, spec in specs.items()
            }
            made: dict[str, list[Rendered]] = {}
            if derivatives:
                widths = [w for w in DERIVATIVE_WIDTHS if w < frame.width]
                if frame.width <= DERIVATIVE_WIDTHS[-1]:
                    widths.append(frame.width)
                for fmt in DERIVATIVE_FORMATS:
                    made[fmt] = [_derivative(frame, w, width, fmt, icc) for w in widths]
            return Picture(thumbnails, made, width, height, dhash(frame), _dominant(frame))


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size as it is shown: turned a quarter when its EXIF orientation says so."""
    width, height = image.size
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # a malformed EXIF block: shown as stored
        orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _upright_first_frame(image: Image.Image) -> Image.Image:
    image.load()  # the first frame, and only it
    frame = image
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # a malformed EXIF block: the pixels are fine, shown as stored
        orientation = 1
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        method = {
            2: Image.Transpose.FLIP_LEFT_RIGHT,
            3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270,
            7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90,
        }[orientation]
        frame = image.transpose(method)
    if "transparency" in frame.info or (frame.mode == "P" and "transparency" in image.info):
        frame = frame.convert("RGBA")
    elif frame.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: scale, not clip
        frame = frame.point(lambda v: v / 256).convert("L")
    elif frame.mode not in ("L", "LA", "RGB", "RGBA"):
        frame = frame.convert("RGBA" if "A" in frame.mode else "RGB")
    return frame


def _derivative(frame: Image.Image, width: int, full: int, fmt: str, icc) -> Rendered:
    height = max(1, round(frame.height * width / frame.width))
    picture = (
        frame
        if width == frame.width
        else frame.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    )
    buffer = io.BytesIO()
    options: dict = {"quality": _DERIVATIVE_QUALITY[fmt]}
    if fmt == "avif":
        options["speed"] = 9  # AVIF's encoder is slow; 9 of 10 costs little size
    if icc:
        options["icc_profile"] = icc
    picture.save(buffer, fmt.upper(), **options)
    return Rendered(buffer.getvalue(), fmt, picture.width, picture.height)


def dhash(frame: Image.Image) -> int:
    """A 64-bit difference hash: the picture in grey at 9×8, one bit per neighbour pair (is
    the left one brighter). Resizing or re-encoding moves few bits; another picture about half.
    Returned signed (-2**63 ≤ h < 2**63), as a 64-bit database integer holds it."""
    grey = frame
    if grey.mode in ("RGBA", "LA"):
        backdrop = Image.new("RGBA", grey.size, (255, 255, 255, 255))
        grey = Image.alpha_composite(backdrop, grey.convert("RGBA"))
    # Area averages (BOX) straight to 9×8: the steadiest under resizing and re-encoding.
    small = grey.convert("L").resize((9, 8), Image.Resampling.BOX)
    pixels = list(small.get_flattened_data())
    value = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            value = (value << 1) | (1 if left > right else 0)
    return value - (1 << 64) if value >= 1 << 63 else value


def _dominant(frame: Image.Image) -> str:
    """The most common of a few representative colours (the loading placeholder)."""
    small = frame.convert("RGB").resize((32, 32), Image.Resampling.BOX)
    quantised = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or [128, 128, 128]
    count, index = max(quantised.getcolors() or [(1, 0)])
    red, green, blue = palette[index * 3 : index * 3 + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def _scale(size: tuple[int, int], spec: Spec) -> float:
    width, height = size
    scale = max(spec.width / width, spec.height / height) if spec.crop else spec.width / width
    return min(scale, 1.0)  # never upscale


def _reduce_while_decoding(image: Image.Image, specs) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when every thumbnail is still that small."""
    if image.format not in ("JPEG", "MPO"):
        return
    width, height = _upright_size(image)
    turned = (width, height) != image.size  # turned a quarter: the thumbnails' sides swap
    needed = [0, 0]
    for spec in specs:
        scale = _scale((width, height), spec)
        needed[0] = max(needed[0], math.ceil(width * scale))
        needed[1] = max(needed[1], math.ceil(height * scale))
    if turned:
        needed.reverse()
    image.draft(image.mode, (needed[0], needed[1]))


def _fit(frame: Image.Image, spec: Spec) -> Image.Image:
    scale = _scale(frame.size, spec)
    width = max(1, round(frame.width * scale))
    height = max(1, round(frame.height * scale))
    thumb = frame.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if spec.crop:
        thumb = _smart_crop(thumb, min(spec.width, width), min(spec.height, height))
    return thumb


def _smart_crop(image: Image.Image, width: int, height: int) -> Image.Image:
    """Crop to width×height by trimming, step by step, whichever opposite edge strip carries
    less detail (lower entropy): faces and subjects stay, plain backgrounds go."""
    left, top, right, bottom = 0, 0, image.width, image.height
    while right - left > width:
        step = min(_SMART_CROP_STEP, right - left - width)
        first = image.crop((left, top, left + step, bottom)).entropy()
        last = image.crop((right - step, top, right, bottom)).entropy()
        if first < last:
            left += step
        else:
            right -= step
    while bottom - top > height:
        step = min(_SMART_CROP_STEP, bottom - top - height)
        first = image.crop((left, top, right, top + step)).entropy()
        last = image.crop((left, bottom - step, right, bottom)).entropy()
        if first < last:
            top += step
        else:
            bottom -= step
    return image.crop((left, top, right, bottom))


def _encode(thumb: Image.Image, spec: Spec, output: str, extension: str) -> Rendered:
    buffer = io.BytesIO()
    if output == "JPEG":
        if thumb.mode not in ("L", "RGB"):
            thumb = thumb.convert("RGB")
        progressive = max(thumb.size) >= 100
        thumb.save(buffer, "JPEG", quality=spec.quality, optimize=True, progressive=progressive)
    elif output == "WEBP":
        thumb.save(buffer, "WEBP", quality=spec.quality)
    else:
        thumb.save(buffer, "PNG", optimize=True)
    return Rendered(buffer.getvalue(), extension, thumb.width, thumb.height)


def delete_pictures(pictures: list[tuple[str, dict]]) -> None:
    """Remove stored pictures for good: each (file name, thumbnails as recorded on its row)
    loses its file and those thumbnails. The caller makes sure no row still shows the file."""
    names = [name for name, _ in pictures if name]
    doomed = {info.get("name") for _, thumbs in pictures for info in (thumbs or {}).values()}
    for name in sorted(filter(None, doomed)) + names:
        default_storage.delete(name)  # a file already gone is no error
