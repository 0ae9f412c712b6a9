"""Login, logout, password change and reset, and the lockout after repeated failures."""

import re

import pytest
from django.core import mail
from django.urls import reverse

LOGIN = "/account/login/"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def test_login_page_is_dutch_and_logs_a_coach_in(client, world):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Aanmelden" in page.text and "Wachtwoord vergeten?" in page.text
    response = client.post(
        reverse("login"), {"username": "coach", "password": "coach-wachtwoord-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coach:dashboard")


def test_anonymous_visitor_is_sent_to_login_and_back(client, world):
    url = reverse("coach:traject", args=[world.traject.slug])
    response = client.get(url)
    assert response["Location"] == f"{LOGIN}?next={url}"
    response = client.post(
        response["Location"],
        {"username": "coach", "password": "coach-wachtwoord-1", "next": url},
    )
    assert response["Location"] == url


def test_wrong_password_gives_a_dutch_error(client, world):
    response = client.post(reverse("login"), {"username": "coach", "password": "fout"})
    assert response.status_code == 200
    assert "gebruikersnaam" in response.text.lower()


def test_logout_is_a_post(client, world):
    client.force_login(world.coach)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("coach:dashboard")).status_code == 302


def test_password_change(client, world):
    client.force_login(world.coach)
    url = reverse("password_change")
    assert "Wachtwoord wijzigen" in client.get(url).text
    bad = client.post(url, {"old_password": "fout", "new_password1": "a", "new_password2": "b"})
    assert bad.status_code == 200 and bad.context["form"].errors
    response = client.post(
        url,
        {
            "old_password": "coach-wachtwoord-1",
            "new_password1": "nieuw-lang-wachtwoord-77",
            "new_password2": "nieuw-lang-wachtwoord-77",
        },
    )
    assert response.status_code == 302
    world.coach.refresh_from_db()
    assert world.coach.check_password("nieuw-lang-wachtwoord-77")


def test_password_reset_by_email(client, world):
    response = client.post(reverse("password_reset"), {"email": "coach@example.org"})
    assert response.status_code == 302
    assert "mailbox" in client.get(response["Location"]).text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nieuw wachtwoord voor Lokaal Circulair"
    link = re.search(r"https?://[^/]+(/account/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Nieuw wachtwoord kiezen" in form_page.text
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "opnieuw-gekozen-42", "new_password2": "opnieuw-gekozen-42"},
    )
    assert done.status_code == 302
    world.coach.refresh_from_db()
    assert world.coach.check_password("opnieuw-gekozen-42")


def test_unknown_address_gets_the_same_answer_and_no_mail(client, world):
    response = client.post(reverse("password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_repeated_failures_lock_the_account_and_address_out(client, world, axes_on):
    for _ in range(3):
        client.post(reverse("login"), {"username": "coach", "password": "fout"})
    response = client.post(
        reverse("login"), {"username": "coach", "password": "coach-wachtwoord-1"}
    )
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.text.lower()
    assert "3 keer" in response.text and "15 minuten" in response.text
    assert "_auth_user_id" not in client.session
    # Another address with the same account is not locked out.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    ok = other.post(reverse("login"), {"username": "coach", "password": "coach-wachtwoord-1"})
    assert ok.status_code == 302


def test_the_admin_login_shows_the_same_lockout(client, world, axes_on, django_user_model):
    django_user_model.objects.create_superuser(
        "beheer", "beheer@example.org", "beheer-wachtwoord-1"
    )
    for _ in range(2):
        refused = client.post("/admin/login/", {"username": "beheer", "password": "fout"})
        assert refused.status_code == 200  # the form again, with its message
    third = client.post("/admin/login/", {"username": "beheer", "password": "fout"})
    assert third.status_code == 429
    response = client.post(
        "/admin/login/", {"username": "beheer", "password": "beheer-wachtwoord-1"}
    )
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.text.lower()
    assert "_auth_user_id" not in client.session
