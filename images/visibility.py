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

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from actions.services import set_actions_public
from bookmarks.storage import is_private_name, new_private_folder

from . import ranking
from .models import Image


def set_image_private(*, image: Image, private: bool) -> Image:
    """Make `image` private (seen by its owner only) or public. Idempotent: the files are
    moved only when their place does not match. Raises OSError when a file cannot be copied
    (the row and the old files are then left as they were)."""
    if image.private == private and _files_match(image):
        return image
    old_name, old_thumbs = image.image.name or "", dict(image.thumbnails or {})
    new_name, new_thumbs = old_name, old_thumbs
    if old_name and not _files_match(image, private=private):
        new_name, new_thumbs = _copy_files(old_name, old_thumbs, private=private)
    try:
        with transaction.atomic():
            Image.objects.filter(pk=image.pk).update(
                private=private, image=new_name, thumbnails=new_thumbs
            )
            set_actions_public(Image, ids=[image.pk], public=not private)
    except BaseException:
        if new_name != old_name:
            _delete_unused([new_name], new_thumbs, keep_for=None)
        raise
    image.private, image.image.name, image.thumbnails = private, new_name, new_thumbs
    if new_name != old_name:
        transaction.on_commit(lambda: _delete_unused([old_name], old_thumbs, keep_for=image.pk))
    pk = image.pk
    transaction.on_commit(lambda: ranking.set_ranked(pk, ranked=not private))
    return image


def private_upload_name(file_name: str) -> str:
    """Where a new private image's original goes (its thumbnails are written beside it)."""
    return f"{new_private_folder()}/{posixpath.basename(file_name)}"


def _files_match(image: Image, *, private: bool | None = None) -> bool:
    private = image.private if private is None else private
    name = image.image.name or ""
    return not name or is_private_name(name) == private


def _copy_files(old_name: str, old_thumbs: dict, *, private: bool) -> tuple[str, dict]:
    """Copy the original and its thumbnails to a fresh private folder (or a public dated
    folder); returns the new name and thumbnails JSON. All or nothing."""
    base = posixpath.basename(old_name)
    if private:
        target = f"{new_private_folder()}/{base}"
    else:
        target = f"images/{timezone.now():%Y/%m/%d}/{base}"
    made: list[str] = []
    try:
        new_name = _copy(old_name, target)
        made.append(new_name)
        new_thumbs = {}
        for alias, info in old_thumbs.items():
            thumb = info.get("name", "")
            # Thumbnails are named after their original: <original>.<spec>.<ext>.
            suffix = thumb[len(old_name) :] if thumb.startswith(old_name) else "." + thumb
            copied = _copy(thumb, new_name + suffix)
            made.append(copied)
            new_thumbs[alias] = {**info, "name": copied}
    except BaseException:
        for name in made:
            default_storage.delete(name)
        raise
    return new_name, new_thumbs


def _copy(source: str, target: str) -> str:
    with default_storage.open(source, "rb") as file:
        content = file.read()
    return default_storage.save(target, ContentFile(content))


def files_in_use(names: list[str], *, exclude_pk: int | None = None) -> set[str]:
    """Which of these original file names another image row still points at (rows may share
    files; their thumbnails go with the original). One query."""
    rows = Image.objects.filter(image__in=[n for n in names if n])
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return set(rows.values_list("image", flat=True))


def _delete_unused(names: list[str], thumbs: dict, *, keep_for: int | None) -> None:
    """Delete these files (an original and its thumbnails) unless another row uses them."""
    used = files_in_use(names, exclude_pk=keep_for)
    for name in names:
        if name and name not in used:
            for info in thumbs.values():
                if info.get("name"):
                    default_storage.delete(info["name"])
            default_storage.delete(name)
