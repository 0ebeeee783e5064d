import os
import socket

import pytest
from django.conf import settings
from django.core.cache import cache

from config.cache import FailOpenRedisCache


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_redis_url_makes_the_cache_shared():
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.FailOpenRedisCache"
    cache.set("probe", "shared", 5)
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(b"probe" in key for key in client.keys("*probe*"))


def test_without_redis_url_the_cache_is_local(monkeypatch):
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_with_redis_unreachable_the_cache_misses_instead_of_failing():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = FailOpenRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {}})
    assert down.get("key", "default") == "default"
    assert down.get_many(["a", "b"]) == {}
    assert down.add("key", 1) is True
    assert down.incr("key") == 1
    assert down.decr("key") == -1
    assert down.get_or_set("key", "fresh") == "fresh"
    assert down.has_key("key") is False
    down.set("key", 1)
    down.delete("key")
    down.set_many({"a": 1})
    down.delete_many(["a"])
    down.touch("key")
    down.clear()
