"""Probes for load balancers and benchmarks. They never touch the session."""

import logging
from typing import Any

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lokaal.cache import cache_state

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """{"database": ..., "cache": ...}: 200 when the database answers a trivial query, else 503.

    A cache that does not answer is reported as "degraded" (with the detail under
    "cache_detail") but keeps the 200: pages are served without it (lokaal/cache.py).
    Answered over plain HTTP too (SECURE_REDIRECT_EXEMPT), for load balancers that probe the app.
    """
    report: dict[str, Any] = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: the database does not answer (%s).", exc.__class__.__name__)
        report["database"] = "unavailable"
    detail = cache_state()
    if detail["state"] != "ok":
        report["cache"] = "degraded"
        report["cache_detail"] = detail
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


@require_safe
def ping(request):
    """The smallest Django view: no database, no template. The benchmark's yardstick.

    `no-store` is set as a plain header: `never_cache`'s date and header parsing cost 20 µs,
    more than the rest of the view (docs/performance.md)."""
    response = HttpResponse("pong\n", content_type="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response
