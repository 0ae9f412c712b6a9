"""Abuse limits: how often one client or one mailbox may ask for something, and body sizes.

The counting is django-ratelimit's, in the shared cache, so a limit holds across instances. The
limits themselves are settings (`RATE_LIMITS`, from the environment). A request over a limit
gets `too_many_requests`: a Dutch 429 page that says when to retry, rendered without database
or session. When the cache cannot be reached the limits let requests through (and log it): an
outage of the cache must not lock everyone out.
"""

import logging
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind `DJANGO_PROXY_COUNT` proxies the address
    the outermost of them saw (the last entries of X-Forwarded-For are the proxies' own)."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "onbekend"


def mailbox(address: str) -> str:
    """The mailbox an address delivers to, for counting: lower case, `+tag` folded away.

    `Iemand+1@Voorbeeld.be` and `iemand@voorbeeld.be` count as one; mail still goes to the
    address as given.
    """
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.split('+', 1)[0]}@{domain}"


@dataclass(frozen=True)
class Limited:
    """A refused request: which limit, and in how many seconds it may be tried again."""

    limit: str
    retry_after: int


def _parse_rate(rate: str) -> str:
    if not re.fullmatch(r"\d+/\d*[smhd]", rate):
        raise ValueError(f"Een limiet is 'aantal/periode' (zoals 10/15m), niet {rate!r}.")
    return rate


def hit(request, *, limit: str, value: str) -> Limited | None:
    """Count one attempt for `value` under the named limit; a Limited when it is over."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    rate = _parse_rate(settings.RATE_LIMITS[limit])
    try:
        usage = get_usage(
            request, group=limit, key=lambda _group, _request: value, rate=rate, increment=True
        )
    except Exception:
        logger.warning("Limiet %s niet geteld: de cache is onbereikbaar", limit, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    if usage["limit"] == 0:  # the cache did not count: let it through rather than lock out
        return None
    return Limited(limit=limit, retry_after=max(1, usage["time_left"]))


def first_limited(request, checks: list[tuple[str, str]]) -> Limited | None:
    """Count every (limit, value) pair, so each limit sees every attempt; the first that is over."""
    found = None
    for limit, value in checks:
        result = hit(request, limit=limit, value=value)
        found = found or result
    return found


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconden"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minuten"
    return f"{math.ceil(minutes / 60)} uur"


def too_many_requests(limited: Limited) -> HttpResponse:
    """The 429 page: no database, no session, no cache needed to render it."""
    body = loader.get_template("429.html").render({"wait": _wait_text(limited.retry_after)})
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(limited.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def too_large(request) -> HttpResponse | None:
    """A 413 for a request whose Content-Length is over `MAX_REQUEST_BYTES`, before anything
    reads its body (lokaal.middleware.SiteMiddleware asks first); None for any other.

    The answer is a Dutch page, and the connection is closed so the unread body is not taken
    for the next request.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= settings.MAX_REQUEST_BYTES:
        return None
    body = loader.get_template("413.html").render({"limit_mb": settings.MAX_UPLOAD_MB})
    response = HttpResponse(body, status=413)
    response["Connection"] = "close"
    response["Cache-Control"] = "no-store"
    return response
