"""Making an image private, or public again, everywhere at once.

An image's privacy is read at every request (Image.objects.visible_to), so lists, tag pages,
boards and comments follow the row. What is kept elsewhere is brought in step here:
- its files: a private image's original and thumbnails live under a fresh unguessable folder
  (bookmarks/storage.py); they are COPIED there (or back under a public name), the row points
  at the copies, and the old names are deleted after the commit unless another row still
  uses them (files may be shared between rows), so addresses known before stop working;
- the actions about it (Action.public): hidden from every feed while it is private;
- the rankings in Redis and their cached page part (images.ranking).
"""

import posixpath
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from actions.services import set_actions_public
from bookmarks.deletion import delete_unused_pictures
from bookmarks.storage import is_private_name

from . import files, ranking
from .models import Image


def set_image_private(*, image: Image, private: bool) -> Image:
    """Make `image` private (seen by its owner only) or public. Idempotent: the files are
    moved only when their place does not match. Raises OSError when a file cannot be copied
    (the row and the old files are then left as they were)."""
    if image.private == private and _files_match(image):
        return image
    old = _Files(
        image.image.name or "", dict(image.thumbnails or {}), dict(image.derivatives or {})
    )
    new = old
    if old.name and not _files_match(image, private=private):
        new = _copy_files(old, private=private, sha256=image.sha256)
    try:
        with transaction.atomic():
            Image.objects.filter(pk=image.pk).update(
                private=private, image=new.name, thumbnails=new.thumbnails,
                derivatives=new.derivatives,
            )  # fmt: skip
            set_actions_public(Image, ids=[image.pk], public=not private)
    except BaseException:
        if new.name != old.name:
            _delete_unused(new)
        raise
    image.private, image.image.name = private, new.name
    image.thumbnails, image.derivatives = new.thumbnails, new.derivatives
    if new.name != old.name:
        transaction.on_commit(lambda: _delete_unused(old))
    pk = image.pk
    transaction.on_commit(lambda: ranking.set_ranked(pk, ranked=not private))
    return image


@dataclass(frozen=True)
class _Files:
    """An image's stored files: the original, and the thumbnails and derivatives named after it."""

    name: str
    thumbnails: dict
    derivatives: dict


def _files_match(image: Image, *, private: bool | None = None) -> bool:
    private = image.private if private is None else private
    name = image.image.name or ""
    return not name or is_private_name(name) == private


def _copy_files(old: _Files, *, private: bool, sha256: str) -> _Files:
    """Copy the original, its thumbnails and derivatives to a fresh private folder, or back to
    the shared content-addressed name (images.files); all or nothing."""
    extension = posixpath.splitext(old.name)[1].lstrip(".") or "jpg"
    if private or not sha256:
        target = (
            files.original_name("", extension, private=True)
            if private
            else (f"images/{timezone.now():%Y/%m/%d}/{posixpath.basename(old.name)}")
        )
    else:
        target = files.original_name(sha256, extension)
    made: list[str] = []

    def copy(source: str, name: str) -> str:
        with default_storage.open(source, "rb") as file:
            content = file.read()
        if sha256 and not private and name.startswith("images/"):  # shared, named by its bytes
            if files.store_once(name, content):  # whole or absent; kept if there already
                made.append(name)
            return name
        written = default_storage.save(name, ContentFile(content))
        made.append(written)
        return written

    def renamed(entry: dict, new_name: str) -> dict:
        old_file = entry.get("name", "")
        suffix = old_file[len(old.name) :] if old_file.startswith(old.name) else "." + old_file
        return {**entry, "name": copy(old_file, new_name + suffix)}

    try:
        new_name = copy(old.name, target)
        thumbnails = {alias: renamed(info, new_name) for alias, info in old.thumbnails.items()}
        derivatives = {
            fmt: [renamed(entry, new_name) for entry in entries]
            for fmt, entries in old.derivatives.items()
        }
    except BaseException:
        for name in made:
            default_storage.delete(name)
        raise
    return _Files(new_name, thumbnails, derivatives)


def _delete_unused(stored: _Files) -> None:
    """Delete these files unless a row still uses them (bookmarks.deletion: files are shared)."""
    delete_unused_pictures(
        [(stored.name, files.derived_names(stored.thumbnails, stored.derivatives))]
    )
