"""The one gate for every image that enters the site (fetched, uploaded, profile photo).

`validate_image(content)` says whether bytes are a whole JPEG, PNG, GIF, WebP, HEIC or AVIF
within our
caps, and returns what it found (`ImageInfo`: the real format, the extension that goes with
it, size, frame count); otherwise it raises `ImageError` with a reason a person can read.

Caps (settings, read at call time): bytes (`IMAGE_MAX_BYTES`, or the caller's own), pixels per
frame (`IMAGE_MAX_PIXELS`, also Pillow's global `MAX_IMAGE_PIXELS`, its bomb warning made an
error), frames (`IMAGE_MAX_FRAMES`) and frames × pixels (`IMAGE_MAX_TOTAL_PIXELS`: what a full
decode produces; at most 4 bytes a pixel, so it also caps the decoded bytes). Size and frame
count come from the headers, before any pixel is decoded.

Decoding is the dangerous part, so it never runs in the web worker: `run_contained(work)` forks
a child that sets its own address-space limit (`IMAGE_WORK_MEMORY_MB` above what it inherited)
and CPU limit, and the parent kills it at `IMAGE_WORK_SECONDS` of wall-clock time. The child
sends back plain data (an `ImageInfo`, thumbnail bytes) through a pipe; nothing it does can
take the worker's memory or time. bookmarks.thumbnails renders thumbnails the same way.
"""

import contextlib
import io
import os
import pickle
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pillow_heif
from django.conf import settings
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from PIL import (
    AvifImagePlugin,
    GifImagePlugin,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

# Imported here, in the parent, so a forked child never has to import anything. HEIC/HEIF
# (phones' default) comes from pillow-heif; AVIF is Pillow's own.
pillow_heif.register_heif_opener()
_PLUGINS = (AvifImagePlugin, GifImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin)

# Pillow's format name -> file extension. Only these are accepted.
EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "HEIF": "heic",
    "AVIF": "avif",
}
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "HEIF": "image/heic",
    "AVIF": "image/avif",
}
# Pillow's JPEG opener calls a JPEG that carries extra pictures (many phone cameras write
# them) "MPO"; it is a JPEG to everyone else.
_FORMAT_ALIASES = {"MPO": "JPEG"}
PILLOW_FORMATS = tuple(EXTENSIONS)

T = TypeVar("T")


class Messages:
    """Every reason an image is refused, worded for the person who sent it (in their language:
    translated when the refusal is made, as `%(name)s` placeholders are filled in)."""

    EMPTY = gettext_lazy("The file is empty")
    TOO_BIG = gettext_lazy("The file is larger than %(limit)s")
    UNSUPPORTED = gettext_lazy("That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image")
    DAMAGED = gettext_lazy("The image is damaged or incomplete")
    TOO_MANY_PIXELS = gettext_lazy("The image is too large (%(width)s×%(height)s pixels)")
    TOO_NARROW = gettext_lazy(
        "The image is too long and thin (%(width)s×%(height)s pixels; one side may be at most "
        "%(limit)s times the other)"
    )
    TOO_MANY_PIXELS_FOR_PILLOW = gettext_lazy("The image is too large (over %(limit)s pixels)")
    TOO_MANY_FRAMES = gettext_lazy(
        "The animation has too many frames (%(frames)s; at most %(limit)s)"
    )
    TOO_MUCH_ANIMATION = gettext_lazy(
        "The animation is too large (%(frames)s frames of %(width)s×%(height)s pixels; "
        "at most %(limit)s pixels in all)"
    )
    TOO_MUCH_MEMORY = gettext_lazy("The image needs too much memory to process")
    TOO_SLOW = gettext_lazy("The image took too long to process")
    FAILED = gettext_lazy("The image could not be processed")
    METADATA = gettext_lazy(
        "The image’s camera and location details could not be removed (its file is damaged), "
        "so it was not saved"
    )


