from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Exists, OuterRef, QuerySet

from .models import Action

FEED_PAGE_SIZE = 10


def feed(
    *,
    actor_ids=None,
    exclude_user=None,
    offset: int = 0,
    limit: int = FEED_PAGE_SIZE,
    target_querysets=(),
):
    """Newest actions of the given actors (a list of ids or a queryset of users), or of everyone
    but `exclude_user` when `actor_ids` is None; actors come with their profile, targets are
    prefetched with one query per target type (`target_querysets` say how, e.g. with
    select_related), and actions whose target was deleted are left out.
    Costs 1 query + 1 per target type, however many actions or actors."""
    actions = feed_queryset(actor_ids=actor_ids, exclude_user=exclude_user)
    if target_querysets:
        actions = actions.prefetch_related(GenericPrefetch("target", list(target_querysets)))
    else:
        actions = actions.prefetch_related("target")
    page = list(actions[offset : offset + limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return [a for a in page if a.target_id is None or a.target is not None], has_more


def feed_queryset(*, actor_ids=None, exclude_user=None):
    """The feed's query, newest first; served by the (user, -created) index."""
    actions = Action.objects.select_related("user__profile")
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
