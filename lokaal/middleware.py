"""Project-wide middleware: what every request goes through, without per-view code.

`SiteMiddleware` is the project's own layer, first in `MIDDLEWARE`: the request id and one log
line per request, the body size limit, the Content-Security-Policy header, canonical URLs for
the public pages (and which responses the reverse proxy may keep), and simple_history's user.
They are one layer rather than five because each layer of Django's middleware chain costs a
call, a wrapper and an exception handler per request: as five, they added ~50 µs to a request
that takes ~125 µs through startproject's stack (docs/performance.md, "The project's
middleware"). `DatabaseUnavailableMiddleware` stays a layer of its own, last, so that its retry
runs only the view again.
"""

import contextlib
import logging
import random
import re
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.middleware import csp
from django.template import loader
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.csp import CSP, LazyNonce, build_policy
from django.utils.http import urlencode
from simple_history.models import HistoricalRecords

from lokaal.limits import too_large
from lokaal.logformat import current_request_id

request_log = logging.getLogger("lokaal.request")
# An incoming id is kept only when it is short and plain, so it cannot forge log lines.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class SiteMiddleware:
    """The project's own per-request work, in one layer (see the module's docstring).

    - *Request id and log line.* The id comes from an incoming X-Request-ID header when it looks
      sane (so a proxy's id follows the request through), otherwise a fresh one; it is echoed in
      the response and set on every log record written meanwhile. One line per request on
      stdout: method, path, status, duration in ms and the id.
    - *Body size.* A request whose Content-Length is over `MAX_REQUEST_BYTES` gets a 413 before
      anything reads the body (`lokaal.limits.too_large`).
    - *Content-Security-Policy*, as Django's middleware sets it (`SECURE_CSP`), with the header
      built once for the responses whose templates used no nonce (nearly all of them).
    - *Public pages* (`PublicPages`): non-canonical query strings are redirected before the view
      runs, and a response with nothing personal in it is marked for the proxy's cache.
    - *History.* simple_history attributes a change to the request's user when the request is
      in its context: only a request with a session cookie can have a logged-in user, so only
      those are put there (what simple_history's own middleware does for every request).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.quiet_prefixes = tuple(settings.REQUEST_LOG_QUIET_PATHS)
        self.public_pages = PublicPages()
        self.csp = _ContentSecurityPolicy(get_response)
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = (
            incoming
            if incoming and _SANE_REQUEST_ID.match(incoming)
            else f"{random.getrandbits(128):032x}"
        )
        request.request_id = request_id
        token = current_request_id.set(request_id)
        start = time.perf_counter()
        status = 500
        try:
            response = too_large(request) or self._respond(request)
            status = response.status_code
            self.csp.add_header(request, response)
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            self._log(request, status, (time.perf_counter() - start) * 1000)
            current_request_id.reset(token)

    def _respond(self, request):
        request._csp_nonce = LazyNonce()
        if self.session_cookie in request.COOKIES:
            with _history_request(request):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        return self.public_pages.mark(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        return self.public_pages.redirect_to_canonical(request)

    def _log(self, request, status: int, duration_ms: float) -> None:
        # Load balancer probes would drown the log: they are logged only when they fail.
        level = (
            logging.DEBUG
            if status < 400 and request.path.startswith(self.quiet_prefixes)
            else logging.INFO
        )
        if not request_log.isEnabledFor(level):
            return
        request_log.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.get_full_path()[:500],
            status,
            duration_ms,
            extra={"status": status, "duration_ms": round(duration_ms, 1)},
        )


@contextlib.contextmanager
def _history_request(request):
    """The request in simple_history's context, as `HistoryRequestMiddleware` puts it there."""
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        with contextlib.suppress(AttributeError):
            del HistoricalRecords.context.request


class _ContentSecurityPolicy(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP header, with the policy built once for the responses that use no nonce:
    building it took a few percent of a minimal request."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._policies = {}

    def add_header(self, request, response) -> None:
        nonce = getattr(request, "_csp_nonce", None)
        if nonce or hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config"):
            self.process_response(request, response)
            return
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                built = self._policies.get(header)
                if built is None or built[0] is not config:  # settings changed (tests)
                    built = self._policies[header] = (config, build_policy(config, None))
                response.headers[str(header)] = built[1]


# Query parameters whose values are free text (the search words): pages asked for with them are
# served but never kept by the proxy, so they cannot fill its cache.
_UNKEPT_PARAMETERS = frozenset({"q"})
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")


class PublicPages:
    """Canonical URLs for the public pages, and which responses the reverse proxy may keep.

    The public pages are listed in `PUBLIC_PAGES` by URL name, each with the query parameters it
    understands. A GET with any other parameter (or a repeated one, or the known ones in another
    order) is answered with a 301 to the canonical URL before the view runs, so the proxy keeps
    a bounded number of variants of each page and a random query string costs no render.

    A public page's response may be kept by the proxy for `PUBLIC_CACHE_SECONDS` when nothing in
    it is personal: a 200 to a visitor without session or messages cookie, setting no cookie,
    with no CSRF token in it, and not marked private/no-store by the view. Such a response gets
    `X-Accel-Expires` (which nginx reads and never passes on), an ETag (a conditional request
    gets a 304) and `Cache-Control: no-cache` for browsers. See deploy/nginx.conf.
    """

    def __init__(self):
        self.pages = {name: tuple(params) for name, params in settings.PUBLIC_PAGES.items()}
        # Django's cookie message storage always uses the cookie name "messages".
        self.private_cookies = (settings.SESSION_COOKIE_NAME, "messages")

    def mark(self, request, response):
        """The response, marked as one the proxy may keep when nothing in it is personal."""
        if getattr(request, "_public_page", False) and self._may_keep(request, response):
            set_response_etag(response)
            if "Cache-Control" not in response:
                response["Cache-Control"] = "no-cache"
            if settings.PUBLIC_CACHE_SECONDS:
                response["X-Accel-Expires"] = str(settings.PUBLIC_CACHE_SECONDS)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def redirect_to_canonical(self, request):
        """A 301 to the canonical URL of a public page asked for with another query string."""
        if request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        known = self.pages.get(match.view_name) if match is not None else None
        if known is None:
            return None
        request._public_page = True
        raw = request.META.get("QUERY_STRING", "")
        if not raw:
            return None
        query = request.GET
        pairs = [(name, query.getlist(name)[0]) for name in known if name in query]
        if any(name in _UNKEPT_PARAMETERS for name, _ in pairs):
            request._public_page = False  # free text: every value would be another entry
        # A page number that is not a plain number up to 999 is dropped (the first page).
        pairs = [(n, v) for n, v in pairs if n != "pagina" or _PAGE_NUMBER.fullmatch(v)]
        canonical = urlencode(pairs)
        if canonical == raw:
            return None
        location = request.path + ("?" + canonical if canonical else "")
        response = HttpResponsePermanentRedirect(location)
        response["Cache-Control"] = "no-store"
        return response

    def _may_keep(self, request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cookies = request.COOKIES
        if any(name in cookies for name in self.private_cookies):
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the body holds a token tied to this visitor
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


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
