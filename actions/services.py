from collections.abc import Iterable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from bookmarks import live

from .models import Action, Verb

REPEAT_WINDOW = timedelta(seconds=60)


def create_action(user, verb: Verb, target=None, *, public: bool = True) -> bool:
    """Record that `user` did `verb` (to `target`). Returns False, recording nothing, when the
    same user did the same verb to the same target within the last 60 seconds. A non-public
    action (about a private image, a secret board) is kept but shown to nobody."""
    now = timezone.now()
    similar = Action.objects.filter(user_id=user.id, verb=verb, created__gte=now - REPEAT_WINDOW)
    if target is not None:
        target_ct = ContentType.objects.get_for_model(target)
        similar = similar.filter(target_ct=target_ct, target_id=target.pk)
    else:
        target_ct = None
        similar = similar.filter(target_ct__isnull=True)
    if similar.exists():
        return False
    Action.objects.create(
        user=user,
        verb=verb,
        target_ct=target_ct,
        target_id=getattr(target, "pk", None),
        created=now,
        public=public,
    )
    if not public:
        return True
    # Open dashboards of the user's followers hear of it: one message, however many follow.
    transaction.on_commit(lambda: live.publish_from_actor(user.id, "feed", {"verb": verb}))
    return True


def delete_actions_for(target) -> int:
    """Remove the actions whose target is `target` (called when the target is deleted)."""
    return delete_actions_targeting(type(target), ids=[target.pk])


def delete_actions_targeting(model: type[Model], *, ids: Iterable[int]) -> int:
    """Remove the actions whose target is any of `ids` of `model` (called when they are
    deleted): one DELETE per thousand targets."""
    target_ct = ContentType.objects.get_for_model(model)
    ids = sorted(set(ids))
    deleted = 0
    for start in range(0, len(ids), 1000):
        actions = Action.objects.filter(
            target_ct=target_ct, target_id__in=ids[start : start + 1000]
        )
        deleted += actions.delete()[0]
    return deleted


def set_actions_public(model: type[Model], *, ids: Iterable[int], public: bool) -> int:
    """Show (or hide from everyone) the actions about these targets of `model`: an image made
    private or public again, a board made secret or public. One UPDATE per thousand targets."""
    target_ct = ContentType.objects.get_for_model(model)
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), 1000):
        actions = Action.objects.filter(
            target_ct=target_ct, target_id__in=ids[start : start + 1000]
        )
        changed += actions.exclude(public=public).update(public=public)
    return changed
