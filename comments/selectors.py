from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.safestring import SafeString

from bookmarks import privacy
from images.models import Image

from . import text
from .models import Comment

User = get_user_model()
COMMENTS_SHOWN = 20


class NotVisible(Exception):
    """No such image, or one this person may not see: answered as a 404."""


def visible_image(image_id: int, user) -> Image:
    """The image `user` may see, or NotVisible."""
    image = Image.objects.filter(pk=image_id).select_related("user").first()
    if image is None or not privacy.can_see_image(user, image):
        raise NotVisible(image_id)
    return image


def people_named(names: set[str]) -> dict:
    """{lower-cased username: user} for the active users among `names`. One query."""
    if not names:
        return {}
    found = User.objects.annotate(lname=Lower("username")).filter(lname__in=names, is_active=True)
    return {u.username.lower(): u for u in found.only("id", "username")}


@dataclass
class CommentView:
    """A comment as the page shows it: its HTML and what the viewer may do with it."""

    comment: Comment
    html: SafeString
    can_edit: bool
    can_delete: bool


@dataclass
class CommentsWindow:
    items: list[CommentView]
    earlier_before: int | None  # the id to ask "earlier comments" before; None: no more


def comments_for(image: Image, viewer, *, before: int | None = None, limit: int = COMMENTS_SHOWN):
    """The `limit` newest comments on `image` older than comment id `before`, oldest first,
    with authors and mentions resolved. Two queries however many comments and mentions."""
    comments = Comment.objects.filter(image=image).select_related("author__profile")
    if before is not None:
        comments = comments.filter(pk__lt=before)
    rows = list(comments.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit][::-1]
    people = people_named(text.names_in(c.body for c in rows))
    now = timezone.now()
    viewer_id = viewer.pk if viewer.is_authenticated else None
    items = [
        CommentView(
            comment=c,
            html=text.render(c.body, people),
            can_edit=c.author_id == viewer_id and now < c.editable_until(),
            can_delete=viewer_id is not None and viewer_id in (c.author_id, image.user_id),
        )
        for c in rows
    ]
    return CommentsWindow(items, rows[0].pk if more and rows else None)
