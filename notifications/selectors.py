from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.prefetch import GenericPrefetch

from bookmarks.paging import WindowPage, window_page
from bookmarks.social import Happening
from images.models import Image

from .models import Notification

User = get_user_model()
PER_PAGE = 20


@dataclass
class Line:
    """A notification as the page shows it (the template asks no question of the target)."""

    id: int
    actor: object
    others: int
    phrase: str  # "liked", "started following you"...
    target_title: str  # "" when the target is the reader (a follow)
    url: str
    thumbnail_url: str  # "" for a follow: the actor's avatar is shown
    unread: bool
    when: datetime


def _line(n: Notification) -> Line:
    target = n.target
    if isinstance(target, Image):
        title, url, thumb = target.title, target.get_absolute_url(), target.list_thumbnail.url
    else:  # a follow: the target is the reader; the line links to the follower
        title, url, thumb = "", n.actor.get_absolute_url(), ""
    return Line(
        id=n.pk,
        actor=n.actor,
        others=n.actor_count - 1,
        phrase=Happening(n.kind).label,
        target_title=title,
        url=url,
        thumbnail_url=thumb,
        unread=n.read_at is None,
        when=n.updated,
    )


def notifications_page(user, number) -> WindowPage | None:
    """Page `number` of `user`'s notifications, newest first, as Lines; None past the end.
    Three queries (rows with actors, then images and users as targets), whatever the size;
    groups whose target is gone are left out."""
    rows = (
        Notification.objects.filter(recipient=user)
        .select_related("actor__profile")
        .prefetch_related(
            GenericPrefetch(
                "target",
                [Image.objects.all(), User.objects.all()],
            )
        )
        .order_by("-updated", "-id")
    )
    page = window_page(rows, number, per_page=PER_PAGE)
    if page is not None:
        page.object_list = [_line(n) for n in page.object_list if n.target is not None]
    return page
