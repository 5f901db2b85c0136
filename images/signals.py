"""Bookkeeping that must follow every write path (views, admin, shell)."""

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from actions.services import delete_actions_for
from bookmarks.thumbnails import delete_pictures

from . import ranking
from .models import Image

RECOUNT_BATCH = 500


def recount_likes(image_ids, *, lock: bool = False) -> None:
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
    with transaction.atomic():
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


def image_deleted(sender, instance, **kwargs):
    delete_actions_for(instance)
    image_id, thumbnails, fieldfile = instance.pk, instance.thumbnails or {}, instance.image

    def remove_files_and_views():
        # Only once the delete is committed: a rolled-back delete keeps its files. Files that
        # another row still shows (demo data shares a pool of pictures) are kept.
        if fieldfile and not Image.objects.filter(image=fieldfile.name).exists():
            delete_pictures([(fieldfile.name, thumbnails)])
        ranking.forget_image(image_id)

    transaction.on_commit(remove_files_and_views)
