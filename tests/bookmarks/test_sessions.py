"""Sessions are read from Redis before the database (one query less a page), and stay safe
when Redis is down: people stay logged in, log in and log out, never a 500."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookmarks.redis import get_redis
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username="alice"):
    answer = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content[:300]


def session_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_a_logged_in_page_reads_the_session_from_redis_not_the_database(client, user):
    log_in(client)
    client.get(reverse("images:list"))  # a first read may fill the cache
    assert session_queries(client, reverse("images:list")) == []


def test_session_cache_entries_live_at_most_the_cap(client, user, redis_client):
    log_in(client)
    keys = redis_client.keys(f"{settings.REDIS_KEY_PREFIX}session*")
    assert keys, "the session was not cached"
    cap = settings.CACHES["sessions"]["OPTIONS"]["MAX_TIMEOUT"]
    assert all(0 < redis_client.ttl(key) <= cap for key in keys)


def test_people_stay_logged_in_when_redis_goes_down(client, user, settings):
    log_in(client)
    closed = "redis://127.0.0.1:1/0"
    settings.CACHES = {alias: {**c, "LOCATION": closed} for alias, c in settings.CACHES.items()}
    settings.REDIS_URL = closed
    answer = client.get(reverse("dashboard"))
    assert answer.status_code == 200  # not a redirect to the login page
    assert answer.context["request"].user == user


def test_log_in_and_out_work_with_redis_down(client, user, redis_down):
    log_in(client)
    assert client.get(reverse("dashboard")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 200
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie no longer works
    answer = client.get(reverse("dashboard"))
    assert answer.status_code == 302 and answer.url.startswith(reverse("login"))


def test_a_session_saved_while_redis_was_down_is_read_once_it_is_back(client, user, settings):
    original = {alias: dict(c) for alias, c in settings.CACHES.items()}
    closed = "redis://127.0.0.1:1/0"
    settings.CACHES = {alias: {**c, "LOCATION": closed} for alias, c in original.items()}
    log_in(client)
    settings.CACHES = original
    get_redis().ping()
    assert client.get(reverse("dashboard")).status_code == 200
    assert session_queries(client, reverse("images:list")) == []
