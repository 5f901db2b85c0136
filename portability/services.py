"""Import of an export ZIP into a person's account: all of it or nothing.

`import_archive(user=, archive=)` first checks the archive (portability.archive) and its
manifest (portability.manifest) and refuses with a reason before anything is written. Then:

1. Files, outside any transaction (as images.services.bookmark_image does): each original not
   already there (the person has an image of the same source URL, or of the same bytes, by
   SHA-256) is checked by bookmarks.imaging.validate_image, the gate every upload passes, its
   thumbnails rendered in a contained child, and stored under a new random name (128 bits:
   nobody can guess a private image's address) without its camera and location metadata
   (bookmarks.metadata, as every save). Its bytes must match the manifest's SHA-256; the row
   keeps the SHA-256 of what is stored.
2. Rows, in one transaction: images (title, description, alt text, source and page URLs,
   privacy, date), tags, boards (merged into the person's board of the same name, else new;
   entries in the exported order, visibility restored), likes and follows of images and people
   found on this site, blocks, and the profile's "private by default".

Any failure in either step removes every file step 1 wrote and rolls the rows back. Nothing
is announced: an import is not new activity (no actions, no notifications). Collaborators are
exported but not restored: a username on another site may be someone else.
"""

import hashlib
import json
import logging
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from account.models import Contact, Profile, User
from blocks.models import Block
from boards.models import POSITION_GAP, Board, BoardEntry
from boards.services import BoardError, create_board, reset_covers
from bookmarks.imaging import ImageError, validate_image
from bookmarks.metadata import strip_metadata
from bookmarks.thumbnails import delete_pictures, render_thumbnails, store_thumbnails
from images.dedupe import normalise_url
from images.files import original_name
from images.models import THUMBNAIL_ALIASES, Image, Status, TaggedImage
from images.services import recount_likes

from .archive import ArchiveRefused, Entry, check_entries, read_entry
from .manifest import MANIFEST_NAME, ManifestError, check_manifest

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """The archive cannot be imported and nothing was changed; the message says why."""


@dataclass
class ImportReport:
    images_added: int = 0
    images_skipped: int = 0  # already there: same source URL or same bytes
    boards_added: int = 0
    boards_merged: int = 0
    entries_added: int = 0
    likes_added: int = 0
    follows_added: int = 0
    blocks_added: int = 0
    not_found: int = 0  # entries and likes of images, follows of people, not on this site


@dataclass
class _Stored:
    record: dict
    name: str
    thumbnails: dict = field(default_factory=dict)
    sha256: str = ""


@dataclass
class _Plan:
    """Step 1's outcome: the files stored, and what the other manifest files stand for."""

    stored: list[_Stored] = field(default_factory=list)
    existing: dict[str, int] = field(default_factory=dict)  # file -> the image already there
    twins: dict[str, str] = field(default_factory=dict)  # file -> an earlier file, same image

    @property
    def skipped(self) -> int:
        return len(self.existing) + len(self.twins)


def import_archive(*, user, archive: IO[bytes]) -> ImportReport:
    """Import the export ZIP `archive` (a seekable file) into `user`'s account. Raises
    ImportRefused, having changed nothing."""
    try:
        zipped = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise ImportRefused(_("That file is not a ZIP archive (an export of Bookmarks).")) from None
    with zipped:
        try:
            entries = check_entries(zipped)
            manifest = _manifest(zipped, entries)
            plan = _Plan()
            try:
                _store_files(user, zipped, entries, manifest, plan)
                report = ImportReport(images_skipped=plan.skipped)
                with transaction.atomic():
                    _write_rows(user, manifest, plan, report)
            except BaseException:
                delete_pictures([(s.name, s.thumbnails) for s in plan.stored])
                raise
        except (ArchiveRefused, ManifestError) as refusal:
            raise ImportRefused(str(refusal)) from None
    return report


def _manifest(zipped: zipfile.ZipFile, entries: dict[str, Entry]) -> dict:
    raw = read_entry(zipped, entries[MANIFEST_NAME])
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ManifestError(
            _("manifest.json is not valid JSON: the archive was not imported.")
        ) from None
    check_manifest(data)
    for record in data["images"]:
        if record["file"] not in entries:
            raise ManifestError(
                _("manifest.json names %(file)s, which is not in the archive.")
                % {"file": record["file"]}
            )
        if entries[record["file"]].size != record["size"]:
            raise ManifestError(
                _("%(file)s is not the size manifest.json says.") % {"file": record["file"]}
            )
    return data


