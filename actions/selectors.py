from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from blocks.models import Block
from bookmarks.paging import MAX_PAGE, window_page

from .models import Action

FEED_PAGE_SIZE = 10
# The first pages of a followed feed on PostgreSQL take each followee's newest actions (see
# _newest_of_each); deeper pages, which need more of each, walk the indexes as before.
LATERAL_MAX = 10 * FEED_PAGE_SIZE + 1


def feed(*, actor_ids=None, exclude_user=None, page=1, target_querysets=(), viewer=None):
    """Page `page` (FEED_PAGE_SIZE actions, newest first) of the actions of the given actors (a
    list of ids or a queryset of users), or of everyone but `exclude_user` when `actor_ids` is
    None; None past the end. Actors come with their profile, targets are prefetched with one
    query per target type (`target_querysets` say how), and actions whose target was deleted
    are left out, as are non-public ones and, for `viewer`, those of people they blocked.
    Costs 1 query + 1 per target type, however many actions or actors."""
    actions = feed_queryset(
        actor_ids=actor_ids, exclude_user=exclude_user, enough=_rows_up_to(page), viewer=viewer
    )
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


def _rows_up_to(page) -> int | None:
    """How many newest actions reach to the end of page `page` (and one more, which tells
    whether another page follows); None for what window_page will refuse or read as page 1."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    return number * FEED_PAGE_SIZE + 1 if 1 <= number <= MAX_PAGE else None


def feed_queryset(*, actor_ids=None, exclude_user=None, enough=None, viewer=None):
    """The feed's query, newest first. Served by the (-created, user) feed index
    (actions_feed_idx): read newest first, it skips other people's actions inside the index
    and stops after a page. PostgreSQL may pick the (user, -created) index instead for a few
    quiet followees (tests/actions/test_query_plan.py). `enough`: the caller reads at most
    this many rows, which lets PostgreSQL take only that many of each actor's actions.
    Only public actions (see Action.public); none by people `viewer` blocked."""
    # Only what a feed line draws of the actor (name, link, avatar): whole user rows cost a
    # dozen columns and two datetimes to convert per line.
    actions = Action.objects.select_related("user__profile").only(
        "id", "user_id", "verb", "target_ct_id", "target_id", "created",
        "user__id", "user__username", "user__first_name", "user__last_name",
        "user__profile__id", "user__profile__user_id", "user__profile__photo",
        "user__profile__photo_thumbnails",
    )  # fmt: skip
    actions = actions.filter(public=True)
    if viewer is not None and viewer.is_authenticated:
        blocked = Block.objects.filter(blocker_id=viewer.pk, blocked_id=OuterRef("user_id"))
        actions = actions.exclude(Exists(blocked))
    if isinstance(actor_ids, QuerySet):
        if connections[actions.db].vendor == "postgresql" and enough and enough <= LATERAL_MAX:
            actions = actions.filter(id__in=_newest_of_each(actor_ids, enough, using=actions.db))
        else:
            # A correlated EXISTS rather than IN: databases then read the feed index backwards
            # and stop after a page, instead of gathering every action of every actor and
            # sorting them (SQLite picks the latter for IN).
            actions = actions.filter(Exists(actor_ids.filter(pk=OuterRef("user_id"))))
    elif actor_ids is not None:
        actions = actions.filter(user_id__in=actor_ids)
    if exclude_user is not None:
        actions = actions.exclude(user_id=exclude_user.pk)
    return actions.order_by("-created", "-id")


def _newest_of_each(actors: QuerySet, per_actor: int, *, using: str) -> RawSQL:
    """PostgreSQL: the ids of each actor's `per_actor` newest actions, one LATERAL index read
    of (user, -created) per actor. Any first `per_actor` rows of the merged feed lie among
    them, so the database sorts at most actors × per_actor rows; without this it reads every
    action of every followee (thousands at the large bench size) to sort them."""
    actor_sql, actor_params = actors.values("pk").query.get_compiler(using).as_sql()
    quote = connections[using].ops.quote_name
    table = quote(Action._meta.db_table)
    user, created, pk, public = (
        quote(Action._meta.get_field(f).column)  # type: ignore[union-attr, arg-type]
        for f in ("user", "created", "id", "public")
    )
    sql = (
        f"SELECT newest.{pk} FROM ({actor_sql}) AS actor (pk) CROSS JOIN LATERAL ("
        f"SELECT a.{pk} FROM {table} a WHERE a.{user} = actor.pk AND a.{public} "
        f"ORDER BY a.{created} DESC, a.{pk} DESC LIMIT %s) AS newest"
    )
    return RawSQL(sql, (*actor_params, per_actor))
