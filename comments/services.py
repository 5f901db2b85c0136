from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.models import Verb
from actions.services import create_action
from bookmarks import privacy
from bookmarks.http import Refused
from bookmarks.social import Happening, announce
from images.models import Image

from . import text
from .models import MAX_LENGTH, Comment
from .selectors import people_named


def clean_body(body: str) -> tuple[str, list]:
    """The body to store and the people it mentions; Refused with the reason otherwise."""
    body = text.normalize(body)
    if not body:
        raise Refused(_("Write something first: the comment is empty."))
    if text.visible_length(body) > MAX_LENGTH:
        limit = number_format(MAX_LENGTH, force_grouping=True)
        raise Refused(
            ngettext(
                "Keep comments to %(count)s character.",
                "Keep comments to %(count)s characters.",
                MAX_LENGTH,
            )
            % {"count": limit}
        )
    names = text.mentioned_names(body)
    people = people_named(names)
    missing = sorted(names - people.keys())
    if missing:
        raise Refused(_("Nobody here is called @%(name)s.") % {"name": missing[0]})
    return body, list(people.values())


def add_comment(*, author, image: Image, body: str) -> Comment:
    """Add `author`'s comment to `image` (which they may see), record "commented on" and
    announce it (the owner and the people mentioned hear of it). Refused for an empty, too
    long or mis-addressed body, or when the image's owner blocked the author."""
    body, mentioned = clean_body(body)
    if privacy.blocks(image.user_id, author.pk):
        raise Refused(_("You cannot comment on this image."))
    with transaction.atomic():
        comment = Comment.objects.create(image=image, author=author, body=body)
        create_action(author, Verb.COMMENTED, image, public=not image.private)
        announce(Happening.COMMENTED, actor=author, target=image)
        others = [p.pk for p in mentioned if p.pk not in (author.pk, image.user_id)]
        if others:
            announce(Happening.MENTIONED, actor=author, target=image, recipients=others)
    return comment


def edit_comment(*, comment: Comment, body: str) -> Comment:
    """Change the text within the edit window (15 minutes); Refused after it."""
    if timezone.now() >= comment.editable_until():
        raise Refused(_("Comments can be edited for 15 minutes only; this one no longer can."))
    comment.body, _mentioned = clean_body(body)
    comment.edited = timezone.now()
    comment.save(update_fields=["body", "edited"])
    return comment


def delete_comment(*, comment: Comment) -> None:
    comment.delete()


def comment_for_author(comment_id: int, user) -> Comment:
    """The comment `user` wrote (DoesNotExist otherwise)."""
    return Comment.objects.select_related("image").get(pk=comment_id, author_id=user.pk)


def comment_for_deleter(comment_id: int, user) -> Comment:
    """The comment `user` may delete: their own, or any on their image."""
    comment = Comment.objects.select_related("image").get(pk=comment_id)
    if user.pk not in (comment.author_id, comment.image.user_id):
        raise Comment.DoesNotExist
    return comment