def _same_bytes_index(user, shas: set[str], sizes: set[int]) -> dict[str, int]:
    """SHA-256 -> id of the person's images whose stored original is one of `shas`: one
    indexed query on Image.sha256 (the hash of what is stored, which an export carries).
    Only older rows without a recorded hash are read from storage, and only those whose
    size is one of `sizes` (a file of another size cannot be the same bytes)."""
    mine = Image.objects.filter(user=user).exclude(image="")
    found: dict[str, int] = {}
    for sha, pk in mine.filter(sha256__in=shas).order_by("pk").values_list("sha256", "pk"):
        found.setdefault(sha, pk)
    for pk, name in mine.filter(sha256="").values_list("pk", "image"):
        try:
            if default_storage.size(name) not in sizes:
                continue
            with default_storage.open(name, "rb") as source:
                digest = hashlib.sha256()
                while chunk := source.read(1024 * 1024):
                    digest.update(chunk)
        except OSError:
            continue
        found.setdefault(digest.hexdigest(), pk)
    return found


def _store_files(user, zipped, entries, manifest: dict, plan: _Plan) -> None:
    records = manifest["images"]
    urls = {r["url"] for r in records if r["url"]}
    by_url = dict(
        Image.objects.filter(user=user, url__in=urls).values_list("url", "pk") if urls else []
    )
    by_bytes = _same_bytes_index(user, {r["sha256"] for r in records}, {r["size"] for r in records})
    first: dict[str, str] = {}  # in this archive: sha256 or source URL -> its first file
    for record in records:
        file, sha, url = record["file"], record["sha256"], record["url"]
        there = (by_url.get(url) if url else None) or by_bytes.get(sha)
        if there is not None:
            plan.existing[file] = there
            continue
        twin = first.get(sha) or (first.get(url) if url else None)
        if twin is not None:
            plan.twins[file] = twin
            continue
        content = read_entry(zipped, entries[file])
        if hashlib.sha256(content).hexdigest() != sha:
            raise ArchiveRefused(
                _("%(file)s is not the file manifest.json describes (its SHA-256 differs).")
                % {"file": file}
            )
        try:
            info = validate_image(content)  # the gate every upload passes
            content = strip_metadata(content)  # stored as every save is: no EXIF, no GPS
            rendered = render_thumbnails(content, THUMBNAIL_ALIASES)
        except ImageError as error:
            raise ArchiveRefused(
                _("%(file)s: %(reason)s. Nothing was imported.")
                % {"file": file, "reason": error.message}
            ) from None
        stem = slugify(record["title"])[:40].strip("-") or "image"
        day = datetime.fromisoformat(record["created"])
        if record["private"]:  # under private/: S3 keeps it private and signs its URL
            wanted = original_name(sha, info.extension, private=True)
        else:
            wanted = f"images/{day:%Y/%m/%d}/{stem}-{secrets.token_hex(16)}.{info.extension}"
        stored = _Stored(record=record, name=default_storage.save(wanted, ContentFile(content)))
        stored.sha256 = hashlib.sha256(content).hexdigest()  # of what is stored (as saves do)
        plan.stored.append(stored)
        stored.thumbnails = store_thumbnails(stored.name, rendered)
        first[sha] = file
        if url:
            first[url] = file


def _write_rows(user, manifest: dict, plan: _Plan, report: ImportReport) -> None:
    ids = dict(plan.existing)
    images = []
    for stored in plan.stored:
        record = stored.record
        image = Image(
            user=user,
            title=record["title"],
            url=record["url"],
            url_normalized=normalise_url(record["url"]),
            sha256=stored.sha256,
            page_url=record["page_url"],
            description=record["description"],
            alt_text=record["alt_text"],
            private=record["private"],
            created=datetime.fromisoformat(record["created"]),
            status=Status.READY,
            image=stored.name,
            thumbnails=stored.thumbnails,
        )
        image.save()
        ids[record["file"]] = image.pk
        images.append((image, record["tags"]))
    for file, twin in plan.twins.items():
        ids[file] = ids[twin]
    report.images_added = len(images)
    _add_tags(images)
    others = _find_others(user, manifest)
    _restore_boards(user, manifest["boards"], ids, others, report)
    _restore_likes(user, manifest["likes"], ids, others, report)
    _restore_people(user, manifest, report)
    Profile.objects.filter(user=user).update(
        private_by_default=manifest["account"]["private_by_default"]
    )


def _add_tags(images: list[tuple[Image, list[str]]]) -> None:
    """Every tag of the new images in a few queries (not a set() per image)."""
    names = sorted({tag for _, tags in images for tag in tags})
    if not names:
        return
    known = {
        t.name.lower(): t for t in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=names)
    }
    for name in names:
        if name not in known:
            tag = Tag(name=name)
            tag.save()  # taggit makes a unique slug on save
            known[name] = tag
    TaggedImage.objects.bulk_create(
        [TaggedImage(content_object=image, tag=known[t]) for image, tags in images for t in tags]
    )


