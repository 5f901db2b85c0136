"""View counts, trending rankings and "recently viewed", kept in Redis.

Every Redis key of the site is listed here, under REDIS_KEY_PREFIX (default "bookmarks:"):

| key                             | type       | lifetime   | what                            |
|---------------------------------|------------|------------|---------------------------------|
| image:<id>:views                | string     | forever    | total counted views             |
| image_ranking                   | sorted set | forever    | all-time ranking (id -> views)  |
| image_ranking:<YYYY-MM-DD>      | sorted set | 35 days    | views on that day (UTC)         |
| image_ranking:week:<YYYY-MM-DD> | sorted set | 60 s       | union of the 7 days up to it    |
| seen:<image id>:<visitor>       | string     | 1 hour     | this visitor's view was counted |
| user:<id>:recent                | list       | 90 days    | the last 10 images they opened  |
| image:<id>:viewers              | set        | 90 days    | users who opened it             |
| cache:*                         | (Django)   | per entry  | Django's cache (bookmarks.cache)|

A detail view costs one round trip (one Lua script). Deleted images and users are forgotten
by `forget_images` and `forget_users` (called after the deletion commits, see images.signals
and account.signals). Every function survives a Redis outage:
it logs a warning and returns None, and the page says the feature is unavailable.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bookmarks.clientip import client_key
from bookmarks.redis import REDIS_ERRORS, get_redis, rkey

logger = logging.getLogger(__name__)

DAY_TTL = 35 * 24 * 3600
WEEK_TTL = 60
SEEN_TTL = 3600
RECENT_SIZE = 10
RECENT_TTL = 90 * 24 * 3600
VISITOR_SALT = "images.ranking.visitor"
PERIODS = {"day": _("Today"), "week": _("This week"), "all": _("All time")}

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"curl|wget|python-requests|python-urllib|httpclient|okhttp|go-http-client|scrapy|"
    r"headlesschrome|phantomjs|lighthouse",
    re.IGNORECASE,
)


def views_key(image_id) -> str:
    return rkey("image", image_id, "views")


def ranking_key() -> str:
    return rkey("image_ranking")


def day_key(day: date) -> str:
    return rkey("image_ranking", day.isoformat())


def week_key(day: date) -> str:
    return rkey("image_ranking", "week", day.isoformat())


def seen_key(image_id, visitor: str) -> str:
    return rkey("seen", image_id, visitor)


def recent_key(user_id) -> str:
    return rkey("user", user_id, "recent")


def viewers_key(image_id) -> str:
    return rkey("image", image_id, "viewers")


def today() -> date:
    return timezone.now().date()


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def visitor_id(request) -> str:
    """Who is looking, for "once per visitor per hour": a logged-in person by their account,
    anyone else by their address (an IPv6 /64 as one, see bookmarks.clientip).

    Not the session: a person on two devices has two sessions (and logging in again mints a new
    one), but one account. Not the browser's User-Agent either: anyone can send a fresh one with
    every request, which is how views were inflated. People behind one address (an office's NAT)
    count as one visitor an hour: the price of not being inflatable. The address goes into Redis
    only as a keyed hash (SECRET_KEY), which cannot be turned back into it by trying addresses."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return "a" + salted_hmac(VISITOR_SALT, client_key(request)).hexdigest()[:20]


# One round trip per detail view: count the view once per visitor per hour (unless a bot),
# in the all-time and today's rankings, remember it in the viewer's "recently viewed" list,
# and return the total.
# KEYS: seen, views, all-time, today, recent (or ""), viewers (or "")
# ARGV: image id, count? (1/0), SEEN_TTL, DAY_TTL, RECENT_SIZE, RECENT_TTL, user id
_RECORD_VIEW = """
if ARGV[2] == "1" and redis.call("SET", KEYS[1], "1", "NX", "EX", ARGV[3]) then
  redis.call("INCR", KEYS[2])
  redis.call("ZINCRBY", KEYS[3], 1, ARGV[1])
  redis.call("ZINCRBY", KEYS[4], 1, ARGV[1])
  redis.call("EXPIRE", KEYS[4], ARGV[4])
end
if KEYS[5] ~= "" then
  redis.call("LREM", KEYS[5], 0, ARGV[1])
  redis.call("LPUSH", KEYS[5], ARGV[1])
  redis.call("LTRIM", KEYS[5], 0, tonumber(ARGV[5]) - 1)
  redis.call("EXPIRE", KEYS[5], ARGV[6])
  redis.call("SADD", KEYS[6], ARGV[7])
  redis.call("EXPIRE", KEYS[6], ARGV[6])
end
return redis.call("GET", KEYS[2]) or 0
"""


def record_view(request, image_id: int, *, ranked: bool = True) -> int | None:
    """Count a view of the image by this request's visitor; returns the image's total views,
    or None when Redis is unavailable. One Redis round trip. A private image (`ranked` False:
    only its owner sees it) is not counted, so it never enters a ranking."""
    user = request.user
    counted = ranked and not is_bot(request.headers.get("user-agent", ""))
    keys = [
        seen_key(image_id, visitor_id(request)),
        views_key(image_id),
        ranking_key(),
        day_key(today()),
        recent_key(user.pk) if user.is_authenticated else "",
        viewers_key(image_id) if user.is_authenticated else "",
    ]
    args = [image_id, int(counted), SEEN_TTL, DAY_TTL, RECENT_SIZE, RECENT_TTL, user.pk or 0]
    try:
        total = get_redis().eval(_RECORD_VIEW, len(keys), *keys, *args)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, view of image %s not counted: %s", image_id, error)
        return None
    return int(total)


# The last 7 days' union, built at most once a minute.
_WEEK_TOP = """
if redis.call("EXISTS", KEYS[1]) == 0 then
  redis.call("ZUNIONSTORE", KEYS[1], #KEYS - 1, unpack(KEYS, 2))
  redis.call("EXPIRE", KEYS[1], ARGV[2])
end
return redis.call("ZREVRANGE", KEYS[1], 0, tonumber(ARGV[1]) - 1, "WITHSCORES")
"""


@dataclass(frozen=True)
class Ranked:
    image_id: int
    views: int


def top_images(period: str = "all", limit: int = 10) -> list[Ranked] | None:
    """The most viewed images of the period ("day", "week", "all"), most viewed first, or None
    when Redis is unavailable. One round trip."""
    client = get_redis()
    try:
        if period == "day":
            flat = client.zrevrange(day_key(today()), 0, limit - 1, withscores=True)
            pairs = [(member, score) for member, score in flat]
        elif period == "week":
            days = [day_key(today() - timedelta(days=n)) for n in range(7)]
            raw = client.eval(_WEEK_TOP, 8, week_key(today()), *days, limit, WEEK_TTL)
            pairs = list(zip(raw[::2], raw[1::2], strict=True))
        else:
            pairs = client.zrevrange(ranking_key(), 0, limit - 1, withscores=True)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, no %s ranking: %s", period, error)
        return None
    return [Ranked(int(member), int(float(score))) for member, score in pairs]


def recently_viewed_ids(user_id: int) -> list[int] | None:
    try:
        return [int(i) for i in get_redis().lrange(recent_key(user_id), 0, RECENT_SIZE - 1)]
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, no recently viewed list: %s", error)
        return None


def ranking_cache_key(period: str, language: str | None = None) -> str:
    """The cached page part of a ranking: one per language, as it holds words."""
    return f"ranking:{period}:{language or get_language() or settings.LANGUAGE_CODE}"


def _ranking_cache_keys() -> list[str]:
    """Every cached page part: each period in each language the site offers."""
    languages = [code for code, _name in settings.LANGUAGES]
    return [ranking_cache_key(period, code) for period in PERIODS for code in languages]


def forget_image(image_id: int) -> None:
    forget_images([image_id])


def forget_images(image_ids: Iterable[int], *, seen_markers: bool = False) -> None:
    """Remove deleted images from the counters, every ranking (and its cached page part) and
    every recent list: one round trip to read their viewers, one to remove, a thousand images
    at a time. `seen_markers` also sweeps their per-visitor "seen" keys (a SCAN: for bulk
    resets; otherwise they expire within the hour)."""
    ids = sorted({int(image_id) for image_id in image_ids})
    if not ids:
        return
    cache.delete_many(_ranking_cache_keys())
    sorted_sets = _ranking_sets()
    client = get_redis()
    try:
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            read = client.pipeline(transaction=False)
            for image_id in batch:
                read.smembers(viewers_key(image_id))
            viewers = read.execute()
            pipe = client.pipeline(transaction=False)
            pipe.delete(*[views_key(i) for i in batch], *[viewers_key(i) for i in batch])
            for key in sorted_sets:
                pipe.zrem(key, *batch)
            for image_id, users in zip(batch, viewers, strict=True):
                for user_id in users:
                    pipe.lrem(recent_key(user_id), 0, image_id)
            pipe.execute()
        if seen_markers:
            # seen:<image id>:<visitor> expire within the hour; a bulk reset sweeps them now.
            wanted = {str(image_id) for image_id in ids}
            prefix = rkey("seen") + ":"
            stale = [
                key
                for key in client.scan_iter(match=_glob_escape(prefix) + "*", count=1000)
                if key[len(prefix) :].split(":", 1)[0] in wanted
            ]
            for start in range(0, len(stale), 1000):
                client.delete(*stale[start : start + 1000])
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, images %s left in the rankings: %s", ids[:10], error)


def _ranking_sets() -> list[str]:
    days = [today() - timedelta(days=n) for n in range(DAY_TTL // 86400 + 1)]
    return [ranking_key()] + [key for day in days for key in (day_key(day), week_key(day))]


def set_ranked(image_id: int, *, ranked: bool) -> None:
    """An image made private leaves every ranking (and the cached ranking pages) at once; made
    public again, it returns to the all-time ranking with its total views (the days it was
    private count nothing). Its view counter and the recent lists are kept: those lists are
    filtered by visibility when shown. One round trip."""
    cache.delete_many(_ranking_cache_keys())
    client = get_redis()
    try:
        if not ranked:
            pipe = client.pipeline(transaction=False)
            for key in _ranking_sets():
                pipe.zrem(key, image_id)
            pipe.execute()
        else:
            views = client.get(views_key(image_id))
            if views is not None and int(views) > 0:
                client.zadd(ranking_key(), {image_id: int(views)})
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, ranking of image %s not updated: %s", image_id, error)


def forget_users(user_ids: Iterable[int]) -> None:
    """Remove deleted people from Redis: their "recently viewed" lists, and their ids from every
    image's viewers set. The sets are scanned (SCAN: Redis keeps serving meanwhile), because a
    person stays in an image's set after the image has left their list of 10, so their list
    alone does not say where they are. One scan however many people go at once."""
    ids = sorted({str(user_id) for user_id in user_ids})
    if not ids:
        return
    chunks = [ids[start : start + 1000] for start in range(0, len(ids), 1000)]
    pattern = _glob_escape(rkey("image")) + ":*:viewers"
    client = get_redis()
    try:
        pipe = client.pipeline(transaction=False)
        for chunk in chunks:
            pipe.delete(*[recent_key(user_id) for user_id in chunk])
        for n, key in enumerate(client.scan_iter(match=pattern, count=1000), start=1):
            for chunk in chunks:
                pipe.srem(key, *chunk)
            if n % 1000 == 0:
                pipe.execute()
        pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, deleted users %s left in Redis: %s", ids[:10], error)


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


# --- Many images at once (demo data, imports, bulk deletes) -----------------------------------

_BATCH = 1000  # images per pipelined round trip


def seed_views(*, totals: dict[int, int], days: dict[date, dict[int, int]] | None = None) -> bool:
    """Set view counts as if people had looked at the images: `totals` (image id -> views)
    become their counters and all-time scores, `days` (day -> {image id: views}) their scores
    in those days' rankings (kept DAY_TTL, as counted views are). Pipelined, a thousand images
    a round trip. Returns False, setting nothing more, when Redis is unavailable."""
    ids = list(totals)
    try:
        client = get_redis()
        for start in range(0, len(ids), _BATCH):
            pipe = client.pipeline(transaction=False)
            for image_id in ids[start : start + _BATCH]:
                pipe.set(views_key(image_id), totals[image_id])
            pipe.zadd(ranking_key(), {i: totals[i] for i in ids[start : start + _BATCH]})
            pipe.execute()
        pipe = client.pipeline(transaction=False)
        for day, scores in (days or {}).items():
            if scores:
                pipe.zadd(day_key(day), scores)
                pipe.expire(day_key(day), DAY_TTL)
        pipe.delete(week_key(today()))  # rebuilt from the days on the next read
        pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, no views seeded: %s", error)
        return False
    cache.delete_many(_ranking_cache_keys())
    return True
