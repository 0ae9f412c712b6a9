"""Error pages need neither the database nor the cache; request bodies have a size limit."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


@pytest.fixture
def cache_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionError("cache refused")

    for name in ("get", "add", "set", "incr", "get_many"):
        monkeypatch.setattr(LocMemCache, name, refuse)


def test_an_unknown_url_is_a_404_with_the_database_and_cache_down(
    settings, database_down, cache_down
):
    response = Client(raise_request_exception=False).get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text


@pytest.mark.parametrize(
    ("content_length", "status"),
    [(60 * 1024 * 1024, 413), (11 * 1024 * 1024 + 1024 * 1024 + 1, 413), (100, 200)],
)
def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(
    settings, db, content_length, status
):
    settings.MAX_UPLOAD_MB = 10
    settings.MAX_REQUEST_BYTES = 11 * 1024 * 1024
    response = Client().generic(
        "POST",
        "/volgen/trajecten/bestaat-niet/",
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(content_length),
    )
    if status == 413:
        assert response.status_code == 413
        assert "te groot" in response.text and "10 MB" in response.text
        assert response["Connection"] == "close"
    else:
        assert response.status_code != 413
