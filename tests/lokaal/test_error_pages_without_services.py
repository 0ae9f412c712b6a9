"""Every error page renders with the database and the cache down, also for a logged-in visitor."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import Http404
from django.test import Client
from django.urls import path

from lokaal import urls as project_urls
from lokaal.limits import Limited, too_many_requests


def bad_request(request):
    raise SuspiciousOperation("kapotte aanvraag")


def forbidden(request):
    raise PermissionDenied


def not_found(request):
    raise Http404


def limited(request):
    return too_many_requests(Limited(limit="test", retry_after=60))


def broken(request):
    raise ValueError("een gewone fout")


def database_gone(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("400/", bad_request),
    path("403/", forbidden),
    path("404/", not_found),
    path("429/", limited),
    path("500/", broken),
    path("503/", database_gone),
    *project_urls.urlpatterns,  # the error pages link to the public pages
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

ERROR_PAGES = [
    (400, "Dit verzoek kunnen we niet verwerken"),
    (403, "Geen toegang"),
    (404, "Pagina niet gevonden"),
    (429, "Even te veel aanvragen"),
    (500, "Er ging iets mis"),
    (503, "Even niet bereikbaar"),
]


@pytest.fixture
def logged_in_cookie(django_user_model):
    """A real session cookie of a coach, made while the database was still up."""
    user = django_user_model.objects.create_user("coach-fout", password="x")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def services_down(monkeypatch):
    def refuse_database(self):
        raise OperationalError("connection refused")

    def refuse_cache(self, *args, **kwargs):
        raise ConnectionError("cache refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse_database)
    for name in ("get", "add", "set", "incr", "get_many", "delete"):
        monkeypatch.setattr(LocMemCache, name, refuse_cache)


@pytest.mark.parametrize("with_session", [False, True], ids=["anonymous", "session-cookie"])
@pytest.mark.parametrize(("status", "title"), ERROR_PAGES)
def test_error_pages_render_with_the_database_and_cache_down(
    request, settings, status, title, with_session
):
    client = Client(raise_request_exception=False)
    if with_session:
        client.cookies["sessionid"] = request.getfixturevalue("logged_in_cookie")
    request.getfixturevalue("services_down")
    response = client.get(f"/{status}/")
    assert response.status_code == status
    assert title in response.content.decode()
    # The error page does not end the visitor's session.
    assert response.cookies.get("sessionid") is None or response.cookies["sessionid"].value


@pytest.mark.parametrize("with_session", [False, True], ids=["anonymous", "session-cookie"])
def test_a_form_without_csrf_token_gets_a_dutch_403_with_the_database_down(request, with_session):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if with_session:
        client.cookies["sessionid"] = request.getfixturevalue("logged_in_cookie")
    request.getfixturevalue("services_down")
    response = client.post("/404/", {"naam": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert '<html lang="nl">' in text
    assert "Formulier verlopen" in text and "Er werd niets bewaard" in text
    assert "CSRF" not in text and "Forbidden" not in text
