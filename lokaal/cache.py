"""The shared cache (Redis), degraded rather than broken when Redis misbehaves.

The public pages are no longer cached here: nginx keeps them for a few seconds in front of the
application (docs/performance.md, deploy/nginx.conf). What stays in Redis is small: the abuse
limits' counters (lokaal/limits.py) and whatever fragments the templates cache. None of it is
needed to answer a request, so a Redis that is down or hangs must cost at most a short timeout
now and then, never one per request and never an error page:

- connect and read timeouts of `CACHE_TIMEOUT_MS` (200 ms), and no retries;
- a circuit breaker per process: after a failure the cache is skipped for
  `CACHE_BREAKER_SECONDS` (5 s), then one request tries again;
- while it is open every read is a miss, every write is dropped, `add` and `incr` report that
  nothing was counted (the abuse limits then let the request through);
- one warning line per interval, without a traceback.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Open for `seconds` after a failure; while open, callers skip the service."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0
        self.last_error = ""
        self.failures = 0  # failures since the breaker last closed
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def fail(self, exc: BaseException) -> None:
        with self._lock:
            already_open = self.is_open()
            self.failures += 1
            self.last_error = exc.__class__.__name__
            self.open_until = time.monotonic() + self.seconds
        if not already_open:  # one line per interval, however many requests fail in it
            logger.warning(
                "Redis does not answer (%s: %s); the cache is skipped for %g s.",
                exc.__class__.__name__,
                str(exc)[:200],
                self.seconds,
            )

    def succeed(self) -> None:
        if self.failures:
            with self._lock:
                if self.failures and not self.is_open():
                    logger.warning("Redis answers again; the cache is used again.")
                    self.failures = 0
                    self.last_error = ""

    def state(self) -> dict:
        if self.is_open():
            return {
                "state": "degraded",
                "error": self.last_error,
                "retry_in_s": round(max(0.0, self.open_until - time.monotonic()), 1),
            }
        return {"state": "ok"}


class _Client(RedisCacheClient):
    def __init__(self, servers, **options):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = settings.CACHE_TIMEOUT_MS / 1000
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        # redis-py retries a timed-out command (with backoff) by default: a hung Redis would
        # then cost seconds per call instead of one timeout.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        options.setdefault("retry_on_error", [])
        self._redis_errors = (redis.RedisError, OSError)
        super().__init__(servers, **options)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache behind a circuit breaker (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
        self.breaker = CircuitBreaker(settings.CACHE_BREAKER_SECONDS)

    def _guarded(self, fallback, call):
        if self.breaker.is_open():
            return fallback
        try:
            result = call()
        except self._cache._redis_errors as exc:
            self.breaker.fail(exc)
            return fallback
        self.breaker.succeed()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def get(self, key, default=None, version=None):
        return self._guarded(
            default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key, version=None):
        return self._guarded(False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys, version=None):
        return self._guarded({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._guarded(False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as Django documents; only an outage is hidden.
        return self._guarded(
            None, lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
        )

    def delete_many(self, keys, version=None):
        return self._guarded(
            None, lambda: super(ResilientRedisCache, self).delete_many(keys, version)
        )

    def clear(self):
        return self._guarded(False, lambda: super(ResilientRedisCache, self).clear())

    def ping(self) -> None:
        """Raise when Redis does not answer (for /healthz); opens the breaker like any call."""
        client = self._cache.get_client(write=False)
        try:
            client.ping()
        except self._cache._redis_errors as exc:
            self.breaker.fail(exc)
            raise
        self.breaker.succeed()


def cache_state() -> dict:
    """The default cache's state for /healthz: ok, degraded (breaker open) or unavailable."""
    from django.core.cache import caches

    backend = caches["default"]
    breaker = getattr(backend, "breaker", None)
    if breaker is None:  # a local-memory cache (development, tests): nothing to reach
        return {"state": "ok", "backend": "local"}
    if breaker.is_open():
        return {**breaker.state(), "backend": "redis"}
    try:
        backend.ping()
    except Exception as exc:
        return {"state": "degraded", "error": exc.__class__.__name__, "backend": "redis"}
    return {"state": "ok", "backend": "redis"}
