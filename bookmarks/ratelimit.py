"""Rate limits and one-at-a-time locks, kept in Redis (shared by every web instance).

A limit is a name from `settings.RATE_LIMITS` ("register", "bookmark", …) with a count and a
window in seconds. `hit()` counts one attempt in a fixed window (one round trip: INCR, and
EXPIRE on the first hit) and tells whether it is still allowed. Views turn a refusal into a
429 with a message a person understands (`RateLimited`, mapped in one place:
`bookmarks.http.rate_limited_response`).

With Redis down, limits let requests through (logged): the site keeps working, and the
login throttle that matters most (django-axes) lives in the database.
"""

import logging
import math
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .redis import REDIS_ERRORS, get_redis, rkey

logger = logging.getLogger(__name__)

# name -> (attempts, window in seconds). settings.RATE_LIMITS overrides any of them.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "register": (5, 3600),  # per client address
    "password_reset": (5, 3600),  # per client address
    "password_reset_email": (3, 3600),  # per e-mail address asked for
    "email_confirm": (5, 3600),  # confirmation mails a person may ask for
    "bookmark": (30, 600),  # per person
    "like": (120, 60),  # per person
    "follow": (60, 60),  # per person
    "block": (30, 60),  # per person: blocks and unblocks
    "comment": (10, 60),  # per person: new comments and edits
    "export": (5, 3600),  # per person: downloads of their data
    "import": (5, 3600),  # per person: archives imported
    "account_delete": (10, 3600),  # per person: wrong passwords on the delete page
    "extension_connect": (10, 3600),  # tokens made by "Connect the extension", per person
    "share": (30, 600),  # photos staged by a phone's share sheet, per person or client address
    "api": (300, 60),  # REST API requests per token (or per person, with the session)
}


class RateLimited(Exception):
    """Too many attempts; `message` says so and when to come back."""

    def __init__(self, message: str, retry_after: int):
        message = str(message)  # a lazy text the caller gave, translated now
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: int


def limit_for(name: str) -> Limit:
    overrides = getattr(settings, "RATE_LIMITS", {}) or {}
    attempts, window = overrides.get(name, DEFAULT_LIMITS[name])
    return Limit(int(attempts), int(window))


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


# KEYS: counter. ARGV: window. Returns [count, ttl].
_HIT = """
local n = redis.call("INCR", KEYS[1])
if n == 1 then redis.call("EXPIRE", KEYS[1], ARGV[1]) end
local ttl = redis.call("TTL", KEYS[1])
if ttl < 0 then redis.call("EXPIRE", KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""


def hit(name: str, key: str, *, message: str | None = None) -> None:
    """Count one attempt of `name` by `key`; raise RateLimited past the limit."""
    limit = limit_for(name)
    try:
        count, ttl = get_redis().eval(_HIT, 1, rkey("rate", name, key), limit.window)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, rate limit %s not applied: %s", name, error)
        return
    if int(count) > limit.attempts:
        retry_after = max(int(ttl), 1)
        wait = _wait_words(retry_after)
        raise RateLimited(
            message or _("Too many attempts. Please try again in %(wait)s.") % {"wait": wait},
            retry_after,
        )


def reset(name: str, key: str) -> None:
    try:
        get_redis().delete(rkey("rate", name, key))
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, rate limit %s not reset: %s", name, error)


def forget_people(user_ids) -> None:
    """Drop the per-person counters (keyed by the user's id, as every per-person limit is) of
    deleted people: every limit name, whatever its window."""
    names = set(DEFAULT_LIMITS) | set(getattr(settings, "RATE_LIMITS", {}) or {})
    keys = [
        rkey("rate", name, key)
        for user_id in user_ids
        for name in sorted(names)
        for key in (str(user_id), f"user:{user_id}")
    ]
    if not keys:
        return
    try:
        client = get_redis()
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, rate limits of deleted users left: %s", error)


class Busy(Exception):
    """Someone (the same person, in another tab) is already doing this."""

    def __init__(self, message: str):
        message = str(message)  # a lazy text the caller gave, translated now
        super().__init__(message)
        self.message = message


_RELEASE = """
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
"""


@contextmanager
def one_at_a_time(name: str, key: str, *, ttl: int, message: str) -> Iterator[None]:
    """Hold a lock on (`name`, `key`) for the block; raise Busy if it is already held. The
    lock expires after `ttl` seconds, so a crashed worker cannot hold it forever. With Redis
    down, the block runs unlocked."""
    token = secrets.token_hex(16)
    lock_key = rkey("lock", name, key)
    client = get_redis()
    try:
        acquired = client.set(lock_key, token, nx=True, ex=ttl)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, %s runs without its lock: %s", name, error)
        yield
        return
    if not acquired:
        raise Busy(message)
    try:
        yield
    finally:
        try:
            client.eval(_RELEASE, 1, lock_key, token)
        except REDIS_ERRORS as error:
            logger.warning("Redis unavailable, lock %s left to expire: %s", name, error)
