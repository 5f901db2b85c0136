import logging

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from actions.services import create_action
from bookmarks.thumbnails import delete_thumbnails, make_thumbnails

from .fetch import download_image
from .models import THUMBNAIL_ALIASES, Image

logger = logging.getLogger(__name__)


class StoreError(Exception):
    """The image was fetched but could not be stored (disk, storage or database failure)."""


class AlreadyBookmarked(Exception):
    def __init__(self, image: Image):
        super().__init__(f"Already bookmarked: {image.pk}")
        self.image = image


def existing_bookmark(*, user, url: str) -> Image | None:
    return Image.objects.filter(user=user, url=url).first()


def bookmark_image(
    *, user, url: str, title: str, description: str = "", alt_text: str = ""
) -> Image:
    """Download the image at `url` (safely, see images.fetch), store it with its thumbnails,
    and record the action. Raises FetchError with a user-readable reason, AlreadyBookmarked
    when this user saved this URL before, or StoreError when storing failed. Leaves no file
    without a row nor a row without a file.
    """
    existing = existing_bookmark(user=user, url=url)
    if existing:
        raise AlreadyBookmarked(existing)
    fetched = download_image(url)  # network I/O: outside the transaction
    image = Image(user=user, title=title, url=url, description=description, alt_text=alt_text)
    content = fetched.as_file(slugify(title)[:60].strip("-") or "image")
    stored_names = []
    try:
        with transaction.atomic():
            image.image.save(content.name, content, save=False)
            stored_names.append(image.image.name)
            image.thumbnails = make_thumbnails(image.image, THUMBNAIL_ALIASES)
            image.save()
            create_action(user, "bookmarked image", image)
    except Exception as error:
        _discard_files(image, stored_names)
        if isinstance(error, IntegrityError):
            # Saved by a concurrent request of the same user a moment ago.
            existing = existing_bookmark(user=user, url=url)
            if existing:
                raise AlreadyBookmarked(existing) from error
        logger.exception("Could not store a bookmarked image (%s)", url)
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
            create_action(user, "likes", image)
        elif not like and already:
            image.users_like.remove(user)
        return Image.objects.values_list("total_likes", flat=True).get(pk=image_id)
