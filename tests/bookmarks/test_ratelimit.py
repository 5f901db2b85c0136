import pytest

from bookmarks import ratelimit


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {"register": (2, 60)}
    return settings


def test_attempts_past_the_limit_are_refused_with_a_wait(tight, redis_client):
    ratelimit.hit("register", "203.0.113.5")
    ratelimit.hit("register", "203.0.113.5")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("register", "203.0.113.5")
    assert 0 < refused.value.retry_after <= 60
    assert "try again in" in refused.value.message


def test_limits_are_per_key(tight, redis_client):
    for _ in range(2):
        ratelimit.hit("register", "203.0.113.5")
    ratelimit.hit("register", "203.0.113.6")  # another client starts afresh


def test_the_window_expires(tight, redis_client):
    for _ in range(2):
        ratelimit.hit("register", "k")
    redis_client.expire("test:rate:register:k", 0)
    ratelimit.hit("register", "k")


def test_redis_down_lets_requests_through(tight, redis_down):
    for _ in range(5):
        ratelimit.hit("register", "k")


def test_one_at_a_time_refuses_a_second_holder(redis_client):
    with ratelimit.one_at_a_time("bookmark", "u1", ttl=30, message="busy"):
        with (
            pytest.raises(ratelimit.Busy),
            ratelimit.one_at_a_time("bookmark", "u1", ttl=30, message="busy"),
        ):
            pass
        with ratelimit.one_at_a_time("bookmark", "u2", ttl=30, message="busy"):
            pass  # someone else is not blocked
    with ratelimit.one_at_a_time("bookmark", "u1", ttl=30, message="busy"):
        pass  # released


def test_a_lock_expires_when_its_holder_died(redis_client):
    redis_client.set("test:lock:bookmark:u1", "someone-else", ex=1)
    redis_client.expire("test:lock:bookmark:u1", 0)
    with ratelimit.one_at_a_time("bookmark", "u1", ttl=30, message="busy"):
        pass
