"""Login and password reset: limits per client and per account or mailbox, answers that reveal
nothing, and reset links on SITE_URL whatever Host the request named."""

import re

import pytest
from asgiref.local import Local
from django.core.management import call_command
from django.tasks import task_backends
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


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


def _login(client, username, address):
    return client.post(
        reverse("login"), {"username": username, "password": "fout"}, REMOTE_ADDR=address
    )


def test_one_address_cannot_try_many_usernames(settings, client, coach):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_address": "5/15m"}
    statuses = [_login(client, f"gebruiker{n}", "192.0.2.20").status_code for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    # Even the right password is not checked from that address until the wait is over.
    response = client.post(
        reverse("login"),
        {"username": "coach", "password": "coach-wachtwoord-1"},
        REMOTE_ADDR="192.0.2.20",
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "Probeer het opnieuw over" in response.text
    assert _login(Client(), "gebruiker1", "198.51.100.1").status_code == 200


def test_one_username_cannot_be_tried_from_many_addresses(settings, client, coach):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_username": "4/15m"}
    statuses = [_login(Client(), "Coach", f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses == [200] * 4 + [429] * 2


def _reset(client, email, address="192.0.2.30", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, **extra)


def test_reset_is_limited_per_client_and_per_mailbox(settings, client, coach, mailoutbox):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "reset_mailbox": "2/h",
        "reset_address": "4/h",
    }
    per_mailbox = [
        _reset(Client(), "Coach+x@example.org", f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert per_mailbox == [302, 302, 429, 429]
    per_client = [_reset(client, f"iemand{n}@example.org").status_code for n in range(6)]
    assert per_client == [302] * 4 + [429] * 2
    assert len(mailoutbox) <= 2


def _plain(response) -> tuple:
    body = re.sub(rb'value="[A-Za-z0-9]{64}"', b"CSRF", response.content)
    body = re.sub(rb'nonce="[^"]+"', b"NONCE", body)
    skip = {"x-request-id", "content-security-policy", "set-cookie", "content-length"}
    return response.status_code, {k: v for k, v in response.items() if k.lower() not in skip}, body


# Real transactions: the worker closes its database connection when its batch ends.
def test_reset_answers_alike_and_sends_no_mail_in_the_request(
    transactional_db, client, coach, mailoutbox, database_tasks
):
    known = _reset(client, "coach@example.org")
    unknown = _reset(client, "niemand@example.org")
    assert _plain(known) == _plain(unknown)
    assert _plain(client.get(known["Location"])) == _plain(client.get(unknown["Location"]))
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mailoutbox] == [["coach@example.org"]]


def test_reset_link_uses_site_url_not_the_host_header(settings, client, coach, mailoutbox):
    settings.SITE_URL = "https://portaal.example.org"
    response = _reset(client, "coach@example.org", HTTP_HOST="127.0.0.1:6666")
    assert response.status_code == 302
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links and all(
        link.startswith("https://portaal.example.org/account/reset/") for link in links
    )
    assert "6666" not in mailoutbox[0].body