class ImageError(Exception):
    """The bytes are not an image we take; `message` says why, for the person who sent them."""

    def __init__(self, message: "str | Promise"):
        message = str(message)  # a lazy Messages text, translated now (and picklable)
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name: "JPEG" | "PNG" | "GIF" | "WEBP"
    extension: str  # from the real format, never from a file name or URL
    width: int
    height: int
    frames: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_frames: int
    max_total_pixels: int
    max_aspect: int
    memory_bytes: int
    seconds: float

    @classmethod
    def from_settings(cls, *, max_bytes: int | None = None) -> "Limits":
        return cls(
            max_bytes=max_bytes if max_bytes is not None else settings.IMAGE_MAX_BYTES,
            max_pixels=settings.IMAGE_MAX_PIXELS,
            max_frames=settings.IMAGE_MAX_FRAMES,
            max_total_pixels=settings.IMAGE_MAX_TOTAL_PIXELS,
            max_aspect=settings.IMAGE_MAX_ASPECT,
            memory_bytes=settings.IMAGE_WORK_MEMORY_MB * 1024 * 1024,
            seconds=settings.IMAGE_WORK_SECONDS,
        )


def configure_pillow(max_pixels: int) -> None:
    """Pillow's own bomb guard at our cap, its warning an error (for any Pillow use here)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


configure_pillow(settings.IMAGE_MAX_PIXELS)


def validate_image(content: bytes, *, max_bytes: int | None = None) -> ImageInfo:
    """Return what `content` is if it is a whole JPEG, PNG, GIF, WebP, HEIC or AVIF within the
    caps (every
    frame decoded, in a contained child process); else raise ImageError."""
    limits = Limits.from_settings(max_bytes=max_bytes)
    check_size(len(content), limits)
    return run_contained(lambda: _decode_all(content, limits), limits=limits)


def check_size(size: int, limits: Limits | None = None) -> None:
    """Refuse on the byte count alone (before reading an upload)."""
    limits = limits or Limits.from_settings()
    if size == 0:
        raise ImageError(Messages.EMPTY)
    if size > limits.max_bytes:
        raise ImageError(Messages.TOO_BIG % {"limit": describe_bytes(limits.max_bytes)})


def describe_bytes(count: int) -> str:
    megabytes = count / (1024 * 1024)
    if megabytes >= 1:
        return _("%(megabytes)s MB") % {"megabytes": formats.number_format(f"{megabytes:g}")}
    return ngettext("%(count)s byte", "%(count)s bytes", count) % {"count": count}


def _grouped(number: int) -> str:
    """40,000,000 in English, 40.000.000 in German: the page's digit grouping."""
    return formats.number_format(number, force_grouping=True)


# --- in the child ------------------------------------------------------------------------------


def open_checked(content: bytes, limits: Limits) -> tuple[Image.Image, ImageInfo]:
    """Open `content` (headers only) and check format, pixels, frames and frames × pixels.
    Call inside `pillow_verdicts`. The caller closes the image."""
    image = Image.open(io.BytesIO(content), formats=PILLOW_FORMATS)
    try:
        width, height = image.size
        if width * height > limits.max_pixels:
            raise ImageError(Messages.TOO_MANY_PIXELS % {"width": width, "height": height})
        if max(width, height) > limits.max_aspect * max(1, min(width, height)):
            raise ImageError(
                Messages.TOO_NARROW % {"width": width, "height": height, "limit": limits.max_aspect}
            )
        # GIF counts its frames by skipping their data; PNG and WebP read it from a header.
        frames = getattr(image, "n_frames", 1)
        if frames > limits.max_frames:
            limit = limits.max_frames
            raise ImageError(Messages.TOO_MANY_FRAMES % {"frames": frames, "limit": limit})
        if frames * width * height > limits.max_total_pixels:
            raise ImageError(
                Messages.TOO_MUCH_ANIMATION
                % {
                    "frames": frames,
                    "width": width,
                    "height": height,
                    "limit": _grouped(limits.max_total_pixels),
                }
            )
    except BaseException:
        image.close()
        raise
    image_format = _FORMAT_ALIASES.get(image.format, image.format)
    info = ImageInfo(image_format, EXTENSIONS[image_format], width, height, frames)
    return image, info


def _decode_all(content: bytes, limits: Limits) -> ImageInfo:
    with pillow_verdicts(limits):
        image, info = open_checked(content, limits)
        with image:
            image.verify()  # structure and PNG checksums; decodes no pixels
        # verify() leaves the image unusable: decode every frame of a fresh copy, which
        # catches truncated or corrupt picture data anywhere in the file.
        with Image.open(io.BytesIO(content), formats=PILLOW_FORMATS) as image:
            for frame in range(info.frames):
                image.seek(frame)
                image.load()
    return info


