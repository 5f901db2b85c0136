import logging
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.test import Client
from django.urls import reverse

from images import ranking
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


@pytest.fixture
def round_trips(monkeypatch):
    """Counts what is sent to Redis, one entry per round trip (a pipeline is one)."""
    sent = []
    real_send = redis.connection.Connection.send_packed_command

    def counting_send(self, command, check_health=True):
        sent.append(command)
        return real_send(self, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting_send)
    return sent


def visitor(n: int) -> Client:
    """A distinct anonymous visitor (address and browser differ)."""
    return Client(REMOTE_ADDR=f"127.0.0.{n + 1}", HTTP_USER_AGENT=f"{BROWSER} v{n}")


def view(image, n=0):
    response = visitor(n).get(image.get_absolute_url())
    assert response.status_code == 200
    return response


def ranking_ids(period="all"):
    response = Client().get(reverse("images:ranking"), {"period": period})
    assert response.status_code == 200
    return [image.id for image, _ in response.context["ranking_entries"]]


def test_three_views_are_counted_in_redis_and_ranked(user, redis_client):
    first, second, third = (make_image(user, title=t) for t in ("First", "Second", "Third"))
    for image, views in ((first, 1), (second, 3), (third, 2)):
        for n in range(views):
            view(image, n)
    assert redis_client.get(ranking.views_key(second.id)) == "3"
    assert redis_client.zscore(ranking.ranking_key(), second.id) == 3

    response = Client().get(reverse("images:ranking"))
    entries = response.context["ranking_entries"]
    assert [(image.id, views) for image, views in entries] == [
        (second.id, 3),
        (third.id, 2),
        (first.id, 1),
    ]
    assert "Second" in response.content.decode()


def test_a_detail_view_costs_one_redis_round_trip(user, redis_client, round_trips):
    image = make_image(user)
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(make_user("viewer"))
    round_trips.clear()
    client.get(image.get_absolute_url())
    # The session is read from Redis too (the sessions cache); counting the view is one trip.
    counting = [t for t in round_trips if not any(b"django.contrib.sessions" in p for p in t)]
    assert len(counting) == 1


def test_ten_reloads_by_one_visitor_count_once(user, redis_client):
    image = make_image(user)
    for _ in range(10):
        response = view(image, 0)
    assert redis_client.get(ranking.views_key(image.id)) == "1"
    assert '1</strong> <span class="muted">view' in response.content.decode()
    view(image, 1)
    assert redis_client.get(ranking.views_key(image.id)) == "2"


def test_the_same_visitor_counts_again_after_an_hour(user, redis_client):
    image = make_image(user)
    view(image)
    seen = [k for k in redis_client.scan_iter(ranking.seen_key(image.id, "*"))]
    assert len(seen) == 1
    assert 3500 < redis_client.ttl(seen[0]) <= 3600
    redis_client.delete(seen[0])  # what expiry does after an hour
    view(image)
    assert redis_client.get(ranking.views_key(image.id)) == "2"


def views_of(redis_client, image) -> int:
    return int(redis_client.get(ranking.views_key(image.id)) or 0)


def test_a_new_user_agent_does_not_make_a_new_anonymous_visitor(user, redis_client):
    image = make_image(user)
    for n in range(5):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=f"{BROWSER} v{n}").get(
            image.get_absolute_url()
        )
    assert views_of(redis_client, image) == 1
    Client(REMOTE_ADDR="203.0.113.8", HTTP_USER_AGENT=BROWSER).get(image.get_absolute_url())
    assert views_of(redis_client, image) == 2


def test_addresses_of_one_ipv6_64_are_one_anonymous_visitor(user, redis_client):
    image = make_image(user)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1:2:3"):
        Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER).get(image.get_absolute_url())
    assert views_of(redis_client, image) == 1
    Client(REMOTE_ADDR="2001:db8:1:3::1", HTTP_USER_AGENT=BROWSER).get(image.get_absolute_url())
    assert views_of(redis_client, image) == 2


def test_a_logged_in_person_counts_once_across_devices_addresses_and_logins(user, redis_client):
    image = make_image(user)
    viewer = make_user("viewer")
    for n in range(3):  # three devices: three sessions, addresses and browsers, one account
        device = Client(REMOTE_ADDR=f"198.51.100.{n + 1}", HTTP_USER_AGENT=f"{BROWSER} v{n}")
        device.force_login(viewer)
        device.get(image.get_absolute_url())
    assert views_of(redis_client, image) == 1
    # Logged in, a person is not mistaken for the others at their address.
    Client(REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=BROWSER).get(image.get_absolute_url())
    assert views_of(redis_client, image) == 2


def test_redis_holds_no_client_address(user, redis_client):
    image = make_image(user)
    Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=BROWSER).get(image.get_absolute_url())
    assert not [key for key in redis_client.scan_iter("*") if "203.0.113" in key]


