"""/healthz for load balancers, and one log line with a request id per request."""

import logging

import pytest
from django.db import OperationalError

from lokaal import health


class _DeadConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    monkeypatch.setattr(health, "connection", _DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    assert not response.cookies


def test_healthz_answers_plain_http_in_secure_mode_while_pages_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/besturen/").status_code == 301


# A cache that does not answer (degraded, still 200): tests/lokaal/test_cache_outage.py.


def test_healthz_uses_no_session_and_no_cache(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the trivial query, nothing else
        client.get("/healthz")
    with django_assert_num_queries(0):
        response = client.get("/healthz/ping")
    assert response.content == b"pong\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_every_request_gets_an_id_and_one_log_line(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="lokaal.request"):
        response = client.get("/besturen/?x=1")  # redirected to the canonical /besturen/
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [r for r in caplog.records if r.name == "lokaal.request"]
    assert len(lines) == 1
    message = lines[0].getMessage()
    assert message.startswith("GET /besturen/?x=1 301 ")
    assert message.endswith("ms")
    assert lines[0].request_id == request_id


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", True),
        ("lb-0042.abcdef", True),
        ("kort", False),
        ("met spatie en\nnieuwe regel", False),
        ("x" * 65, False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_echoed(client, db, incoming, kept):
    response = client.get("/healthz/ping", headers={"X-Request-ID": incoming})
    assert (response["X-Request-ID"] == incoming) is kept


def test_probes_are_logged_only_when_they_fail(client, db, caplog, monkeypatch):
    with caplog.at_level(logging.INFO, logger="lokaal.request"):
        client.get("/healthz")
        monkeypatch.setattr(health, "connection", _DeadConnection())
        client.get("/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == "lokaal.request"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /healthz 503 ")
