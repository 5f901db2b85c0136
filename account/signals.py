"""Nothing of a deleted account, or of a replaced profile photo, is left behind, whatever path
deleted it (the admin, the shell, any ORM delete).

A user's deletion cascades through rows that send no signal of their own (likes, follows,
profile), so what they leave is gathered before any row goes, in `pre_delete` of the user:
- the images they liked (their likes go without `m2m_changed`): recounted after the commit;
- their profile photo and its thumbnails: removed after the commit, unless another profile
  shows the same file (demo avatars are shared);
- their "recently viewed" list and their place in the images' viewers sets, their event
  stream and their per-person rate-limit counters (Redis): after;
- the actions whose target they are ("is following <them>"; generic targets do not cascade):
  deleted in the same transaction, once the user rows are gone.

Deleting many users at once (an admin bulk delete, `seed_demo --reset`) costs the queries of
deleting one (see bookmarks.deletion). Files and Redis are touched only after the commit, so a
rolled-back delete keeps everything.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from actions.services import delete_actions_targeting
from bookmarks import live, ratelimit
from bookmarks.deletion import DeletionBatch, batch_for, close_batch, delete_unused_pictures
from images import ranking
from images.models import Image
from images.services import recount_likes

from .models import Profile

User = get_user_model()


class _UserDeletion(DeletionBatch):
    """The users one delete() call removes, and what they leave to clean up."""

    def __init__(self, origin) -> None:
        super().__init__()
        self.origin = origin
        self.gathered: dict[int, tuple[str, dict]] = {}  # pk -> photo, thumbnails
        self.likes: dict[int, set[int]] = {}  # pk -> ids of the images they liked
        self.pictures: list[tuple[str, dict]] = []

    def add(self, user) -> None:
        if not self.pks and isinstance(self.origin, QuerySet) and self.origin.model is User:
            self._gather(self.origin)  # every user of the call, in two queries
        if user.pk not in self.gathered:
            self._gather(User._default_manager.filter(pk=user.pk))
        super().add(user)
        photo, thumbnails = self.gathered.pop(user.pk, ("", {}))
        if photo:
            self.pictures.append((photo, thumbnails))

    def _gather(self, users: QuerySet) -> None:
        # Kept per user: only what belongs to users the call really deletes is acted on (a
        # user the origin selects now that the deletion did not collect is never added).
        rows = users.order_by().values_list("pk", "profile__photo", "profile__photo_thumbnails")
        self.gathered.update({pk: (photo or "", thumbs or {}) for pk, photo, thumbs in rows})
        likes = Image.users_like.through.objects.filter(user__in=users.order_by().values("pk"))
        for user_id, image_id in likes.values_list("user_id", "image_id"):
            self.likes.setdefault(user_id, set()).add(image_id)

    def in_transaction(self) -> None:
        delete_actions_targeting(User, ids=self.pks)

    def after_commit(self) -> None:
        recount_likes({i for pk in self.pks for i in self.likes.get(pk, ())}, lock=True)
        ranking.forget_users(self.pks)
        live.forget_users(self.pks)
        ratelimit.forget_people(self.pks)
        delete_unused_photos(self.pictures)


def user_deleting(sender, instance, origin=None, **kwargs):
    batch_for("account.user", instance, origin, partial(_UserDeletion, origin))


def user_deleted(sender, instance, origin=None, **kwargs):
    close_batch("account.user", instance, origin)


def delete_unused_photos(pictures: list[tuple[str, dict]]) -> None:
    """Remove these (photo, thumbnails) unless a row still shows the photo."""
    delete_unused_pictures(pictures)


def profile_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """A replaced (or cleared) photo: the old file and its thumbnails go once the save is
    committed. The stored row still holds the old photo's thumbnails at this point."""
    if (
        raw
        or instance._state.adding
        or (update_fields is not None and "photo" not in update_fields)
    ):
        return
    stored = Profile.objects.filter(pk=instance.pk).values_list("photo", "photo_thumbnails")
    old = stored.first()
    if old is None or not old[0] or old[0] == instance.photo.name:
        return
    transaction.on_commit(partial(delete_unused_photos, [(old[0], old[1] or {})]))
