import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from actions.models import Verb
from actions.services import create_action
from bookmarks.imaging import ImageInfo
from bookmarks.thumbnails import delete_thumbnails, render_thumbnails, store_thumbnails

from .fetch import download_image
from .models import THUMBNAIL_ALIASES, Image

logger = logging.getLogger(__name__)


class StoreError(Exception):
    """The image was fetched but could not be stored (disk, storage or database failure)."""


class AlreadyBookmarked(Exception):
    def __init__(self, image: Image):
        super().__init__(f"Already bookmarked: {image.pk}")
        self.image = image


@dataclass(frozen=True)
class Upload:
    """An uploaded picture that passed bookmarks.imaging.validate_image (see ImageCreateForm)."""

    content: bytes
    info: ImageInfo


def existing_bookmark(*, user, url: str) -> Image | None:
    if not url:
        return None  # uploads have no address: each one is a bookmark of its own
    return Image.objects.filter(user=user, url=url).first()


def bookmark_image(
    *,
    user,
    title: str,
    url: str = "",
    upload: Upload | None = None,
    description: str = "",
    page_url: str = "",
) -> Image:
    """Store a picture with its thumbnails and record the action: the image at `url`
    (downloaded safely, see images.fetch), or a validated `upload` (then `url` stays empty).
    `page_url` is the web page it was found on (kept as its source, never fetched).

    Raises FetchError or ImageError with a user-readable reason, AlreadyBookmarked when this
    user saved this URL before, or StoreError when storing failed. Every file is made before
    the transaction, which holds only the row writes; a failure leaves no file without a row
    nor a row without a file.
    """
    if upload is None:
        existing = existing_bookmark(user=user, url=url)
        if existing:
            raise AlreadyBookmarked(existing)
        fetched = download_image(url)  # network I/O and a full decode, in a child process
        content, extension = fetched.content, fetched.extension
    else:
        url, content, extension = "", upload.content, upload.info.extension
    rendered = render_thumbnails(content, THUMBNAIL_ALIASES)  # in a child process, too
    image = Image(user=user, title=title, url=url, description=description, page_url=page_url)
    stem = slugify(title)[:60].strip("-") or "image"
    stored_names = []
    try:
        image.image.save(f"{stem}.{extension}", ContentFile(content), save=False)
        stored_names.append(image.image.name)
        image.thumbnails = store_thumbnails(image.image.name, rendered)
        with transaction.atomic():
            image.save()
            create_action(user, Verb.BOOKMARKED, image)
    except Exception as error:
        _discard_files(image, stored_names)
        if isinstance(error, IntegrityError):
            # Saved by a concurrent request of the same user a moment ago.
            existing = existing_bookmark(user=user, url=url)
            if existing:
                raise AlreadyBookmarked(existing) from error
        logger.exception("Could not store a bookmarked image (%s)", url or "upload")
        raise StoreError("We could not save the image just now. Please try again.") from error
    except BaseException:
        _discard_files(image, stored_names)
        raise
    return image


def _discard_files(image: Image, stored_names: list[str]) -> None:
    try:
        delete_thumbnails(image.thumbnails or {})
        for name in stored_names:
            image.image.storage.delete(name)
    except OSError:
        logger.exception("Could not remove the files of a failed bookmark")


def like_image(*, user, image_id: int, like: bool) -> int:
    """Like or unlike an image; returns its like count. Safe under concurrency: the image row is
    locked while the like is added and the counter recounted (see images.signals)."""
    with transaction.atomic():
        image = Image.objects.select_for_update().get(pk=image_id)
        already = image.users_like.filter(pk=user.pk).exists()
        if like and not already:
            image.users_like.add(user)
            create_action(user, Verb.LIKES, image)
        elif not like and already:
            image.users_like.remove(user)
        return Image.objects.values_list("total_likes", flat=True).get(pk=image_id)


RECOUNT_BATCH = 500


def recount_likes(image_ids: Iterable[int], *, lock: bool = False) -> None:
    """Set total_likes from the rows, in one UPDATE (never read-modify-write in Python); one
    per 500 images. With `lock`, first wait for likes in flight on these images (like_image
    holds the image row while it adds one), so the count sees them: for callers that do not
    hold the rows themselves. Rows are locked in id order, so two recounts cannot deadlock."""
    ids = sorted(set(image_ids))
    through = Image.users_like.through
    likes = (
        through.objects.filter(image_id=OuterRef("pk"))
        .order_by()
        .values("image_id")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]  # django-stubs does not see annotations in values()
    )
    # The lock needs a transaction (held until it ends); a plain recount needs none of its own.
    with transaction.atomic() if lock and ids else nullcontext():
        for start in range(0, len(ids), RECOUNT_BATCH):
            images = Image.objects.filter(pk__in=ids[start : start + RECOUNT_BATCH])
            if lock:
                list(images.select_for_update().order_by("pk").values_list("pk", flat=True))
            images.update(total_likes=Coalesce(Subquery(likes), 0))
