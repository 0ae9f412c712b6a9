"""A query the database drops (a restart) costs a GET a retry, never a 500."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path

calls: list[str] = []


def flaky(request):
    """Fails as an in-flight query does when the database restarts, then works."""
    calls.append(request.method)
    if len(calls) == 1:
        raise OperationalError("terminating connection due to administrator command")
    return HttpResponse("<p>weer bereikbaar</p>")


def down(request):
    calls.append(request.method)
    raise OperationalError("connection refused")


def broken(request):
    raise ValueError("een gewone fout")


urlpatterns = [path("flaky/", flaky), path("down/", down), path("broken/", broken)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _calls():
    calls.clear()


def test_a_get_whose_query_was_dropped_is_retried_once_and_succeeds(client):
    response = client.get("/flaky/")
    assert response.status_code == 200
    assert response.content == b"<p>weer bereikbaar</p>"
    assert calls == ["GET", "GET"]


def test_a_get_that_keeps_failing_gets_a_503_that_says_what_happened(client):
    response = client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "Even niet bereikbaar" in text
    assert "niet bewaard" not in text
    assert calls == ["GET", "GET"]  # one retry, no more


def test_a_post_is_never_retried_and_is_told_to_send_again(client):
    response = client.post("/flaky/", {"naam": "x"})
    assert response.status_code == 503
    assert "Wat u net verstuurde, is niet bewaard" in response.content.decode()
    assert calls == ["POST"]


def test_a_get_inside_a_transaction_is_not_retried(db, client):
    # The test runs inside a transaction, as a view under ATOMIC_REQUESTS would.
    response = client.get("/flaky/")
    assert response.status_code == 503
    assert calls == ["GET"]


def test_other_errors_are_left_to_the_normal_500_handling(client):
    with pytest.raises(ValueError):
        client.get("/broken/")