class pillow_verdicts:
    """Turn Pillow's exceptions into our reasons (a context manager)."""

    def __init__(self, limits: Limits):
        self.limits = limits

    def __enter__(self):
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)

    def __exit__(self, kind, error, traceback):
        self._warnings.__exit__(kind, error, traceback)
        if error is None or isinstance(error, ImageError):
            return False
        if isinstance(error, Image.UnidentifiedImageError):
            raise ImageError(Messages.UNSUPPORTED) from error
        if isinstance(error, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            # Pillow's own guard (configure_pillow) fires while opening, above
            # MAX_IMAGE_PIXELS, before we see the size.
            limit = _grouped(min(self.limits.max_pixels, Image.MAX_IMAGE_PIXELS or 2**63))
            raise ImageError(Messages.TOO_MANY_PIXELS_FOR_PILLOW % {"limit": limit}) from error
        if isinstance(error, MemoryError):
            raise ImageError(Messages.TOO_MUCH_MEMORY) from error
        if isinstance(error, Exception):
            # Pillow reports damaged data as OSError, SyntaxError, ValueError, EOFError,
            # struct.error… depending on the format and on where the damage is.
            raise ImageError(Messages.DAMAGED) from error
        return False


# --- the contained child -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkStats:
    """What the last contained piece of work cost (for tests, benchmarks and logs)."""

    seconds: float
    peak_memory: int  # bytes the child's resident memory grew above what it inherited
    fork_seconds: float


last_stats: WorkStats | None = None  # of this process's last contained call


def run_contained(work: Callable[[], T], *, limits: Limits | None = None) -> T:
    """Run `work` in a forked child under a memory and time ceiling and return its result (a
    picklable value). ImageError raised by `work` comes back as itself; running out of memory
    or time, or the child dying, becomes an ImageError too."""
    global last_stats
    limits = limits or Limits.from_settings()
    started = time.monotonic()
    deadline = started + limits.seconds
    # The page's catalogue, loaded here if it is not yet, so the child translates its refusals
    # from memory it inherited (loading it there would count against its ceiling, every time).
    str(Messages.FAILED)
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:  # no memory or process slot for a child just now
        os.close(read_end)
        os.close(write_end)
        raise ImageError(Messages.FAILED) from error
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, write_end, limits)
    forked = time.monotonic()
    os.close(write_end)
    try:
        payload, late = _read_until(read_end, deadline)
    finally:
        os.close(read_end)
    exited_cleanly = _reap(pid, kill=late)
    if payload is None or not exited_cleanly:
        last_stats = WorkStats(time.monotonic() - started, 0, forked - started)
        raise ImageError(Messages.TOO_SLOW if late else Messages.FAILED)
    outcome, value, peak = pickle.loads(payload)  # whole: the child exited with status 0
    last_stats = WorkStats(time.monotonic() - started, peak, forked - started)
    if outcome == "ok":
        return value
    raise ImageError(value)


def _child(work: Callable[[], object], write_end: int, limits: Limits) -> None:
    code = 0
    try:
        start_rss = _resident_bytes()
        address_space = _address_space_bytes() + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        cpu = int(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            outcome, value = "ok", work()
        except ImageError as error:
            outcome, value = "refused", error.message
        except MemoryError:
            outcome, value = "refused", str(Messages.TOO_MUCH_MEMORY)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start_rss
        payload = pickle.dumps((outcome, value, max(peak, 0)))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no Django, no test runner in the child


def _read_until(fd: int, deadline: float) -> tuple[bytes | None, bool]:
    """All the child wrote (None if nothing whole: it died, or the deadline passed first) and
    whether the deadline passed."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        ready = select.select([fd], [], [], left)[0] if left > 0 else []
        if not ready:
            return None, True
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks) or None, False
        chunks.append(chunk)


def _reap(pid: int, *, kill: bool) -> bool:
    """Wait for the child, killing it first when it is late; whether it exited with 0."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped by someone else: its exit status is unknown
        return not kill
    return os.waitstatus_to_exitcode(status) == 0


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
