"""Camera and location metadata taken out of an original, without touching its picture.

People upload phone photos, whose EXIF and XMP say where they were taken (GPS), when and
with what. `strip_metadata(content)` returns the bytes we store and serve as the original:
the same file with that metadata removed at the container level, so the picture data is the
very bytes that came (never decoded, never recompressed) and decodes to identical pixels.

- JPEG: the segments before and between the scans are rewritten; the entropy-coded data is
  copied. Dropped: APP1 (Exif, XMP and extended XMP), APP13 (IPTC, Photoshop) and COM. Kept:
  APP0 JFIF, APP2 (ICC profile, MPF), APP14 Adobe and every other segment. An EXIF Orientation
  other than 1 is written back in a minimal Exif segment of its own, so the picture stays
  upright. A JPEG holding more pictures (MPO: phones' depth maps and HDR gain maps, listed
  in its MPF segment) has each of them stripped the same way and the MPF entries rewritten;
  any other bytes after the picture's end (vendor trailers) are not part of it and go.
- PNG: the eXIf, tEXt, zTXt and iTXt chunks go, chunk by chunk (the others, with their CRCs,
  are copied: iCCP, gAMA, sRGB, pHYs, APNG's animation chunks…).
- WebP: the EXIF and "XMP " chunks go, their VP8X flags are cleared and the RIFF size fixed.
- HEIC/HEIF/AVIF: the Exif item is overwritten in place by a minimal TIFF of the same length
  (only the Orientation, if it had one) and the XMP item by spaces, so every box offset stays
  valid; the items are found through the file's own item tables (meta/iinf/iloc).
- GIF and anything else: unchanged.

Nothing here raises but ImageError, for bytes whose metadata we cannot take out: when a
file's structure cannot be followed (a damaged container) and Pillow still finds EXIF or XMP
in it, it is refused with Messages.METADATA rather than stored with its location. Bytes we
cannot follow that carry no metadata are returned unchanged. It parses containers only (no
pixel is decoded), and is called on bytes that passed bookmarks.imaging.validate_image.
"""

import io
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from bookmarks.imaging import ImageError, Messages, validate_image

logger = logging.getLogger(__name__)

ORIENTATION = 0x0112


class _Unparsable(Exception):
    """The container's structure cannot be followed."""


def strip_metadata(content: bytes) -> bytes:
    """`content` without its EXIF, XMP, IPTC and text comments, picture data unchanged (the
    same bytes when there was nothing to take out). Raises ImageError only for a file whose
    structure we cannot follow that still carries metadata."""
    stripper = _stripper_for(content)
    if stripper is None:
        return content
    try:
        stripped = stripper(content)
    except Exception as error:  # a structure we cannot follow: struct.error, IndexError…
        logger.info("Could not follow an image's structure to strip its metadata: %r", error)
    else:
        if stripped != content:
            _check_same_picture(content, stripped)
        return stripped
    if _carries_metadata(content):
        raise ImageError(Messages.METADATA)
    return content


def _check_same_picture(content: bytes, stripped: bytes) -> None:
    """What we store passes the one gate too (bookmarks.imaging.validate_image, in its contained
    child) and is the picture that was checked: the same format, size and number of frames as
    `content` (already validated by the caller; its headers are read here). A crafted file on
    which our rewrite and Pillow disagree (a second MPF index, an item extent over another box)
    is refused rather than stored as something nobody checked."""
    after = validate_image(stripped)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = "JPEG" if image.format == "MPO" else image.format  # as the gate names it
            before = (kind, image.width, image.height, getattr(image, "n_frames", 1))
    except Exception:
        raise ImageError(Messages.METADATA) from None
    if before != (after.format, after.width, after.height, after.frames):
        logger.info("Stripping changed the picture: %r -> %r", before, after)
        raise ImageError(Messages.METADATA)


def _stripper_for(content: bytes) -> Callable[[bytes], bytes] | None:
    if content.startswith(b"\xff\xd8"):
        return _strip_jpeg
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return _strip_png
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return _strip_webp
    if content[4:8] == b"ftyp":
        return _strip_isobmff
    return None


