from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookmarks import live, privacy
from bookmarks.social import Happening
from images.models import Image

from .models import Notification, NotificationActor, Preferences


def _owner_id(target) -> int:
    return target.user_id if isinstance(target, Image) else target.pk


def _may_hear(recipient_id: int, actor, target) -> bool:
    if recipient_id == actor.pk or privacy.blocks(recipient_id, actor.pk):
        return False
    if isinstance(target, Image):
        recipient = get_user_model()(pk=recipient_id)
        return privacy.can_see_image(recipient, target)
    return True


def notify(
    kind: Happening, *, actor, target, recipients: list[int] | None = None
) -> list[Notification]:
    """Tell `recipients` (by default the target's owner: the image's, or the user followed)
    that `actor` did `kind` to `target`. Nobody hears of their own actions, of people they
    blocked, of targets they may not see, or of kinds they turned off. Joins the unread group
    of the same kind and target if there is one. The open pages of each recipient hear of it
    once the transaction commits. This is the hook other apps call (e.g. boards:
    notify(Happening.SAVED, actor=user, target=image))."""
    ids = {_owner_id(target)} if recipients is None else set(recipients)
    ids = {i for i in ids if _may_hear(i, actor, target)}
    if not ids:
        return []
    muted = set(
        Preferences.objects.filter(user_id__in=ids, **{kind.value: False}).values_list(
            "user_id", flat=True
        )
    )
    target_ct = ContentType.objects.get_for_model(target)
    made = []
    for recipient_id in sorted(ids - muted):
        made.append(_join_group(kind, actor, target_ct, target.pk, recipient_id))
        transaction.on_commit(partial(_tell, recipient_id, kind))
    return made


def _join_group(kind, actor, target_ct, target_id, recipient_id) -> Notification:
    key = dict(recipient_id=recipient_id, kind=kind, target_ct=target_ct, target_id=target_id)
    now = timezone.now()
    for _ in range(2):
        with transaction.atomic():
            group = Notification.objects.select_for_update().filter(read_at=None, **key).first()
            if group is None:
                try:
                    with transaction.atomic():
                        group = Notification.objects.create(actor=actor, **key)
                        NotificationActor.objects.create(notification=group, user=actor)
                        return group
                except IntegrityError:
                    continue  # made by a concurrent event a moment ago: join it
            _, new = NotificationActor.objects.get_or_create(notification=group, user=actor)
            group.actor, group.updated = actor, now
            group.actor_count += int(new)
            group.read_at = None
            group.save(update_fields=["actor", "updated", "actor_count"])
            return group
    raise RuntimeError("notification group kept changing")  # pragma: no cover


def _tell(recipient_id: int, kind: str) -> None:
    live.publish_to_user(
        recipient_id, "notification", {"kind": kind, "unread": unread_count(recipient_id)}
    )


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at=None).count()


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark `ids` (or all) of `user`'s unread notifications read; how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: _tell(user.pk, "read"))
    return changed


def preferences_for(user) -> Preferences:
    """The person's preferences; unsaved defaults (everything on, no digest) if never set."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def on_happened(sender, *, actor, target, recipients=None, **kwargs):
    """The receiver of bookmarks.social.happened (connected in NotificationsConfig.ready)."""
    notify(Happening(sender), actor=actor, target=target, recipients=recipients)
