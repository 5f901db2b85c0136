"""Bookkeeping that must follow every write path (views, admin, shell)."""

from collections.abc import Iterable
from contextlib import nullcontext

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from actions.services import delete_actions_targeting
from bookmarks.deletion import DeletionBatch, batch_for, close_batch
from bookmarks.thumbnails import delete_pictures

from . import ranking
from .models import Image

RECOUNT_BATCH = 500


def recount_likes(image_ids: Iterable[int], *, lock: bool = False) -> None:
    """Set total_likes from the rows, in one UPDATE (never read-modify-write in Python); one
    per 500 images. With `lock`, first wait for likes in flight on these images (like_image
    holds the image row while it adds one), so the count sees them: for callers that do not
    hold the rows themselves. Rows are locked in id order, so two recounts cannot deadlock."""
    ids = sorted(set(image_ids))
    through = Image.users_like.through
    likes = (
        through.objects.filter(image_id=OuterRef("pk"))
        .order_by()
        .values("image_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The lock needs a transaction (held until it ends); a plain recount needs none of its own.
    with transaction.atomic() if lock and ids else nullcontext():
        for start in range(0, len(ids), RECOUNT_BATCH):
            images = Image.objects.filter(pk__in=ids[start : start + RECOUNT_BATCH])
            if lock:
                list(images.select_for_update().order_by("pk").values_list("pk", flat=True))
            images.update(total_likes=Coalesce(Subquery(likes), 0))


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
        self.pictures: dict[str, dict] = {}  # file name -> thumbnails

    def add(self, image) -> None:
        super().add(image)
        if image.image:
            self.pictures[image.image.name] = image.thumbnails or {}

    def in_transaction(self) -> None:
        delete_actions_targeting(Image, ids=self.pks)

    def after_commit(self) -> None:
        # Files that another row still shows (demo data shares a pool of pictures) are kept.
        shown = set(
            Image.objects.filter(image__in=list(self.pictures)).values_list("image", flat=True)
        )
        delete_pictures([item for item in self.pictures.items() if item[0] not in shown])
        ranking.forget_images(self.pks)


def image_deleting(sender, instance, origin=None, **kwargs):
    batch_for("images.image", instance, origin, _ImageDeletion)


def image_deleted(sender, instance, origin=None, **kwargs):
    close_batch("images.image", instance, origin)
