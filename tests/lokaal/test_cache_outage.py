"""A Redis that hangs or refuses connections costs one short timeout per interval, not one per
request: pages, abuse limits and /healthz keep answering (lokaal/cache.py)."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def silent_redis():
    """A listener that accepts connections (the kernel's backlog) and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"redis://127.0.0.1:{port}/0"


def _redis_settings(url, **extra):
    extra = {"CACHE_TIMEOUT_MS": 200, "CACHE_BREAKER_SECONDS": 5, **extra}
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "lokaal.cache.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            }
        },
        **extra,
    )


def _warnings(caplog):
    return [r for r in caplog.records if r.name == "lokaal.cache" and r.levelno >= logging.WARNING]


def _pages(client) -> float:
    """Seconds for 20 views of a trajectory page."""
    start = time.monotonic()
    for _ in range(20):
        assert client.get("/trajecten/strategie-halle/").status_code == 200
    return time.monotonic() - start


def _twenty_visits(client) -> float:
    """Seconds for 20 rounds of cache calls and requests; then five failed logins, which
    count in the abuse limits (so in the cache) and must never be refused for it."""
    cache = caches["default"]
    start = time.monotonic()
    for n in range(20):
        assert cache.get(f"k{n}", "default") == "default"
        cache.set(f"k{n}", n)
        assert client.get("/healthz/ping").status_code == 200
    seconds = time.monotonic() - start
    for n in range(5):
        response = client.post("/account/login/", {"username": f"niemand{n}", "password": "fout"})
        assert response.status_code == 200  # the form again, never a 429: limits fail open
    return seconds


@pytest.mark.parametrize("redis_fixture", ["silent_redis", "closed_port"])
def test_pages_and_limits_answer_fast_with_one_warning_per_interval(
    redis_fixture, request, client, programme, caplog, settings
):
    url = request.getfixturevalue(redis_fixture)
    # The yardstick: the same pages with no cache at all (the fragments are rendered every
    # time, as they are while Redis is skipped). A Redis that cost one timeout per call would
    # add at least 20 x 200 ms.
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ):
        _pages(client)  # warm-up
        pages_without_a_cache = _pages(client)
    caplog.set_level(logging.WARNING)
    # A limit that the logins would exceed if anything were counted.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_address": "1/h"}
    # An interval longer than the test, so every failure after the first falls inside it.
    with _redis_settings(url, CACHE_BREAKER_SECONDS=60):
        cache = caches["default"]
        assert cache.add("a", 1) is False
        assert cache.incr("a") is None
        requests = _twenty_visits(client)
        pages = _pages(client)
        health = client.get("/healthz")
    assert requests < 2, requests
    assert pages < pages_without_a_cache * 1.5 + 1.0, (pages, pages_without_a_cache)
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [w.getMessage() for w in warnings]
    assert "skipped for 60 s" in warnings[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert health.status_code == 200
    body = json.loads(health.content)
    assert body["database"] == "ok"
    assert body["cache"] == "degraded"
    assert body["cache_detail"]["state"] == "degraded"


@pytest.mark.parametrize("redis_fixture", ["silent_redis", "closed_port"])
def test_cache_calls_cost_one_timeout_per_interval(redis_fixture, request, caplog):
    url = request.getfixturevalue(redis_fixture)
    caplog.set_level(logging.WARNING)
    # Without the breaker, 200 calls would cost 200 timeouts of 200 ms (40 s); with it, one
    # timeout per interval. The bounds leave room for a loaded machine.
    with _redis_settings(url, CACHE_BREAKER_SECONDS=3):
        cache = caches["default"]
        start = time.monotonic()
        for n in range(200):
            cache.get(f"k{n}")
        assert time.monotonic() - start < 2.5  # one 200 ms timeout, then the breaker is open
        time.sleep(3.05)  # the interval is over: one call tries Redis again
        start = time.monotonic()
        for n in range(200):
            cache.get(f"k{n}")
        assert time.monotonic() - start < 2.5
    assert len(_warnings(caplog)) == 2


def test_a_working_redis_is_used_and_healthz_says_ok(client, db):
    with _redis_settings("redis://127.0.0.1:6379/15"):
        cache = caches["default"]
        cache.set("probe", 1, 10)
        if cache.get("probe") is None:
            pytest.skip("no Redis on 127.0.0.1:6379")
        assert cache.add("probe", 2) is False
        assert cache.incr("probe") == 2
        body = json.loads(client.get("/healthz").content)
        cache.delete("probe")
    assert body == {"database": "ok", "cache": "ok"}


def test_a_redis_url_selects_the_cache_with_timeouts_and_a_breaker():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "from django.core.cache import cache;"
        "print(settings.CACHES['default']['BACKEND'], settings.CACHE_TIMEOUT_MS,"
        " settings.CACHE_BREAKER_SECONDS, type(cache._cache).__name__)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_SETTINGS_MODULE="lokaal.settings",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["lokaal.cache.ResilientRedisCache", "200", "5", "_Client"]
