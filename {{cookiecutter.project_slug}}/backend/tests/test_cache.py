import os

import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_redis_url_makes_the_cache_shared():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("probe", "shared", 5)
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert any(b"probe" in key for key in client.keys("*probe*"))


def test_without_redis_url_the_cache_is_local(monkeypatch):
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