@pytest.mark.parametrize(
    "agent", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", ""]
)
def test_bots_are_not_counted(user, redis_client, agent):
    image = make_image(user)
    response = Client(HTTP_USER_AGENT=agent).get(image.get_absolute_url())
    assert response.status_code == 200
    assert redis_client.get(ranking.views_key(image.id)) is None
    assert redis_client.zscore(ranking.ranking_key(), image.id) is None


def test_day_week_and_all_time_rankings_on_different_days(user, redis_client, settings):
    old, recent, today_only = (make_image(user, title=t) for t in ("Old", "Recent", "Today"))
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with time_machine.travel(now - timedelta(days=10), tick=False):
        for n in range(5):
            view(old, n)
    with time_machine.travel(now - timedelta(days=3), tick=False):
        for n in range(3):
            view(recent, n)
    with time_machine.travel(now, tick=False):
        view(today_only, 0)
        assert ranking_ids("day") == [today_only.id]
        assert ranking_ids("week") == [recent.id, today_only.id]
        assert ranking_ids("all") == [old.id, recent.id, today_only.id]
        day_ttl = redis_client.ttl(ranking.day_key(now.date()))
        week_ttl = redis_client.ttl(ranking.week_key(now.date()))
    assert 0 < day_ttl <= ranking.DAY_TTL
    assert 0 < week_ttl <= ranking.WEEK_TTL
    assert redis_client.ttl(ranking.ranking_key()) == -1  # all time: kept


def test_unknown_period_falls_back_to_all_time(user, redis_client):
    image = make_image(user)
    view(image)
    assert ranking_ids("<script>") == [image.id]


def test_ranking_page_part_is_cached_briefly(user, redis_client, django_assert_num_queries):
    image = make_image(user)
    view(image)
    ranking_ids()
    with django_assert_num_queries(0):
        response = Client().get(reverse("images:ranking"))
    assert image.title in response.content.decode()


def test_ranking_costs_one_redis_command_and_one_query_when_not_cached(
    client, user, redis_client, round_trips, django_assert_num_queries
):
    images = [make_image(user, title=f"Image {n}") for n in range(12)]
    for n, image in enumerate(images):
        redis_client.zadd(ranking.ranking_key(), {image.id: n + 1})
    round_trips.clear()
    with django_assert_num_queries(1):
        response = client.get(reverse("images:ranking"))
    # cache GET (miss), ZREVRANGE, cache SET
    assert len(round_trips) == 3
    assert [i.id for i, _ in response.context["ranking_entries"]] == [
        i.id for i in images[::-1][:10]
    ]


def test_deleting_an_image_removes_it_from_rankings_and_recent_lists(
    user, redis_client, django_capture_on_commit_callbacks
):
    kept, gone = make_image(user, title="Kept"), make_image(user, title="Gone")
    viewer = Client(HTTP_USER_AGENT=BROWSER)
    viewer.force_login(make_user("viewer"))
    for image in (kept, gone):
        viewer.get(image.get_absolute_url())
    for period in ("day", "week", "all"):
        assert set(ranking_ids(period)) == {kept.id, gone.id}  # and now cached
    gone_id = gone.id
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    for period in ("day", "week", "all"):
        assert ranking_ids(period) == [kept.id]
    assert redis_client.get(ranking.views_key(gone_id)) is None
    recent = viewer.get(reverse("dashboard")).context["recently_viewed"]
    assert [i.id for i in recent] == [kept.id]
    viewer_id = viewer.get(reverse("dashboard")).wsgi_request.user.id
    assert redis_client.lrange(ranking.recent_key(viewer_id), 0, -1) == [str(kept.id)]


def test_recently_viewed_shows_the_last_10_distinct_newest_first(user, redis_client):
    images = [make_image(user, title=f"R{n}") for n in range(12)]
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(make_user("viewer"))
    for image in images:
        client.get(image.get_absolute_url())
    client.get(images[3].get_absolute_url())  # again: moves to the front, no duplicate
    recent = client.get(reverse("dashboard")).context["recently_viewed"]
    expected = [images[3]] + [i for i in images[::-1] if i != images[3]][:9]
    assert [i.id for i in recent] == [i.id for i in expected]


def test_redis_down_every_redis_page_answers_with_a_note(user, redis_down, caplog):
    image = make_image(user)
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(user)
    with caplog.at_level(logging.WARNING):
        detail = client.get(image.get_absolute_url())
        page = client.get(reverse("images:ranking"), {"period": "week"})
        dashboard = client.get(reverse("dashboard"))
    assert detail.status_code == page.status_code == dashboard.status_code == 200
    assert "Views unavailable right now" in detail.content.decode()
    assert "Rankings are unavailable right now" in page.content.decode()
    assert "Recently viewed images are unavailable right now" in dashboard.content.decode()
    assert any("Redis unavailable" in r.message for r in caplog.records)


def test_redis_back_counting_resumes(user, redis_client, settings):
    image = make_image(user)
    real_url = settings.REDIS_URL
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    view(image, 0)
    settings.REDIS_URL = real_url
    view(image, 1)
    assert redis_client.get(ranking.views_key(image.id)) == "1"
