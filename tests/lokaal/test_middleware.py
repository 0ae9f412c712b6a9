"""The project's own middleware layer (lokaal.middleware.SiteMiddleware): what it puts in
simple_history's context. The request id and log line are tested in test_logformat.py, the
public page rules in test_caching.py, the size limit in test_error_pages.py."""

from django.http import HttpResponse
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from lokaal.middleware import SiteMiddleware


def test_only_a_request_with_a_session_is_put_in_simple_historys_context(db):
    seen = []

    def view(request):
        seen.append(getattr(HistoricalRecords.context, "request", None) is request)
        return HttpResponse("<p>hallo</p>")

    SiteMiddleware(view)(RequestFactory().get("/"))
    SiteMiddleware(view)(RequestFactory(headers={"Cookie": "sessionid=abc"}).get("/"))
    assert seen == [False, True]
    assert getattr(HistoricalRecords.context, "request", None) is None  # taken out afterwards
