"""Who is looking at an image right now: a Redis sorted set per image of viewers scored by
their last heartbeat. A viewer counts while their page sent a heartbeat in the last
VIEWER_TTL seconds; older entries are dropped on each heartbeat, and the key expires when
nobody beats. One round trip per heartbeat."""

import time

from bookmarks.redis import REDIS_ERRORS, get_redis, rkey

HEARTBEAT_SECONDS = 20
VIEWER_TTL = 45

# KEYS: set. ARGV: now, viewer, ttl. Returns how many are looking.
_BEAT = """
redis.call("ZADD", KEYS[1], ARGV[1], ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", tonumber(ARGV[1]) - tonumber(ARGV[3]))
redis.call("EXPIRE", KEYS[1], ARGV[3])
return redis.call("ZCARD", KEYS[1])
"""


def _key(image_id: int) -> str:
    return rkey("viewers", image_id)


def heartbeat(image_id: int, viewer: str, *, now: float | None = None) -> int | None:
    """Count `viewer` as looking at `image_id`; how many are, or None when Redis is down."""
    now = time.time() if now is None else now
    try:
        return int(get_redis().eval(_BEAT, 1, _key(image_id), now, viewer, VIEWER_TTL))
    except REDIS_ERRORS:
        return None
