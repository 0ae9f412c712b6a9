"""Project-wide middleware: request ids and one log line per request, and the public page cache.

Both work on every page without per-view code, so pages added later are covered as they are.
"""

import contextlib
import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseNotModified
from django.template import loader
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from lokaal import cache as page_cache

request_log = logging.getLogger("lokaal.request")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)

# An incoming id is kept only when it is short and plain, so it cannot forge log lines.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request it was written in (or '-')."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class RequestLogMiddleware:
    """One line per request on stdout: method, path, status, duration in ms and request id.

    The id comes from an incoming X-Request-ID header when it looks sane (so a proxy's id
    follows the request through), otherwise a fresh one; it is echoed in the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.quiet_prefixes = tuple(settings.REQUEST_LOG_QUIET_PATHS)

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        start = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = (time.perf_counter() - start) * 1000
            # Load balancer probes would drown the log: they are logged only when they fail.
            level = (
                logging.DEBUG
                if status < 400 and request.path.startswith(self.quiet_prefixes)
                else logging.INFO
            )
            request_log.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.get_full_path()[:500],
                status,
                duration_ms,
                extra={"status": status, "duration_ms": round(duration_ms, 1)},
            )
            current_request_id.reset(token)


_CACHEABLE_TYPES = (
    "text/html",
    "application/atom+xml",
    "application/rss+xml",
    "application/xml",
    "text/calendar",
    "application/json",
    "text/csv",
)
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Headers the outer middleware add to every response (CSP with its nonce, HSTS, ...) or that
# belong to one response only; they are never stored with a page.
_UNSTORED_HEADERS = {
    "content-security-policy",
    "content-security-policy-report-only",
    "set-cookie",
    "date",
    "x-request-id",
    "strict-transport-security",
}


class PublicPageCacheMiddleware:
    """Serve anonymous GET requests of public pages from the shared cache.

    A page is stored only when nothing about it is personal: the visitor sent no session or
    messages cookie, the response sets no cookie, no CSRF token was put in it, and the view did
    not ask for `private`/`no-store`/`no-cache`. Pages under `PAGE_CACHE_EXCLUDE` (coach
    workspace, admin, accounts, health) are never stored. Stored pages carry an ETag and
    Last-Modified, so a conditional request is answered 304 without a body; any change to the
    data (see `lokaal.cache`) makes the next request render afresh. While one request renders
    a page, the others for the same page wait for it (after a change) or get the page that is
    only past its time (`X-Cache: stale`).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDE)
        # Django's cookie message storage always uses the cookie name "messages".
        self.private_cookies = {settings.SESSION_COOKIE_NAME, "messages"}

    def __call__(self, request):
        if request.method in _UNSAFE_METHODS:
            token = page_cache.bumped.set(False)
            try:
                response = self.get_response(request)
                # Also covers writes that send no model signal (queryset.update()).
                if response.status_code < 400 and not page_cache.bumped.get():
                    _quietly(page_cache.bump_version)
            finally:
                page_cache.bumped.reset(token)
            return response
        if not self._may_use_cache(request):
            return self.get_response(request)

        found = _quietly(page_cache.lookup, request)
        if found is None:  # the cache is unreachable: serve the page as if there were none
            return self.get_response(request)
        page = found.page
        if page is not None and page.is_fresh():
            return self._serve(request, page)
        if not found.known:
            # Never stored (a first visit, or a page that is not cached such as a 404): no
            # reason to expect another request to store it, so render it right away.
            return self._render(request, found.version)
        claimed = _quietly(page_cache.claim_render, request, found.version)
        if claimed is False:  # another request is rendering this page right now
            if page is not None:
                # Same content, only past its time: serve it while the new one is rendered.
                return self._serve(request, page, state="stale")
            page = _quietly(page_cache.wait_for_render, request, found.version)
            if page is not None:
                return self._serve(request, page)
            return self._render(request, found.version)
        try:
            return self._render(request, found.version)
        finally:
            if claimed:
                _quietly(page_cache.release_render, request, found.version)

    def _render(self, request, version):
        response = self.get_response(request)
        page = self._page_to_store(request, response, version)
        if page is None:
            return response
        _quietly(page_cache.store, request, page)
        self._set_validators(response, page)
        return self._not_modified(request, page) or response

    def _may_use_cache(self, request) -> bool:
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in {"GET", "HEAD"}
            and not request.path.startswith(self.excluded)
            and not self.private_cookies.intersection(request.COOKIES)
        )

    def _page_to_store(self, request, response, version):
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # The body holds a token tied to this visitor. (CsrfViewMiddleware normally also
            # sets the cookie, which the check above already refuses.)
            return None
        if getattr(request, "session", None) is not None and request.session.modified:
            return None
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return None
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in _CACHEABLE_TYPES:
            return None
        body = response.content
        nonce = getattr(request, "_csp_nonce", None)
        uses_nonce = bool(nonce)  # LazyNonce is truthy only once the page asked for it
        if uses_nonce:
            body = body.replace(str(nonce).encode(), page_cache.NONCE_PLACEHOLDER)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _UNSTORED_HEADERS
        ]
        return page_cache.CachedPage(
            version=version,
            status=response.status_code,
            headers=headers,
            body=body,
            etag=page_cache.etag_for(body),
            last_modified=time.time(),
            uses_nonce=uses_nonce,
        )

    def _serve(self, request, page, state="hit"):
        not_modified = self._not_modified(request, page)
        if not_modified is not None:
            return not_modified
        body = page.body
        if page.uses_nonce:
            # A fresh nonce per response; the CSP middleware puts the same one in the header.
            body = body.replace(page_cache.NONCE_PLACEHOLDER, str(request._csp_nonce).encode())
        response = HttpResponse(body, status=page.status)
        for name, value in page.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        self._set_validators(response, page)
        response["X-Cache"] = state
        return response

    @staticmethod
    def _set_validators(response, page):
        response["ETag"] = page.etag
        response["Last-Modified"] = http_date(page.last_modified)
        if "Cache-Control" not in response:
            # Browsers and proxies may keep the page but must ask again (and get a 304).
            response["Cache-Control"] = "no-cache"

    @staticmethod
    def _not_modified(request, page):
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match:
            tags = parse_etags(if_none_match)
            if "*" in tags or page.etag in tags:
                return _not_modified_response(page)
            return None
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(page.last_modified) <= since:
            return _not_modified_response(page)
        return None


