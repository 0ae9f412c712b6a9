"""The public page cache: fast for anonymous visitors, never stale, never personal."""

import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory
from django.utils.csp import LazyNonce
from django.utils.http import http_date

from lokaal import cache as page_cache
from lokaal.middleware import PublicPageCacheMiddleware
from tests import factories
from trajecten.models import Traject
from workshops.models import Workshop


@pytest.fixture(autouse=True)
def _page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    page_cache.local_copies.clear()
    yield
    cache.clear()
    page_cache.local_copies.clear()


@pytest.fixture
def traject(programme):
    return Traject.objects.get(slug="strategie-halle")


def test_second_anonymous_request_is_served_from_cache_without_queries(
    client, traject, django_assert_num_queries
):
    first = client.get(traject.get_absolute_url())
    assert first.status_code == 200
    assert "X-Cache" not in first
    with django_assert_num_queries(0):
        second = client.get(traject.get_absolute_url())
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"].startswith("text/html")


def test_a_published_report_shows_on_the_very_next_request(
    client, traject, django_capture_on_commit_callbacks
):
    client.get(traject.get_absolute_url())
    assert client.get(traject.get_absolute_url())["X-Cache"] == "hit"
    workshop = traject.workshops.get(volgnummer=1)
    with django_capture_on_commit_callbacks(execute=True):  # the commit
        factories.publish_report(workshop, "Twaalf domeinen verkend, drie gekozen: bouw en zorg.")

    response = client.get(traject.get_absolute_url())
    assert "X-Cache" not in response
    assert "Twaalf domeinen verkend" in response.content.decode()
    home = client.get("/")
    assert traject.titel in home.content.decode()


def test_a_bulk_update_through_a_post_invalidates_the_cache(client, traject, manager):
    client.get(traject.get_absolute_url())
    # queryset.update() sends no signal; a successful POST still invalidates every page.
    Workshop.objects.filter(traject=traject).update(titel="Een titel zonder signaal")
    assert client.get(traject.get_absolute_url())["X-Cache"] == "hit"
    other = type(client)()
    other.force_login(manager)
    other.post("/admin/logout/")
    response = client.get(traject.get_absolute_url())
    assert "X-Cache" not in response
    assert "Een titel zonder signaal" in response.content.decode()


def test_a_transaction_bumps_the_version_when_it_commits_not_before(
    traject, django_capture_on_commit_callbacks
):
    before = page_cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        traject.titel = "Een nieuwe titel"
        traject.save()
        factories.make_coachingsmoment(traject)
        # Not yet: a page rendered now reads the old rows and must stay under the old version.
        assert page_cache.current_version() == before
    assert page_cache.current_version() > before


def test_a_change_outside_a_transaction_bumps_the_version_at_once(transactional_db):
    before = page_cache.current_version()
    factories.make_traject(titel="Buiten een transactie", slug="buiten-een-transactie")
    assert page_cache.current_version() > before


def test_a_post_that_saved_through_the_models_bumps_the_version_only_once(transactional_db, client):
    traject = factories.make_traject(titel="Met een coach", slug="met-een-coach")
    client.force_login(factories.make_coach("coach-van-het-traject", traject))
    before = page_cache.current_version()
    response = client.post(
        f"/coach/trajecten/{traject.slug}/updates/nieuw/",
        {"datum": "2023-03-01", "titel": "Nieuws", "tekst": "Iets nieuws.", "publiceren": "on"},
    )
    assert response.status_code == 302
    assert traject.updates.get().titel == "Nieuws"
    # The update and its history record each bumped the version as they were committed; the
    # safety net for writes without a signal did not add another one.
    assert page_cache.current_version() - before == 2