def _carries_metadata(content: bytes) -> bool:
    """Whether Pillow finds EXIF or XMP in `content` (opening it reads the headers only), or
    its bytes name such a block where Pillow would look only after the pixels (a PNG's eXIf
    after its data). When Pillow cannot even say, the answer is yes: we would rather refuse
    a file than keep someone's location."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            found = image.info.get("exif") or image.info.get("xmp")
    except Exception:
        return True
    return bool(found) or any(telltale in content for telltale in _TELLTALES)


_TELLTALES = (b"Exif\x00\x00", b"eXIf", b"<x:xmpmeta", b"http://ns.adobe.com/xap/1.0/")


def _minimal_exif(orientation: int) -> bytes:
    """A TIFF block (without the "Exif\\0\\0" prefix) holding only this Orientation (none
    when it is 1: a valid, empty block)."""
    exif = Image.Exif()
    if orientation != 1:
        exif[ORIENTATION] = orientation
    return exif.tobytes()[6:]


def _orientation(tiff: bytes) -> int:
    """The Orientation in an EXIF block (with or without its prefix); 1 when unreadable."""
    try:
        exif = Image.Exif()
        exif.load(tiff)
        value = exif.get(ORIENTATION, 1)
    except Exception:  # a malformed block: readers ignore it, so do we
        return 1
    return value if isinstance(value, int) and 2 <= value <= 8 else 1


# --- JPEG --------------------------------------------------------------------------------------

_APP1, _APP2, _APP13, _COM, _SOS, _EOI = 0xE1, 0xE2, 0xED, 0xFE, 0xDA, 0xD9
_DROPPED = {_APP1, _APP13, _COM}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length follows
_MPF = b"MPF\x00"


def _strip_jpeg(content: bytes) -> bytes:
    first = _strip_one_jpeg(content)
    if first.end == len(content):
        return content if first.picture == content else first.picture
    try:  # more pictures follow (MPO), or a vendor's trailer
        return _with_mpf_pictures(content, first)
    except Exception as error:
        logger.info("Kept only the first picture of a JPEG (%r)", error)
        return _without_mpf(first)


@dataclass(frozen=True)
class _Jpeg:
    """One JPEG picture stripped (`picture`); where it ended in the bytes it came in; and
    where its MPF header (the TIFF block of its APP2 "MPF" segment) is, in those bytes and in
    the stripped ones (None without one)."""

    picture: bytes
    end: int
    mpf_was: int | None
    mpf: int | None


def _strip_one_jpeg(content: bytes) -> _Jpeg:
    """The JPEG picture at the start of `content`, from SOI to EOI, stripped."""
    if not content.startswith(b"\xff\xd8"):
        raise _Unparsable("no SOI")
    out = bytearray(b"\xff\xd8")
    orientation_at, orientation, mpf, mpf_was = None, 1, None, None
    pos = 2
    while pos < len(content):  # a JPEG may end without EOI: decoders show it, so do we
        pos, marker = _next_marker(content, pos)
        if marker == _EOI:
            out += b"\xff\xd9"
            break
        if marker in _STANDALONE:
            out += bytes((0xFF, marker))
            continue
        (length,) = struct.unpack_from(">H", content, pos)
        if length < 2 or pos + length > len(content):
            raise _Unparsable("segment past the end")
        payload = content[pos + 2 : pos + length]
        if marker in _DROPPED:
            if marker == _APP1 and payload.startswith(b"Exif\x00\x00") and orientation_at is None:
                orientation_at, orientation = len(out), _orientation(payload)
        else:
            if marker == _APP2 and payload.startswith(_MPF) and mpf is None:
                mpf, mpf_was = len(out) + 4 + len(_MPF), pos + 2 + len(_MPF)
            out += content[pos - 2 : pos + length]
        pos += length
        if marker == _SOS:
            scan_end = _entropy_end(content, pos)
            out += content[pos:scan_end]
            pos = scan_end
    if orientation_at is not None and orientation != 1:
        tiff = b"Exif\x00\x00" + _minimal_exif(orientation)
        out[orientation_at:orientation_at] = b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff
        if mpf is not None and mpf > orientation_at:
            mpf += len(tiff) + 4
    return _Jpeg(bytes(out), pos, mpf_was, mpf)


def _next_marker(content: bytes, pos: int) -> tuple[int, int]:
    """The marker at `pos` (after any fill bytes): (position after it, its code)."""
    if content[pos] != 0xFF:
        raise _Unparsable(f"no marker at {pos}")
    while content[pos] == 0xFF:
        pos += 1
    return pos + 1, content[pos]


def _entropy_end(content: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the next 0xFF that begins a marker
    (in the data every 0xFF is followed by 0x00, or is a restart marker), or the end."""
    while True:
        pos = content.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(content):
            return len(content)
        code = content[pos + 1]
        if code == 0x00 or 0xD0 <= code <= 0xD7:
            pos += 2
        elif code == 0xFF:
            pos += 1
        else:
            return pos


