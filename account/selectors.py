from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from actions.selectors import feed
from blocks.models import Block
from boards.models import Board
from bookmarks.paging import window_page
from bookmarks.thumbnails import Thumbnail
from images import ranking
from images.models import Image
from images.selectors import images_by_ids_in_order, latest_images_of

from .models import Contact, User

USERS_PER_PAGE = 24


def looks_like_email(name: str) -> bool:
    """Usernames may not contain "@": a login accepts an e-mail in the same field."""
    return "@" in name


def username_unavailable(name: str) -> bool:
    """Whether `name` cannot be a new username: it reads as an e-mail, or an account already
    has it as its username or its e-mail (any case)."""
    return looks_like_email(name) or (
        User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name)).exists()
    )


def _count_of(field: str, **where):
    """A subquery counting the follows whose `field` is the outer user."""
    return Coalesce(
        Subquery(
            Contact.objects.filter(**{field: OuterRef("pk")}, **where)
            .order_by()
            .values(field)
            .annotate(n=Count("*"))
            .values("n")
        ),
        0,
    )


def _people(viewer):
    """Active users as their rows and pages draw them: with their profile (avatar, bio),
    `follower_count`, `followed` (whether `viewer` follows them; False for a visitor),
    `blocked_by_viewer` (the viewer blocked them) and `blocks_viewer` (they blocked the viewer)."""
    followed: Exists | Value
    blocked: Exists | Value
    blocks: Exists | Value
    if viewer is not None and viewer.is_authenticated:
        followed = Exists(Contact.objects.filter(user_from=viewer.pk, user_to=OuterRef("pk")))
        blocked = Exists(Block.objects.filter(blocker=viewer.pk, blocked=OuterRef("pk")))
        blocks = Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer.pk))
    else:
        followed = blocked = blocks = Value(False)
    return (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .annotate(
            follower_count=_count_of("user_to", user_from__is_active=True),
            followed=followed,
            blocked_by_viewer=blocked,
            blocks_viewer=blocks,
        )
    )


def _with_latest_images(page, viewer):
    """Give each person of the page `latest`: their newest few images (one query)."""
    if page is not None:
        latest = latest_images_of([person.pk for person in page.object_list], viewer=viewer)
        for person in page.object_list:
            person.latest = latest.get(person.pk, [])
    return page


def people_page(number, *, viewer=None, per_page: int = USERS_PER_PAGE):
    """A page of active users by name, each with their avatar, follower count, whether
    `viewer` follows them, and their latest images; None past the end. Two queries, however
    many users there are."""
    people = _people(viewer).order_by("username")
    return _with_latest_images(window_page(people, number, per_page=per_page), viewer)


def follow_list_page(person, number, *, which: str, viewer=None, per_page: int = USERS_PER_PAGE):
    """A page of the people who follow `person` (`which="followers"`) or whom `person`
    follows (`which="following"`), the newest follow first, drawn as the People list draws
    them; None past the end. Three queries: the page of follows, the people, their images."""
    if which == "followers":
        follows = Contact.objects.filter(user_to=person, user_from__is_active=True)
        column = "user_from_id"
    else:
        follows = Contact.objects.filter(user_from=person, user_to__is_active=True)
        column = "user_to_id"
    ids = follows.order_by("-created", "-id").values_list(column, flat=True)
    page = window_page(ids, number, per_page=per_page)
    if page is None:
        return None
    found = _people(viewer).in_bulk(page.object_list) if page.object_list else {}
    page.object_list = [found[i] for i in page.object_list if i in found]
    return _with_latest_images(page, viewer)


def active_user(username: str, *, viewer=None):
    """The active user `username` with their profile, `follower_count`, `following_count`
    (how many active people they follow) and `followed` (whether `viewer` follows them;
    False for a visitor). One query."""
    return (
        _people(viewer)
        .annotate(following_count=_count_of("user_from", user_to__is_active=True))
        .get(username=username)
    )


@dataclass(frozen=True)
class FeedEntry:
    """One line of the dashboard's feed, ready to draw (actions/_feed_items.html): who did
    what, and what it was about as a link with a picture. Built per target type here, so the
    template never has to guess the type of a target."""

    id: int  # the action's (live updates skip lines already shown)
    actor: User
    actor_url: str
    verb: str
    created: datetime
    target: object = None
    target_label: str = ""
    target_url: str = ""
    target_thumb: Thumbnail | None = None  # the picture of an image target
    target_person: User | None = None  # the person whose avatar stands for a user target


def _image_target(image: Image, viewer=None) -> dict:
    return {
        "target_label": image.title,
        "target_url": image.get_absolute_url(),
        "target_thumb": image.list_thumbnail,
    }


def _board_target(board: Board, viewer=None) -> dict:
    cover = board.cover
    thumb = board.list_thumbnail
    if cover is not None and not cover.is_visible_to(viewer):  # a private cover: the mark
        thumb = Board(cover=None).list_thumbnail
    return {
        "target_label": board.name,
        "target_url": board.get_absolute_url(),
        "target_thumb": thumb,
    }


def _person_target(person, viewer=None) -> dict:
    return {
        "target_label": person.display_name,
        "target_url": person.get_absolute_url(),
        "target_person": person,
    }


# target type -> how it is shown
FEED_TARGETS: dict[type, Callable[..., dict]] = {
    Image: _image_target,
    User: _person_target,
    Board: _board_target,
}
# The target columns the feed draws: an image's title, slug and thumbnails; a person's names
# and profile (the avatar); a board with its owner (its address) and cover.
FEED_TARGET_QUERYSETS = [
    Image.objects.only("id", "title", "alt_text", "slug", "image", "thumbnails", "user_id"),
    User.objects.select_related("profile").only(
        "id", "username", "first_name", "last_name",
        "profile__id", "profile__user_id", "profile__photo", "profile__photo_thumbnails",
    ),
    Board.objects.select_related("owner", "cover"),  # "saved to board": the board and its cover
]  # fmt: skip


def feed_entry(action, viewer=None) -> FeedEntry:
    actor, target = action.user, action.target
    shown = FEED_TARGETS.get(type(target))
    return FeedEntry(
        id=action.id,
        actor=actor,
        actor_url=actor.get_absolute_url(),
        verb=action.verb,
        created=action.created,
        target=target,
        **(shown(target, viewer) if shown else {}),
    )


def dashboard_feed(user, *, page=1, live_limit: int = 500):
    """A page of the actions of the people `user` follows, or of everyone else if they follow
    nobody (None past the end), as FeedEntry lines, and the ids of the people followed (the
    first `live_limit`+1, for live updates; empty: nobody). A fixed number of queries: 1 for the
    follows, 1 for the actions, 1 per target type (images, users, boards)."""
    followed = list(user.following.order_by("pk").values_list("pk", flat=True)[: live_limit + 1])
    follows_anyone = bool(followed)
    window = feed(
        actor_ids=user.following.all() if follows_anyone else None,
        exclude_user=None if follows_anyone else user,
        page=page,
        target_querysets=FEED_TARGET_QUERYSETS,
        viewer=user,
    )
    if window is not None:
        window.object_list = [feed_entry(action, user) for action in window.object_list]
    return window, followed


def recently_viewed(user) -> list[Image] | None:
    """The last images `user` opened, newest first, skipping deleted ones; None when Redis is
    unavailable. One Redis command, and one query only when the list is not empty."""
    ids = ranking.recently_viewed_ids(user.pk)
    if ids is None:
        return None
    return images_by_ids_in_order(ids, viewer=user) if ids else []