def test_conditional_requests_get_304_without_a_body(client, traject):
    first = client.get(traject.get_absolute_url())
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified

    by_etag = client.get(traject.get_absolute_url(), headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    by_date = client.get(traject.get_absolute_url(), headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304
    assert by_date.content == b""
    stale = client.get(traject.get_absolute_url(), headers={"If-None-Match": '"iets-anders"'})
    assert stale.status_code == 200
    assert stale.content


def test_a_change_makes_the_old_etag_get_the_new_page(
    client, traject, django_capture_on_commit_callbacks
):
    etag = client.get(traject.get_absolute_url())["ETag"]
    traject.samenvatting = "Een nieuwe samenvatting voor het publiek."
    with django_capture_on_commit_callbacks(execute=True):
        traject.save()
    response = client.get(traject.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Een nieuwe samenvatting" in response.content.decode()
    old = http_date(0)
    assert client.get("/", headers={"If-Modified-Since": old}).status_code == 200


def test_logged_in_users_never_get_or_fill_the_cache(client, traject, coach):
    client.get(traject.get_absolute_url())  # cached for anonymous visitors
    client.force_login(coach)
    response = client.get(traject.get_absolute_url())
    assert "X-Cache" not in response
    assert "ETag" not in response


def test_a_visitor_with_pending_messages_gets_a_fresh_page(client, traject):
    client.get(traject.get_absolute_url())
    client.cookies["messages"] = "iets"
    response = client.get(traject.get_absolute_url())
    assert "X-Cache" not in response


def test_the_coach_workspace_admin_and_health_are_never_cached(client, programme):
    for path in ["/admin/login/", "/healthz", "/healthz/ping"]:
        client.get(path)
        assert "X-Cache" not in client.get(path), path


def _middleware_around(view):
    return PublicPageCacheMiddleware(view)


def _anonymous_get(path="/pagina/"):
    request = RequestFactory().get(path)
    request._csp_nonce = LazyNonce()
    return request


def test_a_page_with_a_csrf_token_is_never_stored(db):
    def view(request):
        return HttpResponse(f"<form>{get_token(request)}</form>", content_type="text/html")

    middleware = _middleware_around(view)
    first = middleware(_anonymous_get())
    second = middleware(_anonymous_get())
    assert "X-Cache" not in second
    assert first.content != second.content


def test_a_page_that_sets_a_cookie_or_is_private_is_never_stored(db):
    def with_cookie(request):
        response = HttpResponse("<p>hallo</p>", content_type="text/html")
        response.set_cookie("voorkeur", "1")
        return response

    def private(request):
        response = HttpResponse("<p>hallo</p>", content_type="text/html")
        response["Cache-Control"] = "private"
        return response

    for view in (with_cookie, private):
        middleware = _middleware_around(view)
        middleware(_anonymous_get())
        assert "X-Cache" not in middleware(_anonymous_get())


def test_each_cached_hit_gets_a_fresh_csp_nonce(db):
    template = engines["django"].from_string('<script nonce="{{ nonce }}">1</script>')

    def view(request):
        body = template.render({"nonce": request._csp_nonce})
        return HttpResponse(body, content_type="text/html")

    middleware = _middleware_around(view)
    first_request, second_request = _anonymous_get(), _anonymous_get()
    first = middleware(first_request)
    second = middleware(second_request)
    assert second["X-Cache"] == "hit"
    assert str(first_request._csp_nonce) in first.content.decode()
    assert str(second_request._csp_nonce) in second.content.decode()
    assert str(first_request._csp_nonce) not in second.content.decode()


def test_a_local_copy_is_never_served_once_another_process_changed_the_data(client, traject):
    client.get(traject.get_absolute_url())
    assert client.get(traject.get_absolute_url())["X-Cache"] == "hit"
    # Another process bumps the shared version (its signal never ran here).
    page_cache.bump_version()
    assert "X-Cache" not in client.get(traject.get_absolute_url())


def _page(version=1, size=10, fresh_for=60):
    return page_cache.CachedPage(
        version=version,
        status=200,
        headers=[],
        body=b"x" * size,
        etag='"e"',
        last_modified=0,
        uses_nonce=False,
        fresh_until=time.time() + fresh_for,
    )


def test_local_copies_expire_and_stay_within_their_memory_bound(settings):
    settings.PAGE_CACHE_SECONDS = 60
    copies = page_cache._LocalCopies(max_bytes=100)
    copies.put("a", _page(fresh_for=-61))
    assert copies.get("a", 1) is None  # past its freshness and its grace: gone
    copies.put("a", _page(fresh_for=-30))
    assert copies.get("a", 1) is not None  # stale but within its grace: kept
    assert not copies.get("a", 1).is_fresh()

    for key in "abcdefghij":
        copies.put(key, _page(size=20))
    assert copies.size <= 100
    assert copies.get("j", 1) is not None
    assert copies.get("a", 1) is None  # the oldest made room
    assert copies.get("j", 2) is None  # another version: never served
    copies.put("groot", _page(size=60))  # more than a quarter of the bound: not kept
    assert copies.get("groot", 1) is None


class _CountingView:
    """A page whose text changes with every render; a render can be held until released."""

    def __init__(self):
        self.renders = 0
        self.hold = None  # a threading.Event the next render waits for
        self.rendering = threading.Event()

    def __call__(self, request):
        self.renders += 1
        number = self.renders
        if self.hold is not None:
            self.rendering.set()
            assert self.hold.wait(5)
        return HttpResponse(f"<p>render {number}</p>", content_type="text/html")


def _in_thread(function, *args):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function(*args)))
    thread.start()
    return thread, result


def test_after_a_change_one_request_renders_a_page_while_the_others_wait_for_it(db):
    view = _CountingView()
    middleware = _middleware_around(view)
    middleware(_anonymous_get())
    page_cache.bump_version()

    view.hold = threading.Event()
    renderer, rendered = _in_thread(middleware, _anonymous_get())
    assert view.rendering.wait(5)
    waiters = [_in_thread(middleware, _anonymous_get()) for _ in range(4)]
    time.sleep(0.2)
    assert view.renders == 2  # the waiters did not render the page themselves
    view.hold.set()
    for thread, _ in [(renderer, rendered), *waiters]:
        thread.join(5)

    assert rendered["value"].content == b"<p>render 2</p>"
    for _, result in waiters:
        assert result["value"].content == b"<p>render 2</p>"
        assert result["value"]["X-Cache"] == "hit"
    assert view.renders == 2


def test_a_page_past_its_time_is_served_while_its_successor_is_rendered(db, settings):
    settings.PAGE_CACHE_SECONDS = 60
    view = _CountingView()
    middleware = _middleware_around(view)
    request = _anonymous_get()
    middleware(request)
    version = page_cache.current_version()
    key = page_cache.page_key(request)
    page = cache.get(key)
    page.fresh_until = time.time() - 1
    cache.set(key, page)
    page_cache.local_copies.put(key, page)

    assert page_cache.claim_render(request, version)  # another request is rendering it
    stale = middleware(_anonymous_get())
    assert stale["X-Cache"] == "stale"
    assert stale.content == b"<p>render 1</p>"
    assert view.renders == 1

    page_cache.release_render(request, version)
    fresh = middleware(_anonymous_get())  # no one renders it: this request does
    assert fresh.content == b"<p>render 2</p>"
    assert middleware(_anonymous_get())["X-Cache"] == "hit"
    assert view.renders == 2


def test_after_a_change_an_old_page_is_never_served_even_while_it_is_being_rendered(
    db, monkeypatch
):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.1)
    view = _CountingView()
    middleware = _middleware_around(view)
    request = _anonymous_get()
    middleware(request)
    page_cache.bump_version()
    # A claim that is never released (its worker died): the waiter renders after its wait.
    assert page_cache.claim_render(request, page_cache.current_version())

    response = middleware(_anonymous_get())
    assert response.content == b"<p>render 2</p>"
    assert view.renders == 2


def test_pages_that_are_never_stored_are_rendered_without_waiting(db, monkeypatch):
    claims = []
    monkeypatch.setattr(page_cache, "claim_render", lambda *args: claims.append(args) or False)

    def not_found(request):
        return HttpResponse("<p>niet gevonden</p>", status=404, content_type="text/html")

    middleware = _middleware_around(not_found)
    for _ in range(3):
        assert middleware(_anonymous_get("/bestaat-niet/")).status_code == 404
    assert claims == []  # nothing to wait for: no one will store a 404


def test_an_unreachable_cache_costs_speed_never_a_page(client, traject, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(page_cache.cache, "get", down)
    monkeypatch.setattr(page_cache.cache, "set", down)
    monkeypatch.setattr(page_cache.cache, "incr", down)
    assert client.get(traject.get_absolute_url()).status_code == 200
    traject.samenvatting = "Opgeslagen terwijl de cache weg is."
    traject.save()
    assert "Opgeslagen terwijl" in client.get(traject.get_absolute_url()).content.decode()
