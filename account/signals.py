"""Nothing of a deleted account, or of a replaced profile photo, is left behind, whatever path
deleted it (the admin, the shell, any ORM delete).

A user's deletion cascades through rows that send no signal of their own (likes, follows,
profile), so the work is gathered before any row goes, in `pre_delete` of the user:
- the images they liked (the likes go without `m2m_changed`): recounted after the commit;
- their profile photo and its thumbnails: removed after the commit, unless another profile
  shows the same file (demo avatars are shared);
- their "recently viewed" list and their place in the images' viewers sets (Redis);
- the actions whose target they are ("is following <them>"; generic targets do not cascade):
  deleted in the same transaction, once the user rows are gone.

Deleting many users at once (an admin bulk delete, `seed_demo --reset`) costs the same few
queries as deleting one: the first user of a `delete()` call gathers for every user of that call
(its `origin`), the others take their share. Files and Redis are touched only after the commit,
so a rolled-back delete keeps everything.
"""

from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from actions.services import delete_actions_targeting
from bookmarks.thumbnails import delete_pictures
from images import ranking
from images.models import Image
from images.signals import recount_likes

from .models import Profile

User = get_user_model()
_DELETION = "_account_deletion"


@dataclass
class _Leftovers:
    photo: str = ""
    photo_thumbnails: dict = field(default_factory=dict)
    liked: list[int] = field(default_factory=list)


@dataclass
class _Deletion:
    """What one delete() call of users leaves to clean up."""

    gathered: dict[int, _Leftovers]  # users of the call not yet seen by pre_delete
    user_ids: list[int] = field(default_factory=list)
    liked: set[int] = field(default_factory=set)
    pictures: list[tuple[str, dict]] = field(default_factory=list)
    closed: bool = False

    def take(self, user_id: int, leftovers: _Leftovers) -> None:
        self.user_ids.append(user_id)
        self.liked.update(leftovers.liked)
        if leftovers.photo:
            self.pictures.append((leftovers.photo, leftovers.photo_thumbnails))


def _gather(users: QuerySet) -> dict[int, _Leftovers]:
    """Two queries, however many users."""
    found = {
        pk: _Leftovers(photo or "", thumbnails or {})
        for pk, photo, thumbnails in users.order_by().values_list(
            "pk", "profile__photo", "profile__photo_thumbnails"
        )
    }
    likes = Image.users_like.through.objects.filter(user__in=users.order_by().values("pk"))
    for user_id, image_id in likes.values_list("user_id", "image_id"):
        if user_id in found:
            found[user_id].liked.append(image_id)
    return found


def user_deleting(sender, instance, origin=None, **kwargs):
    holder = origin if origin is not None else instance
    deletion = getattr(holder, _DELETION, None)
    if deletion is None or deletion.closed or instance.pk not in deletion.gathered:
        # The first user of this delete() call (or one its origin did not select).
        if isinstance(origin, QuerySet) and origin.model is sender:
            scope = origin
        else:
            scope = sender._default_manager.filter(pk=instance.pk)
        deletion = _Deletion(gathered=_gather(scope))
        if instance.pk not in deletion.gathered:
            deletion.gathered.update(_gather(sender._default_manager.filter(pk=instance.pk)))
        setattr(holder, _DELETION, deletion)
        transaction.on_commit(partial(_clean_up_after_commit, deletion))
    deletion.take(instance.pk, deletion.gathered.pop(instance.pk, _Leftovers()))


def user_deleted(sender, instance, origin=None, **kwargs):
    # After the first post_delete of a call, every user of the call is gone (the ORM deletes a
    # model's rows in one go, then signals): the actions about them go in one query.
    holder = origin if origin is not None else instance
    deletion = getattr(holder, _DELETION, None)
    if deletion is not None and not deletion.closed:
        deletion.closed = True
        delete_actions_targeting(sender, deletion.user_ids)


def _clean_up_after_commit(deletion: _Deletion) -> None:
    recount_likes(deletion.liked, lock=True)
    ranking.forget_users(deletion.user_ids)
    delete_unused_photos(deletion.pictures)


def delete_unused_photos(pictures: list[tuple[str, dict]]) -> None:
    """Remove these (photo, thumbnails) unless a profile still shows the photo."""
    names = {name for name, _ in pictures}
    if not names:
        return
    shown = set(Profile.objects.filter(photo__in=names).values_list("photo", flat=True))
    delete_pictures([(name, thumbs) for name, thumbs in pictures if name not in shown])


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
