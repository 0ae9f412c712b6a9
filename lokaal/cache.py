"""The shared page cache for anonymous visitors, and the content version that invalidates it.

Every public page is derived from the programme's data. Rather than working out which pages a
change touches, any change to the data bumps one global *content version*; a cached page is only
served while the version it was rendered under is still the current one. The version lives in
the Django cache (Redis in production), so every process and host sees a bump at once.

The version is bumped by model signals (connected in `lokaal.apps`) and, as a safety net for
bulk `.update()` calls that send no signal, after every successful POST/PUT/PATCH/DELETE.
Entries also expire after `PAGE_CACHE_SECONDS`, which bounds how long time-derived text
("3 weeks ago", "behind plan") can lag.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

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


def bump_version() -> None:
    """Invalidate every cached page, in every process that shares this cache."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start a fresh one
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)


def content_changed(sender, **kwargs) -> None:
    """Signal receiver: any write to a model that public pages show bumps the version."""
    if kwargs.get("raw"):  # loaddata: the restore path bumps once at the end
        return
    model = sender
    if getattr(model, "_meta", None) is None:  # m2m_changed sends the through model
        return
    if model._meta.app_label in UNVERSIONED_APPS:
        return
    try:
        bump_version()
    except Exception:  # a cache outage must never make a save fail
        logger.warning("Could not bump the content version", exc_info=True)
        return
    # Again once the transaction commits: a page rendered in between read the old rows.
    transaction.on_commit(_bump_quietly, using=kwargs.get("using"))


def _bump_quietly() -> None:
    try:
        bump_version()
    except Exception:
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
        self.pages: OrderedDict[str, tuple[float, CachedPage]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, version: int) -> CachedPage | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            expires, page = found
            if page.version != version or expires < time.monotonic():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        if len(page.body) > self.max_bytes // 4:
            return
        with self.lock:
            self._drop(key)
            self.pages[key] = (time.monotonic() + settings.PAGE_CACHE_SECONDS, page)
            self.size += len(page.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        found = self.pages.pop(key, None)
        if found is not None:
            self.size -= len(found[1].body)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


local_copies = _LocalCopies(max_bytes=32 * 1024 * 1024)


def lookup(request) -> tuple[int, CachedPage | None]:
    """The current version and the stored page for this request (one shared-cache round trip)."""
    key = page_key(request)
    version = cache.get(VERSION_KEY)
    if version is None:
        return current_version(), None
    page = local_copies.get(key, version)
    if page is not None:
        return version, page
    page = cache.get(key)
    if page is None or page.version != version:
        return version, None
    local_copies.put(key, page)
    return version, page


def store(request, page: CachedPage) -> None:
    key = page_key(request)
    cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
    local_copies.put(key, page)


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