def _quietly(function, *args):
    """A cache outage must cost speed, never a page: log it and carry on without the cache."""
    try:
        return function(*args)
    except Exception:
        logging.getLogger(__name__).warning("Page cache unavailable", exc_info=True)
        return None


def _not_modified_response(page) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    response["Cache-Control"] = "no-cache"
    return response


class DatabaseUnavailableMiddleware:
    """When the database drops a query (a restart, a failover), retry a GET once, then say so.

    The connection that failed is discarded first, so the retry waits in the pool for a new
    one (up to `DATABASE_POOL_TIMEOUT`) and usually succeeds once the database is back. A
    request that still fails, or one that may have written (POST and the like, or inside a
    transaction), gets a 503 with Retry-After and a page that says what happened: never a 500.
    Last in MIDDLEWARE, so a retry runs only the view again.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logging.getLogger(__name__).warning(
            "The database dropped %s %s (%s)",
            request.method,
            request.path,
            exception.__class__.__name__,
        )
        may_retry = (
            request.method in {"GET", "HEAD"}
            and not getattr(request, "_database_retried", False)
            and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
        )
        _discard_broken_connections()
        if may_retry:
            request._database_retried = True
            return self.get_response(request)
        body = loader.get_template("503.html").render(
            {"unsafe": request.method not in {"GET", "HEAD"}}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def _discard_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        # Closing a broken connection may itself fail; it is gone either way.
        with contextlib.suppress(Exception):
            connection.close()
