"""Image views and the most-viewed ranking, kept in Redis.

Keys (under REDIS_KEY_PREFIX):
  image:<id>:views   string counter, total views of one image
  image_ranking      sorted set, member = image id, score = total views

Every function survives a Redis outage: it logs a warning and returns None, and the page
says the numbers are unavailable.
"""

import logging

from bookmarks.redis import REDIS_ERRORS, get_redis, rkey

logger = logging.getLogger(__name__)


def views_key(image_id: int) -> str:
    return rkey("image", image_id, "views")


def ranking_key() -> str:
    return rkey("image_ranking")


def record_view(image_id: int) -> int | None:
    """Count one view of the image, in one round trip. Returns its total views."""
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.incr(views_key(image_id))
        pipe.zincrby(ranking_key(), 1, image_id)
        total, _ = pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, view of image %s not counted: %s", image_id, error)
        return None
    return int(total)


def most_viewed(limit: int = 10) -> list[tuple[int, int]] | None:
    """[(image_id, views), ...] most viewed first, or None when Redis is unavailable."""
    try:
        ranked = get_redis().zrevrange(ranking_key(), 0, limit - 1, withscores=True)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, no ranking: %s", error)
        return None
    return [(int(member), int(score)) for member, score in ranked]


def forget_image(image_id: int) -> None:
    """Remove a deleted image from the counters and the ranking."""
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.delete(views_key(image_id))
        pipe.zrem(ranking_key(), image_id)
        pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, image %s left in the ranking: %s", image_id, error)
