"""Django's Redis cache, except that Redis being unreachable is not an error.

The cache holds only throttling counters: losing them for an outage is better than answering
500 to every throttled request (sign-in, refresh) until Redis is back. While Redis is down,
reads miss and writes are dropped, so throttling is off; a warning is logged (at most every
10 s). Other Redis errors (a wrong command, say) still raise.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 10


def _unless_down(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                self._warn(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


class FailOpenRedisCache(RedisCache):
    _warned_at = 0.0

    def _warn(self, error) -> None:
        now = time.monotonic()
        if now - FailOpenRedisCache._warned_at > WARN_EVERY_SECONDS:
            FailOpenRedisCache._warned_at = now
            log.warning("cache: Redis unreachable (%s); throttling is off until it is back", error)

    add = _unless_down(lambda *a, **k: True)(RedisCache.add)
    get = _unless_down(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _unless_down(lambda *a, **k: None)(RedisCache.set)
    touch = _unless_down(lambda *a, **k: False)(RedisCache.touch)
    delete = _unless_down(lambda *a, **k: False)(RedisCache.delete)
    get_many = _unless_down(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _unless_down(lambda *a, **k: False)(RedisCache.has_key)
    incr = _unless_down(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    set_many = _unless_down(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _unless_down(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _unless_down(lambda *a, **k: False)(RedisCache.clear)
