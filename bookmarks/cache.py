"""Django's Redis cache, made forgiving and pickle-free.

Forgiving: when Redis is down, reads miss and writes are dropped (with a warning) instead of
failing the page. The site must serve every page without Redis.

Pickle-free: Django's Redis cache pickles values, and unpickling runs code. The README lets
sites share a Redis, so anyone who can write to it could plant a payload under one of our keys.
`JSONSerializer` stores JSON instead (integers stay raw, for atomic incr/decr, as Django's
does); a value that is not JSON reads as a miss. Only JSON types can be cached: str (including
rendered HTML, which comes back as a plain str), int, float, bool, None, lists and dicts.
"""

import json
import logging
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from .redis import REDIS_ERRORS

logger = logging.getLogger(__name__)


class UnreadableCacheValue(ValueError):
    """What Redis holds under one of our keys is not a value we wrote (not JSON)."""


class JSONSerializer:
    def dumps(self, obj):
        if type(obj) is int:  # not bool: True must come back as True
            return obj
        return json.dumps(obj, separators=(",", ":")).encode()

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        try:
            return json.loads(data)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            raise UnreadableCacheValue(str(error)) from None


def _forgiving(method, fallback):
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except REDIS_ERRORS as error:
            logger.warning("Redis cache unavailable (%s): %s", method.__name__, error)
        except UnreadableCacheValue as error:
            logger.warning("Redis cache value not ours, ignored (%s): %s", method.__name__, error)
        return fallback(*args, **kwargs) if callable(fallback) else fallback

    return wrapper


class ForgivingRedisCache(RedisCache):
    get = _forgiving(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _forgiving(RedisCache.get_many, {})
    has_key = _forgiving(RedisCache.has_key, False)
    set = _forgiving(RedisCache.set, None)
    add = _forgiving(RedisCache.add, False)
    touch = _forgiving(RedisCache.touch, False)
    set_many = _forgiving(RedisCache.set_many, [])
    delete = _forgiving(RedisCache.delete, False)
    delete_many = _forgiving(RedisCache.delete_many, None)
    clear = _forgiving(RedisCache.clear, False)


class SessionRedisCache(ForgivingRedisCache):
    """The forgiving cache for cached_db sessions: no entry lives longer than OPTIONS
    "MAX_TIMEOUT" seconds, whatever timeout the session engine asks for (a session's whole
    age). The database stays the record; this bounds how long the cache may disagree with it,
    e.g. after a logout while Redis was unreachable, whose cache delete was dropped."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_timeout = int(options.pop("MAX_TIMEOUT", 300))
        super().__init__(server, {**params, "OPTIONS": options})

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        timeout = super().get_backend_timeout(timeout)
        return self.max_timeout if timeout is None else min(timeout, self.max_timeout)
