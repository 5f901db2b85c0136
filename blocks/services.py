"""Blocking a person: what it undoes at once, and what it refuses from then on.

After `block_user(blocker=a, blocked=b)`: neither follows the other any more, b is no longer a
collaborator on a's boards (nor a on b's); b cannot follow a, like or save a's images, nor
comment on them (each answers 4xx, see bookmarks.privacy), nor see a's page (404); a no longer
sees b's actions in the feed, and hears no notification from b. `unblock_user` lifts the block
(the follows removed stay removed).
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bookmarks.http import Refused

from .models import Block


def block_user(*, blocker, blocked) -> Block:
    """Block `blocked` for `blocker`. Idempotent; Refused for blocking yourself."""
    if blocker.pk == blocked.pk:
        raise Refused(_("You cannot block yourself."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                block = Block.objects.create(blocker=blocker, blocked=blocked)
        except IntegrityError:  # blocked already (or at the same moment)
            block = Block.objects.get(blocker=blocker, blocked=blocked)
        pair = Q(user_from=blocker.pk, user_to=blocked.pk) | Q(
            user_from=blocked.pk, user_to=blocker.pk
        )
        get_user_model().following.through.objects.filter(pair).delete()
        _drop_collaboration(blocker.pk, blocked.pk)
    return block


def unblock_user(*, blocker, blocked) -> None:
    """Lift `blocker`'s block of `blocked` (nothing when there was none)."""
    Block.objects.filter(blocker=blocker.pk, blocked=blocked.pk).delete()


def _drop_collaboration(one: int, other: int) -> None:
    from django.apps import apps

    # boards sits above blocks in the import order: reached through the app registry.
    BoardMember = apps.get_model("boards", "BoardMember")
    BoardMember.objects.filter(
        Q(board__owner=one, user=other) | Q(board__owner=other, user=one)
    ).delete()
