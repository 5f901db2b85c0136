"""Bookkeeping that must follow every write path (views, admin, shell)."""

from django.db import transaction

from actions.services import delete_actions_for
from bookmarks.thumbnails import delete_thumbnails

from . import ranking
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


def image_deleted(sender, instance, **kwargs):
    delete_actions_for(instance)
    image_id, thumbnails, fieldfile = instance.pk, instance.thumbnails or {}, instance.image

    def remove_files_and_views():
        # Only once the delete is committed: a rolled-back delete keeps its files.
        if fieldfile:
            delete_thumbnails(thumbnails)
            fieldfile.storage.delete(fieldfile.name)
        ranking.forget_image(image_id)

    transaction.on_commit(remove_files_and_views)
