"""Real image bytes for tests, made with Pillow (or, for the bomb, by the PNG spec)."""

import functools
import io
import struct
import zlib

from PIL import Image

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
