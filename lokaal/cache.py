"""The shared page cache for anonymous visitors, and the content version that invalidates it.

Every public page is derived from the programme's data. Rather than working out which pages a
change touches, any change to the data bumps one global *content version*; a cached page is only
served while the version it was rendered under is still the current one. The version lives in
the Django cache (Redis in production), so every process and host sees a bump at once.

The version is bumped by model signals (connected in `lokaal.apps`) and, as a safety net for
bulk `.update()` calls that send no signal, after every successful POST/PUT/PATCH/DELETE.
Entries are fresh for `PAGE_CACHE_SECONDS`, which bounds how long time-derived text
("3 weeks ago", "behind plan") can lag; a page past that time is still served while one
request renders its successor.

After a change, one request renders each page (it holds a *render claim* in the shared cache)
while the other requests for that page wait for it, so a change under load costs one render
per page rather than one per waiting visitor.
"""

import contextvars
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
PAGE_KEY_PREFIX = "page:"
# Stands in for the CSP nonce inside a stored page; each hit gets a fresh nonce.
NONCE_PLACEHOLDER = b"\x00lokaal-csp-nonce\x00"

# Models whose changes never show on a public page: bumping for them would only empty the cache.
UNVERSIONED_APPS = frozenset({"sessions", "admin", "axes", "contenttypes"})


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock so a restarted cache never hands out an old version number again.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


# Set when the content version was bumped in the current request, so the middleware's safety
# net for writes that send no signal does not bump it a second time.
bumped = contextvars.ContextVar("content_version_bumped", default=False)


def bump_version() -> None:
    """Invalidate every cached page, in every process that shares this cache."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start a fresh one
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    bumped.set(True)


def content_changed(sender, **kwargs) -> None:
    """Signal receiver: any write to a model that public pages show bumps the version.

    The bump happens once the write is committed: a page rendered before the commit read the
    old rows and is stored under the old version, which the bump retires. (Bumping before the
    commit as well would only let a page rendered from the old rows be stored under a version
    that the commit then retires: one wasted render of every busy page per change.)
    """
    if kwargs.get("raw"):  # loaddata: the restore path bumps once at the end
        return
    model = sender
    if getattr(model, "_meta", None) is None:  # m2m_changed sends the through model
        return
    if model._meta.app_label in UNVERSIONED_APPS:
        return
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:  # autocommit: the row is committed already
        _bump_quietly()
        return
    transaction.on_commit(_bump_quietly, using=using)


def _bump_quietly() -> None:
    try:
        bump_version()
    except Exception:  # a cache outage must never make a save fail
        logger.warning("Could not bump the content version", exc_info=True)


@dataclass
class CachedPage:
    version: int
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: float
    uses_nonce: bool
    # Wall-clock time (shared by every host) after which the page is re-rendered; until
    # `usable_until` it may still be served while one request renders its successor.
    fresh_until: float = 0.0

    @property
    def usable_until(self) -> float:
        return self.fresh_until + settings.PAGE_CACHE_SECONDS

    def is_fresh(self) -> bool:
        return time.time() < self.fresh_until


@dataclass
class Lookup:
    """What the cache knows about one page: the current version, the stored page for that
    version (fresh or stale, or None), and whether any version of the page was ever stored."""

    version: int
    page: CachedPage | None
    known: bool


def page_key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


class _LocalCopies:
    """A small per-process copy of recently served pages, in front of the shared cache.

    Only ever used together with the shared content version: a local copy is served when its
    version is the current one, so it can never be staler than the shared cache. It saves
    fetching and unpickling large pages (the home page at 20x is ~200 kB) on every hit.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, version: int) -> CachedPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if page.version != version or page.usable_until < time.time():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        if len(page.body) > self.max_bytes // 4:
            return
        with self.lock:
            self._drop(key)
            self.pages[key] = page
            self.size += len(page.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        page = self.pages.pop(key, None)
        if page is not None:
            self.size -= len(page.body)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


local_copies = _LocalCopies(max_bytes=32 * 1024 * 1024)


def lookup(request) -> Lookup:
    """The current version and what is stored for this request.

    One shared-cache round trip when this process holds a fresh copy; a second one (fetching
    the page) when it does not.
    """
    key = page_key(request)
    version = cache.get(VERSION_KEY)
    if version is None:
        return Lookup(current_version(), None, known=False)
    local = local_copies.get(key, version)
    if local is not None and local.is_fresh():
        return Lookup(version, local, known=True)
    shared = cache.get(key)
    if shared is None:
        return Lookup(version, local, known=local is not None)
    if shared.version != version:  # stored under an older version: to be rendered afresh
        return Lookup(version, local, known=True)
    if local is None or shared.fresh_until > local.fresh_until:
        local_copies.put(key, shared)
        return Lookup(version, shared, known=True)
    return Lookup(version, local, known=True)


def store(request, page: CachedPage) -> None:
    key = page_key(request)
    page.fresh_until = time.time() + settings.PAGE_CACHE_SECONDS
    # Kept past its freshness so it can be served while its successor is being rendered.
    cache.set(key, page, timeout=2 * settings.PAGE_CACHE_SECONDS)
    local_copies.put(key, page)


# Rendering a heavy page after a change takes a few hundred milliseconds. When many visitors
# ask for it at that moment, one request renders it (the one that takes the render claim)
# and the others wait for its result instead of all rendering the same page at once.
RENDER_CLAIM_SECONDS = 30  # a claim left by a crashed worker lapses after this
RENDER_WAIT_SECONDS = 10  # a waiter gives up and renders itself after this
RENDER_POLL_SECONDS = 0.02


def _claim_key(key: str, version: int) -> str:
    return f"render:{key}:{version}"


def claim_render(request, version: int) -> bool:
    """True when this request is to render the page for `version` (nobody else is)."""
    return cache.add(_claim_key(page_key(request), version), 1, timeout=RENDER_CLAIM_SECONDS)


def release_render(request, version: int) -> None:
    cache.delete(_claim_key(page_key(request), version))


def wait_for_render(request, version: int) -> CachedPage | None:
    """The page another request is rendering for `version`, once it is stored; None when that
    request stored nothing (the page could not be cached) or took too long."""
    key = page_key(request)
    claim = _claim_key(key, version)
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        if cache.get(claim) is None:
            page = cache.get(key)
            if page is not None and page.version == version:
                local_copies.put(key, page)
                return page
            return None
    return None


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
