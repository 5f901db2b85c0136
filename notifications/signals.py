"""Bookkeeping that must follow every write path: notifications about a deleted image go
with it (their target is generic, so nothing cascades), however it was deleted (its owner, an
account deletion, the admin). One DELETE per delete() call (see bookmarks.deletion)."""

from django.contrib.contenttypes.models import ContentType

from bookmarks.deletion import DeletionBatch, batch_for, close_batch
from images.models import Image

from .models import Notification


class _TargetsGone(DeletionBatch):
    def in_transaction(self) -> None:
        target_ct = ContentType.objects.get_for_model(Image)
        ids = sorted(self.pks)
        for start in range(0, len(ids), 1000):
            Notification.objects.filter(
                target_ct=target_ct, target_id__in=ids[start : start + 1000]
            ).delete()


def image_deleting(sender, instance, origin=None, **kwargs):
    batch_for("notifications.targets", instance, origin, _TargetsGone)


def image_deleted(sender, instance, origin=None, **kwargs):
    close_batch("notifications.targets", instance, origin)
