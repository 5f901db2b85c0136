"""Share to Bookmarks: what a phone's share sheet sends (a page's address or a photo).

An address becomes the bookmark form, prefilled (nothing is made until its person submits it).
A photo is checked by bookmarks.imaging, as every image entering the site is, and staged as a
SharedPhoto; `save_shared_photo` makes the image once its person confirms it.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookmarks.imaging import check_size, validate_image
from bookmarks.metadata import strip_metadata
from images.editing import private_by_default
from images.models import Image
from images.services import Upload, bookmark_image

from .models import SharedPhoto

KEEP = timedelta(hours=1)  # a staged photo nobody confirmed is deleted after this
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


class NothingShared(Exception):
    """The share carried neither an http(s) address nor a photo."""


@dataclass(frozen=True)
class SharedLink:
    url: str  # the shared address: the page's, or an image's own
    title: str
    description: str  # the shared text without the address

    def form_url(self) -> str:
        """The bookmark form, prefilled: the shared address to fetch and as the source page."""
        query = {"url": self.url, "page": self.url, "title": self.title}
        return reverse("images:create") + "?" + urlencode({k: v for k, v in query.items() if v})


def _clean(value: str, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def find_address(url: str, text: str) -> tuple[str, str]:
    """The shared http(s) address (the `url` field, else the first one inside `text`, as many
    apps send it) and the text without it."""
    url = (url or "").strip()
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = ""
    found = _URL_IN_TEXT.search(text or "")
    if not url and found:
        url = found.group(0).rstrip(_TRAILING)
    if url and found and found.group(0).rstrip(_TRAILING) == url:
        text = (text[: found.start()] + text[found.end() :]).strip()
    return url[:2000], (text or "").strip()


def shared_link(*, title: str, text: str, url: str) -> SharedLink:
    """The link in a share, or NothingShared when there is none."""
    address, rest = find_address(url, text)
    if not address:
        raise NothingShared(_("Nothing to bookmark: share a page's address or a photo."))
    return SharedLink(
        url=address, title=_clean(title, MAX_TITLE), description=rest[:MAX_DESCRIPTION]
    )


def stage_photo(*, user, file: UploadedFile, title: str, text: str, url: str) -> SharedPhoto:
    """Check the shared photo (raises ImageError with the reason) and keep it for its person
    (`user`, or None for a logged-out share) to confirm. Deletes stale staged photos."""
    check_size(file.size or 0)  # before reading a byte of it (validate_image checks again)
    content = file.read()
    info = validate_image(content)
    content = strip_metadata(content)  # shown on the confirm page: no camera or GPS data
    SharedPhoto.objects.filter(created__lt=timezone.now() - KEEP).delete()
    page_url, rest = find_address(url, text)
    return SharedPhoto.objects.create(
        token=secrets.token_urlsafe(32),
        user=user if user is not None and user.is_authenticated else None,
        content=content,
        content_type=info.content_type,
        title=_clean(title, MAX_TITLE),
        description=rest[:MAX_DESCRIPTION],
        page_url=page_url,
    )


def staged_photo(*, user, token: str, session_tokens: list[str]) -> SharedPhoto:
    """The person's staged photo `token` (not expired). A logged-out share made in this session
    becomes theirs. Raises SharedPhoto.DoesNotExist for anyone else's, or an expired one."""
    photo = SharedPhoto.objects.get(token=token, created__gte=timezone.now() - KEEP)
    if photo.user_id is None and token in session_tokens:
        photo.user = user
        photo.save(update_fields=["user"])
    if photo.user_id != user.pk:
        raise SharedPhoto.DoesNotExist
    return photo


def save_shared_photo(
    *, user, photo: SharedPhoto, title: str, description: str, alt_text: str
) -> Image:
    """Bookmark the confirmed photo (through images' own upload path) and forget the staged
    copy. Raises what images.services.bookmark_image raises."""
    content = bytes(photo.content)
    upload = Upload(content=content, info=validate_image(content))
    image = bookmark_image(
        user=user,
        title=title,
        upload=upload,
        description=description,
        alt_text=alt_text,
        page_url=photo.page_url,
        private=private_by_default(user),  # "Make my new bookmarks private", as everywhere
    )
    photo.delete()
    return image