def _mpf_entries(block: bytes) -> tuple[str, int, int]:
    """In an MPF TIFF block: its byte order, where its MP entries are, and how many."""
    order = {b"II": "<", b"MM": ">"}[block[:2]]
    (ifd,) = struct.unpack_from(order + "I", block, 4)
    (count,) = struct.unpack_from(order + "H", block, ifd)
    for index in range(count):
        tag, _kind, size, value = struct.unpack_from(order + "HHII", block, ifd + 2 + 12 * index)
        if tag == 0xB002 and size % 16 == 0 and value + size <= len(block):
            return order, value, size // 16
    raise _Unparsable("no MP entries")


def _with_mpf_pictures(content: bytes, first: _Jpeg) -> bytes:
    """The stripped first picture followed by the other pictures its MPF lists, each stripped,
    with the MPF entries' sizes and offsets rewritten for where they now are."""
    if first.mpf is None or first.mpf_was is None:
        return first.picture  # no MPF: what follows the picture is a trailer, not a picture
    order, at, count = _mpf_entries(content[first.mpf_was :])
    out = bytearray(first.picture)
    entries = []
    for index in range(count):
        attributes, _size, offset, dep1, dep2 = struct.unpack_from(
            order + "IIIHH", content, first.mpf_was + at + 16 * index
        )
        if index == 0:
            entries.append((attributes, len(first.picture), 0, dep1, dep2))
            continue
        # Each picture is followed from its offset to its EOI: its size is not trusted (Pillow
        # writes wrong ones past the second picture, and reads by the offsets alone).
        start = first.mpf_was + offset
        if offset == 0 or start >= len(content):
            raise _Unparsable("an MP entry past the end")
        other = _strip_one_jpeg(content[start:])
        entries.append((attributes, len(other.picture), len(out) - first.mpf, dep1, dep2))
        out += other.picture
    for index, entry in enumerate(entries):
        struct.pack_into(order + "IIIHH", out, first.mpf + at + 16 * index, *entry)
    return bytes(out)


def _without_mpf(first: _Jpeg) -> bytes:
    """The first picture alone, its MPF segment dropped (it lists pictures no longer there)."""
    if first.mpf is None:
        return first.picture
    start = first.mpf - len(_MPF) - 4
    (length,) = struct.unpack_from(">H", first.picture, start + 2)
    return first.picture[:start] + first.picture[start + 2 + length :]


# --- PNG ---------------------------------------------------------------------------------------

_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}


