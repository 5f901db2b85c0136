"""What makes two saves the same picture, in one place: the normalised address, the SHA-256 of
the bytes, the 64-bit perceptual hash (dHash, drawn in bookmarks.thumbnails' contained child),
and the look-ups over them.

- `normalise_url(url)`: the key two addresses of one image share. Scheme and host lower-cased,
  `http` taken as `https` (the same file, served both ways), default port, fragment, empty
  query and a trailing slash dropped, tracking parameters (`utm_*`, `fbclid`, `gclid`,
  `mc_eid`…) removed; every other parameter kept, in its order, as written. It is a key, never
  fetched.
- `find_duplicate(user, ...)`: the person's own image with this address or these bytes
  (`Same`), else one that looks the same (`Similar`, Hamming distance ≤ 6).
- `similar_images(image, viewer)`: up to 8 images the viewer may see within distance 10,
  found by multi-index hashing (see `hash_keys`), never by reading every row.

Importers call `fingerprint(content)` for the SHA-256 and the images' services for the rest.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from django.db import connection
from django.db.models import Q

from .models import Image, ImageHashKey, Status

SAME_DISTANCE = 6  # "This looks like an image you saved"
SIMILAR_DISTANCE = 10  # "Similar images" on the image page
SIMILAR_SHOWN = 8

# Parameters that say who sent a person, never what the picture is.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_eid",
        "mc_cid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "ref_src",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": "80", "https": "443"}


def normalise_url(url: str) -> str:
    """The address's key for finding duplicates ('' for ''); see the module's docstring."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a number: keep the address as it is
        port = None
    netloc = host
    if port is not None and str(port) not in (DEFAULT_PORTS.get(parts.scheme.lower()), None):
        netloc = f"{host}:{port}"
    if parts.username is not None:
        user = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{user}@{netloc}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = "&".join(piece for piece in parts.query.split("&") if piece and not _is_tracking(piece))
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracking(piece: str) -> bool:
    name = unquote_plus(piece.split("=", 1)[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def fingerprint(content: bytes) -> str:
    """The SHA-256 of the bytes as they came (hex)."""
    return hashlib.sha256(content).hexdigest()


def distance(a: int, b: int) -> int:
    """Hamming distance of two 64-bit hashes (signed or not)."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


# --- multi-index hashing --------------------------------------------------------------------
# The 64-bit hash is cut into 4 bands of 16 bits. Two hashes within distance 10 differ in at
# most 2 bits in at least one band (pigeonhole: 4 bands × 3 bits would be 12). Each image keeps
# 4 keys (band × 65,536 + the band's value) in the indexed ImageHashKey table; a look-up asks
# for every value within 2 bits of each of the query's bands (4 × 137 keys, one indexed IN),
# then checks the few candidates' real distance in Python. At 100k images a key holds ~1.5
# rows, so a look-up reads a few hundred rows instead of 100k.

BANDS = 4
BAND_BITS = 16
KEY_CANDIDATES = 200
BAND_RADIUS = 2  # enough for SIMILAR_DISTANCE: (BAND_RADIUS + 1) * BANDS > 10


def _bands(phash: int) -> list[int]:
    value = phash & 0xFFFF_FFFF_FFFF_FFFF
    mask = (1 << BAND_BITS) - 1
    return [(value >> (band * BAND_BITS)) & mask for band in range(BANDS)]


def hash_keys(phash: int) -> list[int]:
    """The keys an image with this hash is filed under (one per band)."""
    return [band << BAND_BITS | value for band, value in enumerate(_bands(phash))]


_FLIPS = [
    sum(1 << bit for bit in bits)
    for radius in range(BAND_RADIUS + 1)
    for bits in combinations(range(BAND_BITS), radius)
]


def probe_keys(phash: int) -> list[int]:
    """Every key an image within SIMILAR_DISTANCE of `phash` is filed under at least once."""
    return [
        band << BAND_BITS | (value ^ flip)
        for band, value in enumerate(_bands(phash))
        for flip in _FLIPS
    ]


def file_hash(image: Image) -> None:
    """(Re)file `image` under its hash's keys (none when it has no hash)."""
    ImageHashKey.objects.filter(image=image).delete()
    if image.phash is not None:
        ImageHashKey.objects.bulk_create(
            ImageHashKey(image=image, key=key, phash=image.phash) for key in hash_keys(image.phash)
        )


def _candidates(phash: int, exclude: int) -> Iterable[tuple[int, int]]:
    """(image id, hash) of every image filed under one of `phash`'s probe keys. On PostgreSQL
    the 548 keys are probed one by one in the index: as `key = ANY(...)` or a join the planner
    may read the whole table. A key holding more than KEY_CANDIDATES images (a flood of one
    picture) gives only that many of them."""
    keys = probe_keys(phash)
    if connection.vendor != "postgresql":
        rows = ImageHashKey.objects.filter(key__in=keys).exclude(image_id=exclude)
        return rows.values_list("image_id", "phash")
    table = ImageHashKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # LATERAL … LIMIT: one index probe per key, whatever the planner thinks of the
            # table's size (a hash join read all of it: 230 ms at 20k images, 15 ms probing).
            f"SELECT h.image_id, h.phash FROM unnest(%s::integer[]) AS k(key) "
            f"CROSS JOIN LATERAL (SELECT image_id, phash FROM {table} "
            f"WHERE key = k.key LIMIT {KEY_CANDIDATES}) h WHERE h.image_id <> %s",
            [keys, exclude],
        )
        return cursor.fetchall()


def _near(phash: int, radius: int, candidates: Iterable[tuple[int, int]]) -> list[int]:
    """Ids of (id, hash) candidates within `radius`, nearest first (then newest)."""
    scored = {pk: distance(phash, other) for pk, other in candidates}
    return sorted((pk for pk, d in scored.items() if d <= radius), key=lambda pk: (scored[pk], -pk))


def similar_images(image: Image, *, viewer, limit: int = SIMILAR_SHOWN) -> list[Image]:
    """Up to `limit` images `viewer` may see within SIMILAR_DISTANCE of `image`'s hash, nearest
    first, with their owners. Two queries whatever the number of images."""
    if image.phash is None:
        return []
    ids = _near(image.phash, SIMILAR_DISTANCE, _candidates(image.phash, image.pk))[: limit * 4]
    if not ids:
        return []
    found = {
        i.pk: i
        for i in Image.objects.visible_to(viewer)
        .filter(pk__in=ids)
        .only(
            "id",
            "slug",
            "title",
            "alt_text",
            "image",
            "thumbnails",
            "derivatives",
            "width",
            "height",
            "colour",
        )  # fmt: skip
    }
    return [found[pk] for pk in ids if pk in found][:limit]


@dataclass(frozen=True)
class Same:
    """The person saved this address or these bytes already."""

    image: Image


@dataclass(frozen=True)
class Similar:
    """The person saved a picture that looks the same."""

    image: Image
    distance: int


def find_duplicate(
    user,
    *,
    url: str = "",
    sha256: str = "",
    phash: int | None = None,
    exclude: int | None = None,
) -> Same | Similar | None:
    """The person's own image this save repeats: one with the same normalised address or the
    same bytes (`Same`), else a ready one within SAME_DISTANCE (`Similar`), else None.
    At most three queries."""
    mine = Image.objects.filter(user=user)
    if exclude is not None:
        mine = mine.exclude(pk=exclude)
    same = Q(pk__in=[])
    if url:
        same |= Q(url_normalized=normalise_url(url)) | Q(url=url)
    if sha256:
        same |= Q(sha256=sha256)
    if url or sha256:
        found = mine.exclude(status=Status.FAILED).filter(same).order_by("created", "id").first()
        if found is not None:
            return Same(found)
    if phash is None:
        return None
    rows = ImageHashKey.objects.filter(
        key__in=probe_keys(phash), image__user=user, image__status=Status.READY
    )
    if exclude is not None:
        rows = rows.exclude(image_id=exclude)
    pairs = rows.values_list("image_id", "phash")
    near = [(pk, distance(phash, h)) for pk, h in pairs if distance(phash, h) <= SAME_DISTANCE]
    if not near:
        return None
    pk, d = min(near, key=lambda item: (item[1], item[0]))
    return Similar(Image.objects.get(pk=pk), d)
