"""Live events: the one module that knows their Redis layout (see bookmarks/events.py).

A person's events go to a capped Redis stream `events:u:<id>` (so a reconnecting browser can
ask for what it missed, by the stream id it last saw: Last-Event-ID) and, in the same round
trip, are PUBLISHed on a channel of the same name carrying the entry id, which wakes the
event process. Feed events ("someone you follow bookmarked") are published once on the actor's
channel `events:a:<id>`: one message per event whatever the number of followers; the event
process subscribes each open dashboard to the channels of the people it follows.

Publishing is best effort: with Redis down the write has happened, pages still show it on
their next load (and the polling fallback finds it).
"""

import json
import logging

from .redis import REDIS_ERRORS, get_redis, rkey

logger = logging.getLogger(__name__)
STREAM_LENGTH = 200  # events kept per person for resuming

# KEYS: stream. ARGV: maxlen, event, data. Appends, then wakes listeners with the entry id.
_PUBLISH = """
local id = redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[1], "*",
  "event", ARGV[2], "data", ARGV[3])
redis.call("PUBLISH", KEYS[1], id)
return id
"""


def user_channel(user_id: int) -> str:
    return rkey("events", "u", user_id)


def actor_channel(user_id: int) -> str:
    return rkey("events", "a", user_id)


def publish_to_user(user_id: int, event: str, data: dict) -> str | None:
    """Send `event` to every open page of `user_id`; the stream id, or None if Redis is down."""
    try:
        return get_redis().eval(
            _PUBLISH, 1, user_channel(user_id), STREAM_LENGTH, event, json.dumps(data)
        )
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, live event %s not sent: %s", event, error)
        return None


def publish_from_actor(actor_id: int, event: str, data: dict) -> None:
    """Tell the open dashboards of `actor_id`'s followers (one PUBLISH, no per-follower work)."""
    try:
        get_redis().publish(actor_channel(actor_id), json.dumps({"event": event, **data}))
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, feed event not sent: %s", error)


def forget_users(user_ids) -> None:
    """Drop deleted people's event streams (their channels hold nothing once nobody listens)."""
    keys = [user_channel(user_id) for user_id in user_ids]
    if not keys:
        return
    try:
        get_redis().delete(*keys)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, event streams of deleted users left: %s", error)
