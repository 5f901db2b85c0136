"""Real image bytes for tests, made with Pillow (or, for the bomb, by the PNG spec)."""

import functools
import io
import struct
import zlib

from PIL import Image, ImageFilter

DEFAULT_COLOR = (200, 60, 40)


def make_image(size=(300, 200), color=DEFAULT_COLOR) -> Image.Image:
    return Image.new("RGB", size, color)


def make_image_bytes(fmt="PNG", size=(300, 200), color=DEFAULT_COLOR) -> bytes:
    """A single-colour picture encoded as `fmt` (a Pillow format name: JPEG, PNG, GIF, WEBP…)."""
    buffer = io.BytesIO()
    make_image(size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def make_noisy_jpeg(size=(300, 200)) -> bytes:
    """A JPEG whose bytes are mostly picture data, not headers (noise does not compress)."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def make_picture(kind: int = 0, size=(640, 480)) -> Image.Image:
    """A picture with structure (a Mandelbrot view; `kind` picks which), so perceptual hashes
    of different kinds differ as photos' do."""
    views = [(-2.0, -1.2, 0.8, 1.2), (-0.8, 0.0, -0.6, 0.2), (0.25, -0.1, 0.45, 0.1)]
    grey = Image.effect_mandelbrot(size, views[kind % len(views)], 60 + 20 * kind)
    picture = Image.merge("RGB", (grey, grey.point(lambda v: 255 - v), grey.rotate(180)))
    return picture.filter(ImageFilter.GaussianBlur(max(size) / 80))  # soft, as photos are


def make_picture_bytes(kind: int = 0, size=(640, 480), fmt="JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    make_picture(kind, size).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def make_truncated_jpeg(size=(300, 200), keep=0.6) -> bytes:
    """A JPEG cut off part-way through its picture data: the header still reads, decoding fails."""
    data = make_noisy_jpeg(size)
    return data[: int(len(data) * keep)]


@functools.cache
def make_png_bomb(width=20_000, height=20_000) -> bytes:
    """A valid 1-bit, single-colour PNG of `width`×`height` pixels that is small on disk.

    Pillow would need width×height bytes of memory to build it, so it is written by the
    PNG spec instead: every row is the same (filter byte + zero bits), and zlib squeezes
    20 000 such rows into a few dozen kilobytes.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def make_gif_bomb(width=2000, height=2000, frames=10) -> bytes:
    """An animated GIF whose canvas is `width`×`height` but whose frames are 1×1 patches: a
    few hundred bytes that decode to frames × width × height pixels (4000×4000×10 is the
    269-byte GIF of the security review). Written by the GIF spec, not by Pillow."""
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # 2-colour global table
    out += b"\x00\x00\x00\xff\xff\xff"
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for n in range(frames):
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 0.1 s a frame
        out += b"\x2c" + struct.pack("<HHHHB", n % width, 0, 1, 1, 0)
        out += b"\x02\x02\x44\x01\x00"  # LZW: clear, pixel 0, end
    out += b"\x3b"
    return bytes(out)


def make_animated_gif(size=(120, 90), colors=((220, 30, 30), (30, 30, 220))) -> bytes:
    """A real animated GIF, one frame per colour (Pillow's own encoder)."""
    frames = [Image.new("RGB", size, color) for color in colors]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


class PeakMemory:
    """The growth of this process's peak resident memory over a block (Linux: VmHWM, reset
    through /proc/self/clear_refs), in bytes. Pillow's pixel buffers are not seen by
    tracemalloc; the kernel sees everything."""

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        self.start = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.grown = (_status_kb("VmHWM") - self.start) * 1024
        return False


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)
