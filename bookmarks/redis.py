"""The one Redis client of the site, and the errors that mean "Redis is unavailable".

Redis features (view counts, rankings) degrade gracefully: callers catch `REDIS_ERRORS`, log a
warning and render the page without them. Short timeouts keep a dead Redis from stalling pages.
"""

import redis
from django.conf import settings

REDIS_ERRORS = (redis.RedisError, OSError)

_clients: dict[str, redis.Redis] = {}


def get_redis() -> redis.Redis:
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            health_check_interval=30,
        )
        _clients[url] = client
    return client


def rkey(*parts: object) -> str:
    """A key under the site's prefix (REDIS_KEY_PREFIX), so several sites can share a Redis."""
    return settings.REDIS_KEY_PREFIX + ":".join(str(part) for part in parts)