def _strip_png(content: bytes) -> bytes:
    out = bytearray(content[:8])
    pos = 8
    while True:
        (length,) = struct.unpack_from(">I", content, pos)
        kind = content[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(content):
            raise _Unparsable("a chunk past the end")
        if kind not in _PNG_DROPPED:
            out += content[pos:end]
        pos = end
        if kind == b"IEND":  # whatever follows is not part of the picture
            return content if len(out) == len(content) else bytes(out)


# --- WebP --------------------------------------------------------------------------------------

_WEBP_DROPPED = {b"EXIF", b"XMP "}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _strip_webp(content: bytes) -> bytes:
    (riff_size,) = struct.unpack_from("<I", content, 4)
    end = min(8 + riff_size, len(content))
    out = bytearray(content[:12])
    pos = 12
    while pos + 8 <= end:
        kind = content[pos : pos + 4]
        (size,) = struct.unpack_from("<I", content, pos + 4)
        chunk_end = pos + 8 + size + (size & 1)
        if pos + 8 + size > end:
            raise _Unparsable("a chunk past the end")
        if kind not in _WEBP_DROPPED:
            chunk = bytearray(content[pos : min(chunk_end, end)])
            if kind == b"VP8X":
                chunk[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
            out += chunk
        pos = chunk_end
    struct.pack_into("<I", out, 4, len(out) - 8)
    return content if out == content else bytes(out)


# --- HEIC / HEIF / AVIF (ISO base media file format) -------------------------------------------


def _strip_isobmff(content: bytes) -> bytes:
    meta = _child_box(content, 0, len(content), b"meta")
    if meta is None:
        raise _Unparsable("no meta box")
    start, end = meta[0] + 4, meta[1]  # meta is a full box: version and flags first
    kinds = _item_kinds(content, _required(_child_box(content, start, end, b"iinf")))
    locations = _item_locations(content, _required(_child_box(content, start, end, b"iloc")))
    idat = _child_box(content, start, end, b"idat")
    out = bytearray(content)
    for item, kind in kinds.items():
        if kind not in ("Exif", "xmp"):
            continue
        pieces = []
        for method, offset, length in locations.get(item, []):
            if method == 1:
                if idat is None:
                    raise _Unparsable("an item in a missing idat box")
                offset += idat[0]
            elif method != 0:
                raise _Unparsable("an item made of other items")
            if length == 0 or offset + length > len(content):  # 0: "to the end of the file"
                raise _Unparsable("an item past the end, or of no stated length")
            pieces.append((offset, length))
        data = b"".join(content[o : o + n] for o, n in pieces)
        _write_pieces(out, pieces, _blanked_exif(data) if kind == "Exif" else b" " * len(data))
    return content if out == content else bytes(out)


def _blanked_exif(data: bytes) -> bytes:
    """An Exif item of the same length holding only its Orientation (if it had one): its
    4-byte offset to the TIFF header, what lies before the header, a minimal TIFF (a valid
    one: libavif refuses an AVIF whose Exif item has no TIFF header), zeros."""
    (skip,) = struct.unpack_from(">I", data, 0)
    head = 4 + skip
    if head > len(data):
        raise _Unparsable("an Exif item's header past its end")
    orientation = _orientation(data[head:])
    tiff = _minimal_exif(orientation)
    if len(tiff) > len(data) - head:
        tiff = _minimal_exif(1)[: len(data) - head]
    return data[:head] + tiff + bytes(len(data) - head - len(tiff))


def _write_pieces(out: bytearray, pieces: list[tuple[int, int]], data: bytes) -> None:
    done = 0
    for offset, length in pieces:
        out[offset : offset + length] = data[done : done + length]
        done += length


def _required(box):
    if box is None:
        raise _Unparsable("a required box is missing")
    return box


def _child_box(content: bytes, start: int, end: int, wanted: bytes) -> tuple[int, int] | None:
    """The first box of type `wanted` between `start` and `end`: (its payload's start, end)."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", content, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", content, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise _Unparsable("a box past its parent's end")
        if kind == wanted:
            return pos + header, pos + size
        pos += size
    return None


def _item_kinds(content: bytes, iinf: tuple[int, int]) -> dict[int, str]:
    """Item id -> "Exif", "xmp" (an XMP packet: mime application/rdf+xml) or its type."""
    start, end = iinf
    version = content[start]
    pos = start + 4 + (2 if version == 0 else 4)
    kinds = {}
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", content, pos)
        if size < 8 or pos + size > end:
            raise _Unparsable("an infe box past its end")
        if kind == b"infe" and content[pos + 8] >= 2:
            body = pos + 12
            if content[pos + 8] == 2:
                (item,) = struct.unpack_from(">H", content, body)
                body += 2
            else:
                (item,) = struct.unpack_from(">I", content, body)
                body += 4
            item_type = content[body + 2 : body + 6]
            name = item_type.decode("latin-1")
            if item_type == b"mime":
                rest = content[body + 6 : pos + size].split(b"\x00")
                content_type = rest[1] if len(rest) > 1 else b""
                if content_type.strip().lower() == b"application/rdf+xml":
                    name = "xmp"
            kinds[item] = name
        pos += size
    return kinds


def _item_locations(content: bytes, iloc: tuple[int, int]) -> dict[int, list]:
    """Item id -> its extents as (construction method, offset, length)."""
    start, _ = iloc
    version = content[start]
    pos = start + 4
    sizes = struct.unpack_from(">H", content, pos)[0]
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_size, index_size = (sizes >> 4) & 15, (sizes & 15) if version in (1, 2) else 0
    pos += 2
    count_format = ">H" if version < 2 else ">I"
    (count,) = struct.unpack_from(count_format, content, pos)
    pos += struct.calcsize(count_format)

    def number(size: int) -> int:
        nonlocal pos
        if size not in (0, 2, 4, 8):
            raise _Unparsable("an iloc field of an odd size")
        value = int.from_bytes(content[pos : pos + size], "big") if size else 0
        pos += size
        return value

    locations: dict[int, list] = {}
    for _ in range(count):
        item = number(2 if version < 2 else 4)
        method = number(2) & 15 if version in (1, 2) else 0
        number(2)  # data reference index: 0, this file
        base = number(base_size)
        extents = []
        for _ in range(number(2)):
            number(index_size)
            offset, length = number(offset_size), number(length_size)
            extents.append((method, base + offset, length))
        locations[item] = extents
    return locations
