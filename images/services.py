import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Verb
from actions.services import create_action
from bookmarks import jobs
from bookmarks.http import Refused
from bookmarks.imaging import ImageError, ImageInfo
from bookmarks.ratelimit import RateLimited
from bookmarks.social import Happening, announce
from bookmarks.thumbnails import delete_thumbnails, render_thumbnails, store_thumbnails

from .fetch import FetchError, download_image
from .models import THUMBNAIL_ALIASES, Image, Status

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
    alt_text: str = "",
    page_url: str = "",
    private: bool = False,
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
    image = Image(
        user=user,
        title=title,
        url=url,
        description=description,
        alt_text=alt_text,
        page_url=page_url,
        private=private,
    )
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


SAVE_FAILED = "We could not save the image just now. Please try again."


def queue_bookmark(
    *,
    user,
    title: str,
    url: str,
    description: str = "",
    alt_text: str = "",
    page_url: str = "",
    private: bool = False,
) -> Image:
    """Bookmark the image at `url` in the background: the row is made at once (status
    SAVING, seen only by its owner) and a job downloads it (`save_bookmark`).

    Raises AlreadyBookmarked when this user saved this URL before, RateLimited when they have
    BOOKMARKS_IN_FLIGHT bookmarks still saving (so one person cannot fill the queue).
    """
    existing = existing_bookmark(user=user, url=url)
    if existing:
        raise AlreadyBookmarked(existing)
    in_flight = Image.objects.filter(user=user, status=Status.SAVING).count()
    if in_flight >= settings.BOOKMARKS_IN_FLIGHT:
        raise RateLimited(
            f"You have {in_flight} images still being saved. "
            "Wait until one is ready, then try again.",
            retry_after=10,
        )
    image = Image(
        user=user,
        title=title,
        url=url,
        description=description,
        alt_text=alt_text,
        page_url=page_url,
        private=private,
        status=Status.SAVING,
    )
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError as error:  # saved by a concurrent request a moment ago
        existing = existing_bookmark(user=user, url=url)
        if existing:
            raise AlreadyBookmarked(existing) from error
        raise
    _queue_save(image.pk)
    return image


def _queue_save(image_id: int) -> None:
    jobs.enqueue(
        save_bookmark, image_id, on_give_up=give_up_bookmark, job_id=f"save-bookmark-{image_id}"
    )


LOST_AFTER_SECONDS = 60


def requeue_lost_bookmarks() -> int:
    """Queue again the bookmarks still SAVING a minute after they were asked for whose job
    the queue does not know (lost between the row's commit and the enqueue); returns how many.
    A job that is queued, running, waiting for a retry or abandoned by a dead worker is known,
    and left to the queue."""
    since = timezone.now() - timedelta(seconds=LOST_AFTER_SECONDS)
    ids = Image.objects.filter(status=Status.SAVING, created__lt=since).values_list("pk", flat=True)
    lost = [pk for pk in ids[:100] if not jobs.job_exists(f"save-bookmark-{pk}")]
    for pk in lost:
        logger.warning("Bookmark %s had no job; queueing it again", pk)
        _queue_save(pk)
    return len(lost)


def owned_image(*, user, image_id: int) -> Image:
    """The user's own image; Image.DoesNotExist for anybody else's (a 404, never a 403)."""
    return Image.objects.get(pk=image_id, user=user)


def retry_bookmark(*, user, image_id: int) -> Image:
    """Queue a failed bookmark again. Image.DoesNotExist when it is not the user's; Refused
    when it has not failed (saving, or ready)."""
    image = owned_image(user=user, image_id=image_id)
    updated = Image.objects.filter(pk=image.pk, status=Status.FAILED).update(
        status=Status.SAVING, failure=""
    )
    if not updated:
        raise Refused("Only an image that could not be saved can be tried again.")
    _queue_save(image.pk)
    image.status, image.failure = Status.SAVING, ""
    return image


def remove_bookmark(*, user, image_id: int) -> None:
    """Delete the user's image that is still saving or failed (a ready one stays)."""
    image = owned_image(user=user, image_id=image_id)
    if image.is_ready:
        raise Refused("This image is saved; it cannot be removed from here.")
    image.delete()


def save_bookmark(image_id: int) -> None:
    """The job: download the image of a SAVING row, store it and its thumbnails, and make it
    READY (recording the 'bookmarked' action then). Idempotent, for at-least-once delivery:
    a row that is gone or no longer SAVING is left alone, and the files have names fixed by
    the row, so a run after a killed one replaces what that one left (one set of files).

    A transient failure (network, 5xx) raises jobs.Transient while tries are left; any other
    failure, or the last try, marks the row FAILED with the reason for its owner.
    """
    image = Image.objects.filter(pk=image_id, status=Status.SAVING).first()
    if image is None:
        return  # removed meanwhile, or done by an earlier delivery
    try:
        fetched = download_image(image.url)  # a full decode, in a contained child process
        rendered = render_thumbnails(fetched.content, THUMBNAIL_ALIASES)  # in a child too
    except (FetchError, ImageError) as error:
        if getattr(error, "transient", False) and jobs.tries_left():
            raise jobs.Transient(error.message) from error
        _mark_failed(image_id, error.message)
        return
    stem = slugify(image.title)[:60].strip("-") or "image"
    folder = f"images/{image.created:%Y/%m/%d}"
    prefix = f"{image.pk}-"
    _remove_leftovers(folder, prefix)
    name = default_storage.save(
        f"{folder}/{prefix}{stem}.{fetched.extension}", ContentFile(fetched.content)
    )
    stored = Image(pk=image.pk)
    stored.image.name = name
    try:
        stored.thumbnails = store_thumbnails(name, rendered)
        with transaction.atomic():
            row = Image.objects.select_for_update().filter(pk=image_id, status=Status.SAVING)
            if not row.exists():  # removed while we worked: keep nothing
                raise _Gone
            row.update(image=name, thumbnails=stored.thumbnails, status=Status.READY, failure="")
            image.refresh_from_db()
            create_action(image.user, Verb.BOOKMARKED, image)
    except _Gone:
        _discard_files(stored, [name])
    except BaseException:
        _discard_files(stored, [name])
        raise


class _Gone(Exception):
    pass


def _remove_leftovers(folder: str, prefix: str) -> None:
    """Delete files an earlier, killed run of the same job left (named `<id>-…`)."""
    try:
        _, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in files:
        if file_name.startswith(prefix):
            default_storage.delete(f"{folder}/{file_name}")


def _mark_failed(image_id: int, reason: str) -> None:
    Image.objects.filter(pk=image_id, status=Status.SAVING).update(
        status=Status.FAILED, failure=reason[:300]
    )


def give_up_bookmark(image_id: int) -> None:
    """The queue gave up on the job (errors on every try, or its workers died)."""
    _mark_failed(image_id, SAVE_FAILED)


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
            announce(Happening.LIKED, actor=user, target=image)
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
