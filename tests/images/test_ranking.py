import logging

import pytest
import redis
from django.urls import reverse

from images import ranking
from tests.factories import make_image

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_three_views_are_counted_in_redis_and_ranked(client, user, redis_client):
    first, second, third = (make_image(user, title=t) for t in ("First", "Second", "Third"))
    for image, views in ((first, 1), (second, 3), (third, 2)):
        for _ in range(views):
            assert client.get(image.get_absolute_url()).status_code == 200
    assert redis_client.get(ranking.views_key(second.id)) == "3"
    assert redis_client.zscore(ranking.ranking_key(), second.id) == 3

    response = client.get(reverse("images:ranking"))
    assert [i.id for i in response.context["images"]] == [second.id, third.id, first.id]
    assert [i.total_views for i in response.context["images"]] == [3, 2, 1]
    assert "Second" in response.content.decode()


def test_a_detail_view_costs_one_redis_round_trip(client, user, redis_client, round_trips):
    image = make_image(user)
    client.get(image.get_absolute_url())
    assert len(round_trips) == 1


def test_ranking_costs_one_redis_command_and_one_query(
    client, user, redis_client, round_trips, django_assert_num_queries
):
    images = [make_image(user, title=f"Image {n}") for n in range(12)]
    for n, image in enumerate(images):
        redis_client.zadd(ranking.ranking_key(), {image.id: n})
    round_trips.clear()
    with django_assert_num_queries(1):
        response = client.get(reverse("images:ranking"))
    assert len(round_trips) == 1
    assert [i.id for i in response.context["images"]] == [i.id for i in images[::-1][:10]]


def test_ranking_skips_images_deleted_meanwhile(client, user, redis_client):
    kept, gone = make_image(user, title="Kept"), make_image(user, title="Gone")
    redis_client.zadd(ranking.ranking_key(), {kept.id: 1, gone.id: 5})
    gone_id = gone.id
    gone.delete()
    response = client.get(reverse("images:ranking"))
    assert [i.id for i in response.context["images"]] == [kept.id]
    assert gone_id not in [i.id for i in response.context["images"]]


def test_deleting_an_image_removes_it_from_redis(
    user, redis_client, client, django_capture_on_commit_callbacks
):
    image = make_image(user)
    client.get(image.get_absolute_url())
    image_id = image.id
    assert redis_client.zscore(ranking.ranking_key(), image_id) == 1
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert redis_client.zscore(ranking.ranking_key(), image_id) is None
    assert redis_client.get(ranking.views_key(image_id)) is None


def test_with_redis_down_detail_and_ranking_still_answer(client, user, redis_down, caplog):
    image = make_image(user)
    with caplog.at_level(logging.WARNING, logger="images.ranking"):
        detail = client.get(image.get_absolute_url())
        page = client.get(reverse("images:ranking"))
    assert detail.status_code == 200
    assert "Views unavailable right now" in detail.content.decode()
    assert page.status_code == 200
    assert "Rankings are unavailable right now" in page.content.decode()
    assert any("Redis unavailable" in r.message for r in caplog.records)
