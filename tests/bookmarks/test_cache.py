"""The Django cache stores JSON in Redis, never pickle: a Redis shared with others must not be
a way to run code in our workers (bookmarks/cache.py)."""

import json
import os
import pickle

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from images import ranking
from tests.factories import make_image


@pytest.fixture
def raw_redis():
    """The cache's Redis, as bytes (what another tenant of a shared Redis could write)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.ping()
    yield client
    client.close()


class MakesADirectory:
    """A pickle that, once loaded, creates a directory: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.makedirs, (self.path,))


def test_ranking_page_part_is_stored_as_readable_json(client, user, raw_redis):
    image = make_image(user, title="Ranked <b>first</b>")
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    assert client.get(image.get_absolute_url(), HTTP_USER_AGENT=browser).status_code == 200
    assert client.get("/images/ranking/").status_code == 200

    raw = raw_redis.get(cache.make_and_validate_key(ranking.ranking_cache_key("all")))
    assert raw is not None, "the ranking page part was not cached"
    html = json.loads(raw)  # plain JSON, no pickle opcodes
    assert isinstance(html, str)
    assert '<ol class="ranking">' in html and "Ranked &lt;b&gt;first&lt;/b&gt;" in html
    # Read back through the site: the same markup, rendered unescaped.
    again = client.get("/images/ranking/")
    assert html in again.content.decode()


def test_a_planted_pickle_under_a_cache_key_is_never_unpickled(client, db, raw_redis, tmp_path):
    marker = tmp_path / "pickle-ran"
    key = cache.make_and_validate_key(ranking.ranking_cache_key("all"))
    raw_redis.set(key, pickle.dumps(MakesADirectory(marker)))

    assert cache.get(ranking.ranking_cache_key("all"), "missed") == "missed"
    page = client.get("/images/ranking/")

    assert page.status_code == 200
    assert "No image has been viewed in this period yet." in page.content.decode()
    assert not marker.exists(), "the planted pickle ran"


@pytest.mark.parametrize(
    "value", ["<ol><li>x</li></ol>", 7, -3, 1.5, True, False, None, [1, "a"], {"a": [1, 2]}]
)
def test_json_values_round_trip(redis_client, value):
    cache.set("round-trip", value, 30)
    assert cache.get("round-trip", "missing") == value
    assert type(cache.get("round-trip")) is type(value)


def test_counters_stay_atomic_integers(redis_client):
    cache.set("counter", 1, 30)
    assert cache.incr("counter", 2) == 3
    assert cache.get("counter") == 3


def test_values_json_cannot_hold_are_refused_when_stored(redis_client):
    with pytest.raises(TypeError):
        cache.set("object", object(), 30)
