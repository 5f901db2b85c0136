import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from actions.models import Verb
from actions.services import create_action
from bookmarks import jobs, privacy
from bookmarks.deletion import delete_unused_pictures
from bookmarks.http import Refused
from bookmarks.imaging import ImageError, ImageInfo, validate_image
from bookmarks.metadata import strip_metadata
from bookmarks.ratelimit import RateLimited
from bookmarks.social import Happening, announce
from bookmarks.storage import is_private_name
from bookmarks.thumbnails import DerivedFiles, Picture, render_picture

from . import dedupe, files
from .fetch import FetchError, download_image
from .models import THUMBNAIL_ALIASES, Image, Status
from .visibility import set_image_private

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
    """The person's image saved from this address (compared normalised, images.dedupe)."""
    if not url:
        return None  # uploads have no address: each one is a bookmark of its own
    found = dedupe.find_duplicate(user, url=url)
    return found.image if found is not None else None


@dataclass(frozen=True)
class _Stored:
    name: str
    files: DerivedFiles
    picture: Picture

    def fields(self) -> dict:
        """The row's columns for this stored picture."""
        return {
            "image": self.name,
            "thumbnails": self.files.thumbnails,
            "derivatives": self.files.derivatives,
            "width": self.picture.width,
            "height": self.picture.height,
            "colour": self.picture.colour,
            "phash": self.picture.phash,
        }


def _store(content: bytes, extension: str, sha256: str, picture: Picture, *, private: bool):
    name = files.original_name(sha256, extension, private=private)
    return _Stored(name, files.store_picture(name, content, picture), picture)


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
    save_anyway: bool = False,
) -> Image:
    """Store a picture with its thumbnails and derivatives and record the action: the image at
    `url` (downloaded safely, see images.fetch), or a validated `upload` (with `url`, the address
    it came from, when an importer knows it). `page_url` is the web page it was found on (kept
    as its source, never fetched). A `private` image is seen by its owner only: its files get
    unguessable names of their own (images.files, bookmarks.storage) and its action is shown
    to nobody.

    Duplicates (images.dedupe): the same address or bytes as one of the person's images raises
    AlreadyBookmarked; a picture that looks like one of theirs is stored but held (status
    SIMILAR, `duplicate_of` set) for them to choose, unless `save_anyway`.

    Raises FetchError or ImageError with a user-readable reason, or StoreError when storing
    failed. Every file is made before the transaction, which holds only the row writes; a
    failure leaves no file without a row nor a row without a file (shared files stay).
    """
    if upload is None:
        existing = existing_bookmark(user=user, url=url)
        if existing:
            raise AlreadyBookmarked(existing)
        fetched = download_image(url)  # network I/O and a full decode, in a child process
        content, extension = fetched.content, fetched.extension
    else:
        content, extension = upload.content, upload.info.extension
    content = strip_metadata(content)  # what is stored, served and hashed: no EXIF, no GPS
    sha256 = dedupe.fingerprint(content)
    same = dedupe.find_duplicate(user, url=url, sha256=sha256)
    if same is not None:
        raise AlreadyBookmarked(same.image)
    picture = render_picture(content, THUMBNAIL_ALIASES)  # in a child process, too
    similar = None if save_anyway else dedupe.find_duplicate(user, phash=picture.phash)
    image = Image(
        user=user,
        title=title,
        url=url,
        url_normalized=dedupe.normalise_url(url),
        sha256=sha256,
        description=description,
        alt_text=alt_text,
        page_url=page_url,
        private=private,
        status=Status.SIMILAR if similar else Status.READY,
        duplicate_of=similar.image if similar else None,
    )
    stored = None
    try:
        stored = _store(content, extension, sha256, picture, private=image.private)
        for field, value in stored.fields().items():
            setattr(image, field, value)
        with transaction.atomic():
            image.save()
            dedupe.file_hash(image)
            if image.is_ready:
                create_action(user, Verb.BOOKMARKED, image, public=not image.private)
            transaction.on_commit(partial(queue_derivatives, image.pk))
    except Exception as error:
        _discard_files(stored)
        if isinstance(error, IntegrityError):
            # Saved by a concurrent request of the same user a moment ago.
            existing = existing_bookmark(user=user, url=url)
            if existing:
                raise AlreadyBookmarked(existing) from error
        logger.exception("Could not store a bookmarked image (%s)", url or "upload")
        raise StoreError(_(SAVE_FAILED)) from error
    except BaseException:
        _discard_files(stored)
        raise
    return image


