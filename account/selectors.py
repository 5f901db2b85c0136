from django.contrib.auth import get_user_model
from django.db.models import Q

from actions.selectors import feed
from bookmarks.paging import window_page
from images import ranking
from images.models import Image
from images.selectors import images_by_ids_in_order

from .models import Contact

User = get_user_model()
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


def people_page(number, *, per_page: int = USERS_PER_PAGE):
    """A page of active users (with their profile for the avatar), by name; None past the end.
    One query, however many users there are."""
    people = User.objects.filter(is_active=True).select_related("profile").order_by("username")
    return window_page(people, number, per_page=per_page)


def active_user(username: str):
    return User.objects.select_related("profile").get(username=username, is_active=True)


def follower_count(user) -> int:
    return Contact.objects.filter(user_to=user).count()


def is_following(user_from, user_to) -> bool:
    if not user_from.is_authenticated:
        return False
    return Contact.objects.filter(user_from=user_from, user_to=user_to).exists()


def dashboard_feed(user, *, page=1, live_limit: int = 500):
    """A page of the actions of the people `user` follows, or of everyone else if they follow
    nobody (None past the end), and the ids of the people followed (the first `live_limit`+1,
    for live updates; empty: nobody). A fixed number of queries: 1 for the follows, 1 for the
    actions, 1 per target type (images, users)."""
    followed = list(user.following.order_by("pk").values_list("pk", flat=True)[: live_limit + 1])
    follows_anyone = bool(followed)
    window = feed(
        actor_ids=user.following.all() if follows_anyone else None,
        exclude_user=None if follows_anyone else user,
        page=page,
        target_querysets=[Image.objects.all(), User.objects.select_related("profile")],
    )
    return window, followed


def recently_viewed(user) -> list[Image] | None:
    """The last images `user` opened, newest first, skipping deleted ones; None when Redis is
    unavailable. One Redis command, and one query only when the list is not empty."""
    ids = ranking.recently_viewed_ids(user.pk)
    if ids is None:
        return None
    return images_by_ids_in_order(ids) if ids else []
