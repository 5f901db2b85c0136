"""Bookkeeping that must follow every write path (views, admin, shell)."""

from actions.services import delete_actions_targeting
from bookmarks.deletion import DeletionBatch, batch_for, close_batch, delete_unused_pictures

from . import ranking
from .files import derived_names
from .models import Image
from .services import recount_likes


def users_like_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # user.images_liked.clear(): remember which images lose a like.
        instance._cleared_image_ids = list(instance.images_liked.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        recount_likes([instance.pk])
    elif action == "post_clear":
        recount_likes(getattr(instance, "_cleared_image_ids", []))
    elif pk_set:
        recount_likes(pk_set)


class _ImageDeletion(DeletionBatch):
    """The images one delete() call removes (one, a queryset, or a user's, by cascade)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list = []

    def add(self, image) -> None:
        super().add(image)
        self.images.append(image)

    def in_transaction(self) -> None:
        delete_actions_targeting(Image, ids=self.pks)

    def after_commit(self) -> None:
        # Files that another row still shows stay (two people's same bytes share one stored
        # original, images.files; demo rows share theirs): bookmarks.deletion asks.
        delete_unused_pictures(
            [(i.image.name, derived_names(i.thumbnails, i.derivatives)) for i in self.images]
        )
        ranking.forget_images(self.pks)


def image_deleting(sender, instance, origin=None, **kwargs):
    batch_for("images.image", instance, origin, _ImageDeletion)


def image_deleted(sender, instance, origin=None, **kwargs):
    close_batch("images.image", instance, origin)