def import_image(
    *,
    user,
    content: bytes,
    title: str,
    url: str = "",
    description: str = "",
    alt_text: str = "",
    page_url: str = "",
) -> Image:
    """For importers: bytes they hold, through the same gate and the same duplicate checks as
    every save (bookmarks.imaging, images.dedupe). Raises ImageError for bytes we refuse,
    AlreadyBookmarked for a repeat; a look-alike is held (status SIMILAR) for its owner."""
    upload = Upload(content=content, info=validate_image(content))
    return bookmark_image(
        user=user,
        title=title,
        url=url,
        upload=upload,
        description=description,
        alt_text=alt_text,
        page_url=page_url,
    )


# Stored on the row in English (images.reasons translates it as it is shown).
SAVE_FAILED = gettext_noop("We could not save the image just now. Please try again.")


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
            ngettext(
                "You have %(count)s image still being saved. "
                "Wait until it is ready, then try again.",
                "You have %(count)s images still being saved. "
                "Wait until one is ready, then try again.",
                in_flight,
            )
            % {"count": in_flight},
            retry_after=10,
        )
    image = Image(
        user=user,
        title=title,
        url=url,
        url_normalized=dedupe.normalise_url(url),
        description=description,
        alt_text=alt_text,
        page_url=page_url,
        status=Status.SAVING,
        private=private,
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
        raise Refused(_("Only an image that could not be saved can be tried again."))
    _queue_save(image.pk)
    image.status, image.failure = Status.SAVING, ""
    return image


def remove_bookmark(*, user, image_id: int) -> None:
    """Delete the user's image that is still saving or failed (a ready one stays)."""
    image = owned_image(user=user, image_id=image_id)
    if image.is_ready:
        raise Refused(_("This image is saved; it cannot be removed from here."))
    image.delete()


def save_bookmark(image_id: int) -> None:
    """The job: download the image of a SAVING row, store it and its thumbnails, and make it
    READY, recording the 'bookmarked' action (its served derivatives then have a job of their
    own, `make_derivatives`). Idempotent, for at-least-once
    delivery: a row that is gone or no longer SAVING is left alone, and the files' names come
    from the bytes (images.files), so a run after a killed one reuses what that one left.

    Duplicates (images.dedupe): bytes the person saved already fail the row with "You saved
    this already" (`duplicate_of` links to theirs); a look-alike is stored but held (SIMILAR)
    for them to choose on the Saving card.

    A transient failure (network, 5xx) raises jobs.Transient while tries are left; any other
    failure, or the last try, marks the row FAILED with the reason for its owner.
    """
    image = Image.objects.filter(pk=image_id, status=Status.SAVING).first()
    if image is None:
        return  # removed meanwhile, or done by an earlier delivery
    try:
        fetched = download_image(image.url)  # a full decode, in a contained child process
        content = strip_metadata(fetched.content)  # what is stored, served and hashed
        sha256 = dedupe.fingerprint(content)
        same = dedupe.find_duplicate(image.user, sha256=sha256, exclude=image.pk)
        if same is not None:
            Image.objects.filter(pk=image_id, status=Status.SAVING).update(
                status=Status.FAILED, failure=ALREADY_SAVED, duplicate_of=same.image
            )
            return
        picture = render_picture(content, THUMBNAIL_ALIASES)  # in a child too
    except (FetchError, ImageError) as error:
        if getattr(error, "transient", False) and jobs.tries_left():
            raise jobs.Transient(error.message) from error
        _mark_failed(image_id, error.message)
        return
    similar = dedupe.find_duplicate(image.user, phash=picture.phash, exclude=image.pk)
    stored = None
    try:
        stored = _store(content, fetched.extension, sha256, picture, private=image.private)
        status = Status.SIMILAR if similar else Status.READY
        with transaction.atomic():
            row = Image.objects.select_for_update().filter(pk=image_id, status=Status.SAVING)
            if not row.exists():  # removed while we worked: keep nothing
                raise _Gone
            row.update(
                **stored.fields(),
                sha256=sha256,
                status=status,
                failure="",
                duplicate_of=similar.image if similar else None,
            )
            image.refresh_from_db()
            dedupe.file_hash(image)
            if status == Status.READY:
                create_action(image.user, Verb.BOOKMARKED, image, public=not image.private)
            # The served WebP/AVIF sizes are drawn by a job of their own, as for uploads: the
            # bookmark is shown (with its thumbnails) without waiting for the slow encoders.
            transaction.on_commit(partial(queue_derivatives, image.pk))
            if image.private != is_private_name(stored.name):  # privacy changed while saving
                transaction.on_commit(lambda: set_image_private(image=image, private=image.private))
    except _Gone:
        _discard_files(stored)
    except BaseException:
        _discard_files(stored)
        raise


ALREADY_SAVED = gettext_noop("You saved this already.")  # stored on the row: English


def queue_derivatives(image_id: int) -> None:
    jobs.enqueue(make_derivatives, image_id, job_id=f"derivatives-{image_id}")


def make_derivatives(image_id: int) -> None:
    """The job that draws an image's served derivatives (WebP, and AVIF where Pillow writes
    it, at several widths; no EXIF or GPS) from its stored original, in a contained child, and
    records them on the row. Until it has run (and for rows older than it) pages show the
    thumbnails. Idempotent: a row that has them, or another row showing the same original
    that has them, costs no drawing. An image refused now is left with its thumbnails."""
    image = Image.objects.filter(pk=image_id).only("id", "image", "derivatives").first()
    if image is None or not image.image or image.derivatives:
        return
    twin = (
        Image.objects.filter(image=image.image.name)
        .exclude(derivatives={})
        .values_list("derivatives", "width", "height", "colour")
        .first()
    )
    if twin is not None:
        derivatives, width, height, colour = twin
    else:
        with image.image.open("rb") as source:
            content = source.read()
        try:
            picture = render_picture(content, (), derivatives=True)
        except ImageError as error:
            logger.warning("No derivatives for image %s: %s", image_id, error.message)
            return
        derivatives = files.store_picture(image.image.name, content, picture).derivatives
        width, height, colour = picture.width, picture.height, picture.colour
    Image.objects.filter(pk=image_id, derivatives={}).update(
        derivatives=derivatives, width=width, height=height, colour=colour
    )


def keep_similar(*, user, image_id: int) -> Image:
    """ "Save anyway": the person's held look-alike becomes READY (and is announced). Refused
    when it is not held."""
    image = owned_image(user=user, image_id=image_id)
    with transaction.atomic():
        updated = Image.objects.filter(pk=image.pk, status=Status.SIMILAR).update(
            status=Status.READY, duplicate_of=None
        )
        if not updated:
            raise Refused(_("This image is not waiting for your choice."))
        image.status, image.duplicate_of = Status.READY, None
        create_action(user, Verb.BOOKMARKED, image, public=not image.private)
    return image


def discard_similar(*, user, image_id: int) -> Image | None:
    """ "Go to it": the person's held look-alike is removed; returns the image it looked like
    (None if that one is gone meanwhile). Refused when it is not held."""
    image = owned_image(user=user, image_id=image_id)
    if image.status != Status.SIMILAR:
        raise Refused(_("This image is not waiting for your choice."))
    other = image.duplicate_of
    image.delete()
    return other


class _Gone(Exception):
    pass


def _mark_failed(image_id: int, reason: str) -> None:
    Image.objects.filter(pk=image_id, status=Status.SAVING).update(
        status=Status.FAILED, failure=reason[:300]
    )


def give_up_bookmark(image_id: int) -> None:
    """The queue gave up on the job (errors on every try, or its workers died)."""
    _mark_failed(image_id, SAVE_FAILED)


def _discard_files(stored: "_Stored | None") -> None:
    """Remove what a failed save stored, unless a row shows it (shared, content-addressed)."""
    if stored is None:
        return
    try:
        derived = files.derived_names(stored.files.thumbnails, stored.files.derivatives)
        delete_unused_pictures([(stored.name, derived)])
    except OSError:
        logger.exception("Could not remove the files of a failed bookmark")


def like_image(*, user, image_id: int, like: bool) -> int:
    """Like or unlike an image; returns its like count. Safe under concurrency: the image row is
    locked while the like is added and the counter recounted (see images.signals). Raises
    Refused when the image's owner blocked `user`; Image.DoesNotExist when `user` may not
    see it."""
    with transaction.atomic():
        image = Image.objects.visible_to(user).select_for_update().get(pk=image_id)
        if like and privacy.blocks(image.user_id, user.pk):
            raise Refused(_("You cannot like this person's images."))
        already = image.users_like.filter(pk=user.pk).exists()
        if like and not already:
            image.users_like.add(user)
            create_action(user, Verb.LIKES, image, public=not image.private)
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
