"""The feed query reads the composite feed index on SQLite and PostgreSQL, so its cost stays
flat as actions grow (it walks the index newest first and stops after a page)."""

import pytest
from django.db import connection

from actions.models import Action, Verb
from actions.selectors import feed_queryset
from actions.services import create_action
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        # Tiny test tables make a sequential scan cheapest; forbid it to see which index the
        # planner would use (SET LOCAL ends with the test's transaction).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def me():
    me = make_user("me")
    people = [make_user(f"p{n}") for n in range(6)]
    me.following.add(*people[:3])
    for person in people:
        create_action(person, Verb.FOLLOWS, me)
    return me


def test_followed_feed_uses_a_composite_index(me):
    explained = plan(feed_queryset(actor_ids=me.following.all())[:11])
    if connection.vendor == "sqlite":
        assert "actions_feed_idx" in explained, explained
        assert "TEMP B-TREE FOR ORDER BY" not in explained  # no sort of all matching actions
    else:
        # PostgreSQL picks by its statistics: the time-ordered feed index, or the per-user
        # (user, -created) index for few, quiet followees. Never a scan of the whole table.
        assert "actions_feed_idx" in explained or "actions_user_newest_idx" in explained
        assert "Seq Scan on actions_action" not in explained
    assert len(list(feed_queryset(actor_ids=me.following.all())[:11])) == 6  # 3 people × 2


def test_everyone_feed_uses_the_feed_index(me):
    explained = plan(feed_queryset(exclude_user=me)[:11])
    assert "actions_feed_idx" in explained, explained
    assert Action.objects.count() == 13  # 7 accounts created, 6 follows


def test_first_followed_pages_read_a_few_actions_of_each_followee(me):
    """PostgreSQL: the first pages take each followee's newest actions with a LIMIT (one
    lateral read of the (user, -created) index each) instead of all of them to sort."""
    explained = plan(feed_queryset(actor_ids=me.following.all(), enough=11)[:11])
    if connection.vendor == "postgresql":
        assert "actions_user_newest_idx" in explained, explained
        lateral = explained[explained.index("->  Limit") :]  # the per-followee LIMIT
        assert "actions_user_newest_idx" in lateral, explained
        assert "Seq Scan on actions_action" not in explained
    else:
        assert "actions_feed_idx" in explained, explained


def test_followed_feed_pages_are_the_same_with_the_per_followee_read(me):
    people = list(me.following.all())
    same_time = Action.objects.first().created
    Action.objects.bulk_create(
        [Action(user=p, verb=f"v{n}", created=same_time) for p in people for n in range(9)]
    )  # ties on `created` are broken by id, the same way in both reads
    followed = me.following.all()
    for rows in (11, 21, 31):
        everything = list(feed_queryset(actor_ids=followed).values_list("id", flat=True))
        first = list(feed_queryset(actor_ids=followed, enough=rows)[:rows].values_list("id"))
        assert [i for (i,) in first] == everything[:rows]
