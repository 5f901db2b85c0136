from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Exists, OuterRef, QuerySet

from bookmarks.paging import window_page

from .models import Action

FEED_PAGE_SIZE = 10


def feed(*, actor_ids=None, exclude_user=None, page=1, target_querysets=()):
    """Page `page` (FEED_PAGE_SIZE actions, newest first) of the actions of the given actors (a
    list of ids or a queryset of users), or of everyone but `exclude_user` when `actor_ids` is
    None; None past the end. Actors come with their profile, targets are prefetched with one
    query per target type (`target_querysets` say how), and actions whose target was deleted
    are left out. Costs 1 query + 1 per target type, however many actions or actors."""
    actions = feed_queryset(actor_ids=actor_ids, exclude_user=exclude_user)
    if target_querysets:
        actions = actions.prefetch_related(GenericPrefetch("target", list(target_querysets)))
    else:
        actions = actions.prefetch_related("target")
    window = window_page(actions, page, per_page=FEED_PAGE_SIZE)
    if window is not None:
        window.object_list = [
            a for a in window.object_list if a.target_id is None or a.target is not None
        ]
    return window


def feed_queryset(*, actor_ids=None, exclude_user=None):
    """The feed's query, newest first. Served by the (-created, user) feed index
    (actions_feed_idx): read newest first, it skips other people's actions inside the index
    and stops after a page. PostgreSQL may pick the (user, -created) index instead for a few
    quiet followees (tests/actions/test_query_plan.py)."""
    # Only what a feed line draws of the actor (name, link, avatar): whole user rows cost a
    # dozen columns and two datetimes to convert per line.
    actions = Action.objects.select_related("user__profile").only(
        "id", "user_id", "verb", "target_ct_id", "target_id", "created",
        "user__id", "user__username", "user__first_name", "user__last_name",
        "user__profile__id", "user__profile__user_id", "user__profile__photo",
        "user__profile__photo_thumbnails",
    )  # fmt: skip
    if isinstance(actor_ids, QuerySet):
        # A correlated EXISTS rather than IN: databases then read the feed index backwards
        # and stop after a page, instead of gathering every action of every actor and
        # sorting them (SQLite picks the latter for IN).
        actions = actions.filter(Exists(actor_ids.filter(pk=OuterRef("user_id"))))
    elif actor_ids is not None:
        actions = actions.filter(user_id__in=actor_ids)
    if exclude_user is not None:
        actions = actions.exclude(user_id=exclude_user.pk)
    return actions.order_by("-created", "-id")
