"""Following by e-mail can neither be used to mail others in bulk nor to learn who follows what."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from asgiref.local import Local
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse

from tests import factories
from volgen import services
from volgen.models import Volger

pytestmark = pytest.mark.django_db


@pytest.fixture
def traject(db):
    return factories.make_traject(titel="Traject Volgdorp", slug="volg-mij")


@pytest.fixture
def database_tasks(settings):
    """Tasks stored in the database, as in production, until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reset_task_backends()
    yield
    _reset_task_backends()


def _reset_task_backends():
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


def _subscribe(client, email, address="192.0.2.10"):
    return client.post(
        reverse("volgen:traject", args=["volg-mij"]), {"email": email}, REMOTE_ADDR=address
    )


def _answer(client, response) -> tuple[int, dict, bytes]:
    """Status, headers and body of the answer and of the page it leads to, the CSRF token,
    CSP nonce, request id and the address itself left out."""
    page = client.get(response["Location"])

    def plain(body: bytes) -> bytes:
        body = re.sub(rb'value="[A-Za-z0-9]{64}"', b"CSRF", body)
        body = re.sub(rb'nonce="[^"]+"', b"NONCE", body)
        return re.sub(rb"[a-z0-9.+]+@example\.org", b"ADRES", body)

    def headers(r):
        skip = {"x-request-id", "content-security-policy", "set-cookie", "content-length"}
        return {k: v for k, v in r.items() if k.lower() not in skip}

    return (
        response.status_code,
        headers(response),
        plain(response.content),
        page.status_code,
        headers(page),
        plain(page.content),
    )


def test_the_answer_is_the_same_whether_new_waiting_confirmed_or_failing(
    client, traject, mailoutbox, monkeypatch
):
    new = _answer(client, _subscribe(client, "nieuw@example.org"))
    waiting = _answer(client, _subscribe(client, "nieuw@example.org"))
    services.follow_confirm(email="volger@example.org", onderwerp=traject)
    confirmed = _answer(client, _subscribe(client, "volger@example.org"))

    class Refusing:
        def send_messages(self, messages):
            raise OSError("verbinding geweigerd")

    class Mailers:
        default = Refusing()

    monkeypatch.setattr(services, "mailers", Mailers())
    failing = _answer(client, _subscribe(client, "pech@example.org"))
    assert new == waiting == confirmed == failing
    assert len(mailoutbox) == 1


# Real transactions: the worker closes its database connection when its batch ends.
def test_no_mail_leaves_in_the_request_and_the_worker_sends_it(
    transactional_db, client, traject, mailoutbox, database_tasks
):
    response = _subscribe(client, "wacht@example.org")
    assert response.status_code == 302
    assert mailoutbox == []
    assert not Volger.objects.exists()  # nothing decided in the request either
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mailoutbox] == [["wacht@example.org"]]
    assert "bevestig" in mailoutbox[0].subject


def test_one_client_cannot_send_mail_to_many_addresses(settings, client, traject, mailoutbox):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow_address": "5/h"}
    statuses = [_subscribe(client, f"slachtoffer{n}@example.org").status_code for n in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    assert len(mailoutbox) == 5
    # Another client is not held back.
    assert _subscribe(client, "ander@example.org", address="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    "addresses",
    [
        ["victim+1@example.org", "victim+2@example.org", "victim+3@example.org"],
        ["Victim@Example.org", "victim@example.org", "VICTIM+x@example.org"],
    ],
)
def test_tagged_and_differently_cased_addresses_count_as_one_mailbox(
    settings, client, traject, mailoutbox, addresses
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow_mailbox": "1/h"}
    statuses = [
        _subscribe(client, address, address=f"203.0.113.{n}").status_code
        for n, address in enumerate(addresses)
    ]
    assert statuses == [302, 429, 429]
    # The limit folds the tag; delivery does not.
    assert [m.to for m in mailoutbox] == [[addresses[0].lower()]]


def test_a_limited_request_gets_a_dutch_page_that_says_when_to_retry(
    settings, client, traject, django_assert_num_queries, time_machine
):
    time_machine.move_to(datetime(2030, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Brussels")))
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow_address": "1/h"}
    _subscribe(client, "een@example.org")
    response = _subscribe(client, "twee@example.org")
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 0 < retry <= 3600
    text = response.content.decode()
    assert "Even te veel aanvragen" in text and "Probeer het opnieuw over" in text
    assert response["Cache-Control"] == "no-store"