def _find_others(user, manifest: dict) -> dict[tuple[str, str], int]:
    """(owner, source URL) -> id, for the images of other people the manifest names that this
    site has and `user` may see. One query."""
    refs = [r for b in manifest["boards"] for r in b["entries"]] + manifest["likes"]
    wanted = {(r["owner"], r["url"]) for r in refs if "owner" in r and r["url"]}
    if not wanted:
        return {}
    rows = (
        Image.objects.visible_to(user)
        .filter(user__username__in={o for o, _ in wanted}, url__in={u for _, u in wanted})
        .values_list("user__username", "url", "pk")
    )
    return {(owner, url): pk for owner, url, pk in rows if (owner, url) in wanted}


def _resolve(ref: dict, ids: dict[str, int], others: dict) -> int | None:
    if "file" in ref:
        return ids.get(ref["file"])
    return others.get((ref["owner"], ref["url"]))


def _restore_boards(user, boards: list[dict], ids, others, report: ImportReport) -> None:
    mine = {b.name.lower(): b for b in Board.objects.filter(owner=user)}
    touched = []
    for record in boards:
        board = mine.get(" ".join(record["name"].split()).lower())
        if board is None:
            try:
                board = create_board(
                    owner=user, name=record["name"], description=record["description"]
                )
            except BoardError as error:
                raise ArchiveRefused(
                    _("Board “%(name)s”: %(reason)s")
                    % {"name": record["name"][:100], "reason": error}
                ) from None
            board.visibility = record["visibility"]
            board.created = datetime.fromisoformat(record["created"])
            board.updated = datetime.fromisoformat(record["updated"])
            board.save(update_fields=["visibility", "created", "updated"])
            mine[board.name.lower()] = board
            report.boards_added += 1
        else:
            report.boards_merged += 1
        present = set(BoardEntry.objects.filter(board=board).values_list("image_id", flat=True))
        last = BoardEntry.objects.filter(board=board).aggregate(m=Max("position"))["m"]
        position = -POSITION_GAP if last is None else last
        new = []
        for ref in record["entries"]:
            image_id = _resolve(ref, ids, others)
            if image_id is None:
                report.not_found += 1
                continue
            if image_id in present:
                continue
            present.add(image_id)
            position += POSITION_GAP
            new.append(BoardEntry(board=board, image_id=image_id, position=position))
        BoardEntry.objects.bulk_create(new)
        report.entries_added += len(new)
        if not board.cover_chosen:
            touched.append(board.pk)
    if touched:
        reset_covers(touched)


def _restore_likes(user, likes: list[dict], ids, others, report: ImportReport) -> None:
    liked = set()
    for ref in likes:
        image_id = _resolve(ref, ids, others)
        if image_id is None:
            report.not_found += 1
        else:
            liked.add(image_id)
    through = Image.users_like.through
    liked -= set(
        through.objects.filter(user=user, image_id__in=liked).values_list("image_id", flat=True)
    )
    through.objects.bulk_create([through(user_id=user.pk, image_id=i) for i in sorted(liked)])
    recount_likes(liked)
    report.likes_added = len(liked)


def _restore_people(user, manifest: dict, report: ImportReport) -> None:
    """Follows and blocks of people this site has (by username). A blocked person's follow of
    `user` goes, as a block does; nobody blocked either way is followed."""
    names = set(manifest["follows"]) | set(manifest["blocked"])
    people = dict(
        User.objects.filter(username__in=names, is_active=True)
        .exclude(pk=user.pk)
        .values_list("username", "pk")
    )
    report.not_found += len(set(manifest["follows"]) - people.keys() - {user.username})
    blocked = {people[n] for n in manifest["blocked"] if n in people}
    new_blocks = blocked - set(
        Block.objects.filter(blocker=user, blocked_id__in=blocked).values_list(
            "blocked_id", flat=True
        )
    )
    Block.objects.bulk_create([Block(blocker=user, blocked_id=pk) for pk in sorted(new_blocks)])
    report.blocks_added = len(new_blocks)
    if blocked:
        Contact.objects.filter(user_from_id__in=blocked, user_to=user).delete()
    wanted = {people[n] for n in manifest["follows"] if n in people}
    barred = Block.objects.filter(
        Q(blocker=user, blocked_id__in=wanted) | Q(blocked=user, blocker_id__in=wanted)
    ).values_list("blocker_id", "blocked_id")
    wanted -= {pk for pair in barred for pk in pair}
    wanted -= set(
        Contact.objects.filter(user_from=user, user_to_id__in=wanted).values_list(
            "user_to_id", flat=True
        )
    )
    Contact.objects.bulk_create([Contact(user_from=user, user_to_id=pk) for pk in sorted(wanted)])
    report.follows_added = len(wanted)
