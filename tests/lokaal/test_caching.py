"""The public pages as the reverse proxy sees them: canonical URLs, and which responses it may
keep (X-Accel-Expires). The proxy itself is tested for real by scripts/two_instances.py and
the benchmark (deploy/nginx.conf)."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import resolve

from lokaal.middleware import SiteMiddleware
from tests import factories
from trajecten.models import Traject


@pytest.fixture
def traject(programme):
    return Traject.objects.get(slug="strategie-halle")


def test_an_anonymous_public_page_may_be_kept_by_the_proxy(client, traject, settings):
    settings.PUBLIC_CACHE_SECONDS = 15
    response = client.get(traject.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Expires"] == "15"
    assert response["Cache-Control"] == "no-cache"
    assert response["ETag"]


def test_conditional_requests_get_304_without_a_body(client, traject):
    etag = client.get(traject.get_absolute_url())["ETag"]
    response = client.get(traject.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_a_published_change_is_in_the_next_response_from_the_application(
    client, traject, django_capture_on_commit_callbacks
):
    etag = client.get(traject.get_absolute_url())["ETag"]
    workshop = traject.workshops.get(volgnummer=1)
    with django_capture_on_commit_callbacks(execute=True):
        factories.publish_report(workshop, "Twaalf domeinen verkend, drie gekozen: bouw en zorg.")
    response = client.get(traject.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Twaalf domeinen verkend" in response.content.decode()


def test_logged_in_users_and_visitors_with_messages_are_never_kept(client, traject, coach):
    client.cookies["messages"] = "iets"
    assert "X-Accel-Expires" not in client.get(traject.get_absolute_url())
    del client.cookies["messages"]
    client.force_login(coach)
    response = client.get(traject.get_absolute_url())
    assert response.status_code == 200
    assert "X-Accel-Expires" not in response
    assert "ETag" not in response


def test_the_coach_workspace_admin_accounts_and_health_are_never_kept(client, programme):
    for path in ["/admin/login/", "/account/login/", "/healthz", "/healthz/ping", "/coach/"]:
        assert "X-Accel-Expires" not in client.get(path), path


def _run(view, path="/trajecten/"):
    """The middleware around `view`, as if `view` were the public page at `path`."""
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path.split("?")[0])
    middleware = SiteMiddleware(view)
    return middleware.process_view(request, view, (), {}) or middleware(request)


def test_a_page_with_a_csrf_token_or_a_cookie_or_marked_private_is_never_kept(db):
    def with_token(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    def with_cookie(request):
        response = HttpResponse("<p>hallo</p>")
        response.set_cookie("voorkeur", "1")
        return response

    def private(request):
        response = HttpResponse("<p>hallo</p>")
        response["Cache-Control"] = "private"
        return response

    def plain(request):
        return HttpResponse("<p>hallo</p>")

    for view in (with_token, with_cookie, private):
        assert "X-Accel-Expires" not in _run(view), view.__name__
    assert "X-Accel-Expires" in _run(plain)


def test_unknown_query_parameters_are_redirected_away_before_any_query(
    client, programme, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/?a=1")
    assert response.status_code == 301
    assert response["Location"] == "/"
    assert "X-Accel-Expires" not in response
    with django_assert_num_queries(0):
        response = client.get("/trajecten/?utm_source=x&soort=strategie&b=2")
    assert response.status_code == 301
    assert response["Location"] == "/trajecten/?soort=strategie"


def test_known_parameters_are_kept_in_one_order_and_once(client, programme):
    response = client.get("/trajecten/?soort=strategie&ronde=r1&soort=begeleiding")
    assert response.status_code == 301
    assert response["Location"] == "/trajecten/?ronde=r1&soort=strategie"
    # Already canonical: rendered (a filter value that is not a choice is still a 400).
    assert client.get("/trajecten/?soort=strategie").status_code == 200
    assert client.get("/trajecten/?soort=bestaat-niet").status_code == 400


def test_every_random_query_string_leads_to_one_url(client, programme):
    locations = {client.get(f"/vergelijk/?x{n}={n}")["Location"] for n in range(20)}
    assert locations == {"/vergelijk/"}


def test_pages_outside_the_public_list_keep_their_query_strings(client, programme):
    response = client.get("/account/login/?next=/coach/")
    assert response.status_code == 200


def test_another_host_is_refused(client, programme):
    response = client.get("/", headers={"Host": "elders.example.org"})
    assert response.status_code == 400


def test_anonymous_posts_and_failed_logins_leave_the_cache_untouched(client, programme, settings):
    settings.RATE_LIMITS_ENABLED = False
    cache.clear()
    client.get("/")
    token = client.get("/account/login/").cookies["csrftoken"].value
    before = set(cache._cache.keys())
    for _ in range(3):
        client.post("/", {"csrfmiddlewaretoken": token})
        client.post(
            "/account/login/",
            {"username": "niemand", "password": "fout", "csrfmiddlewaretoken": token},
        )
    assert set(cache._cache.keys()) == before


def test_a_saved_trajectory_replaces_only_the_generations_that_show_it(traject):
    # No page is written or deleted: the tokens of the scopes that show the trajectory are
    # replaced (lokaal/fragmenten.py), so every other trajectory's fragments stay valid.
    cache.clear()
    traject.save()
    scopes = {key.split(":gen:")[1] for key in cache._cache}
    assert scopes == {f"traject:{traject.pk}", f"ronde:{traject.ronde_id}", "inhoud"}


def test_page_numbers_are_bounded_and_search_results_are_never_kept(client, programme):
    response = client.get("/zoeken/?pagina=99999999")
    assert response.status_code == 301
    assert response["Location"] == "/zoeken/"
    assert client.get("/zoeken/?pagina=abc")["Location"] == "/zoeken/"
    response = client.get("/zoeken/?q=halle")
    assert response.status_code == 200
    assert "X-Accel-Expires" not in response
    assert "X-Accel-Expires" in client.get("/zoeken/")
