"""A person's export: a ZIP of their originals, manifest.json (see portability.manifest) and
images.csv, produced as a stream of chunks so the archive is never held in memory.

`export_data(user)` reads everything the manifest says in a fixed number of queries, however
many images, boards and likes (tests/portability/test_export.py counts them). `stream_export`
writes the ZIP entry by entry into a small buffer (zipfile writes to an unseekable stream with
data descriptors, so nothing needs going back) and yields it each time it holds about CHUNK
bytes: memory stays at a chunk or two plus the metadata, whatever the size of the archive
(`make bench-export` measures it). The originals are stored, not compressed again (JPEG, PNG,
WebP and GIF are compressed already); manifest.json and images.csv are deflated. The manifest
comes last, so it carries each file's SHA-256 computed while streaming it.
"""

import csv
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone

from account.models import Contact, Profile
from blocks.models import Block
from boards.models import Board, BoardEntry, BoardMember
from images.models import Image, Status, visible_q

from .manifest import CSV_NAME, FORMAT, IMAGES_DIR, MANIFEST_NAME, VERSION

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024
CSV_COLUMNS = [
    "file", "title", "description", "alt_text", "tags", "url", "page_url", "private",
    "created", "sha256", "size",
]  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ExportData:
    """What one export holds, read before the first byte is sent."""

    username: str
    private_by_default: bool
    images: list[Image] = field(default_factory=list)
    boards: list[dict] = field(default_factory=list)
    likes: list[dict] = field(default_factory=list)
    follows: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def zip_name(image: Image) -> str:
    """The image's file in the archive: images/<id>-<its stored name>, in safe characters."""
    base = _UNSAFE.sub("-", image.image.name.rsplit("/", 1)[-1]).strip(".-") or "image"
    return f"{IMAGES_DIR}{image.pk}-{base}"[:200]


def _ref(image: Image, own: dict[int, str]) -> dict:
    if image.pk in own:
        return {"file": own[image.pk]}
    return {"owner": image.user.username, "url": image.url, "title": image.title}


def export_data(user) -> ExportData:
    """Everything of `user`'s the export carries, in nine queries whatever the numbers."""
    profile = Profile.objects.filter(user=user).values_list("private_by_default", flat=True)
    data = ExportData(username=user.username, private_by_default=bool(profile.first()))
    data.images = list(
        Image.objects.filter(user=user, status=Status.READY)
        .exclude(image="")
        .order_by("created", "id")
        .prefetch_related("tags")
    )
    own = {image.pk: zip_name(image) for image in data.images}
    # Other people's images only while `user` may see them (one made private since is left
    # out); the own ones are all there (`own`).
    visible = visible_q(user, prefix="image__")
    entries = (
        BoardEntry.objects.filter(visible).select_related("image__user").order_by("position", "id")
    )
    members = BoardMember.objects.select_related("user").order_by("added", "id")
    boards = (
        Board.objects.filter(owner=user)
        .order_by("-updated", "-id")
        .prefetch_related(
            Prefetch("entries", queryset=entries), Prefetch("members", queryset=members)
        )
    )
    for board in boards:
        data.boards.append(
            {
                "name": board.name,
                "description": board.description,
                "visibility": board.visibility,
                "created": board.created.isoformat(),
                "updated": board.updated.isoformat(),
                "collaborators": [
                    {"username": m.user.username, "role": m.role} for m in board.members.all()
                ],
                "entries": [_ref(e.image, own) for e in board.entries.all()],
            }
        )
    liked = user.images_liked.filter(visible_q(user)).select_related("user").order_by("pk")
    data.likes = [_ref(image, own) for image in liked]
    follows = Contact.objects.filter(user_from=user).order_by("created", "id")
    data.follows = list(follows.values_list("user_to__username", flat=True))
    blocked = Block.objects.filter(blocker=user).order_by("created", "id")
    data.blocked = list(blocked.values_list("blocked__username", flat=True))
    return data


def image_record(image: Image, *, sha256: str, size: int) -> dict:
    return {
        "file": zip_name(image),
        "sha256": sha256,
        "size": size,
        "title": image.title,
        "description": image.description,
        "alt_text": image.alt_text,
        "tags": sorted(tag.name for tag in image.tags.all()),
        "url": image.url,
        "page_url": image.page_url,
        "private": image.private,
        "created": image.created.isoformat(),
    }


def manifest_for(data: ExportData, records: list[dict], *, at: datetime) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": at.isoformat(),
        "account": {"username": data.username, "private_by_default": data.private_by_default},
        "images": records,
        "boards": data.boards,
        "likes": data.likes,
        "follows": data.follows,
        "blocked": data.blocked,
    }


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (=, +, -, @) gets
    a leading apostrophe, so opening the file never runs what someone typed as a title."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def images_csv(records: list[dict]) -> bytes:
    """images.csv: one row per image (UTF-8 with a BOM, so spreadsheets read the accents)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        row = {**record, "tags": " ".join(record["tags"])}
        writer.writerow({key: _cell(row[key]) for key in CSV_COLUMNS})
    return out.getvalue().encode("utf-8-sig")


class _Pipe:
    """Where zipfile writes: bytes wait here until the generator takes them. No tell() and
    no seek(), so zipfile streams (data descriptors after each entry)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts, self.size = [], 0
        return data


def _entry(name: str, when: datetime, compress: int) -> zipfile.ZipInfo:
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    info = zipfile.ZipInfo(name, date_time=stamp if local.year >= 1980 else (1980, 1, 1, 0, 0, 0))
    info.compress_type = compress
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def stream_export(data: ExportData) -> Iterator[bytes]:
    """The ZIP of `data`, in chunks of about CHUNK bytes. An original missing from storage is
    left out (and out of the manifest), logged: the headers are sent by then."""
    now = timezone.now()
    pipe = _Pipe()
    records = []
    with zipfile.ZipFile(pipe, "w", allowZip64=True) as archive:
        for image in data.images:
            digest, size = hashlib.sha256(), 0
            try:
                source = default_storage.open(image.image.name, "rb")
            except OSError:
                logger.warning("Export of %s: file %s is missing", data.username, image.image)
                continue
            info = _entry(zip_name(image), image.created, zipfile.ZIP_STORED)
            with source, archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
                    if pipe.size >= CHUNK:
                        yield pipe.take()
            records.append(image_record(image, sha256=digest.hexdigest(), size=size))
            if pipe.size >= CHUNK:
                yield pipe.take()
        manifest = json.dumps(manifest_for(data, records, at=now), ensure_ascii=False, indent=1)
        archive.writestr(_entry(CSV_NAME, now, zipfile.ZIP_DEFLATED), images_csv(records))
        archive.writestr(_entry(MANIFEST_NAME, now, zipfile.ZIP_DEFLATED), manifest.encode())
    yield pipe.take()


def export_filename(username: str, *, at: datetime | None = None) -> str:
    at = at or timezone.now()
    return f"bookmarks-{_UNSAFE.sub('-', username)}-{at:%Y-%m-%d}.zip"
