import email.policy
import io
import re
import smtplib
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories
from volgen import services
from volgen.models import Volger

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
SECRET = "INTERNE-NOTITIE-DIGEST-77aa"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime(2030, 3, 10, 9, 0, tzinfo=BRUSSELS), tick=False)
    return time_machine


@pytest.fixture
def traject(db):
    bestuur = factories.make_bestuur(naam="Stad Volgdorp", slug="volgdorp")
    return factories.make_traject(besturen=[bestuur], titel="Traject Volgdorp", slug="volg-mij")


def _link(message, name: str) -> str:
    """The path of the first link to the named view in the plain-text body."""
    prefix = reverse(name, args=["X"]).rsplit("X", 1)[0]
    match = re.search(rf"https?://[^\s]+{re.escape(prefix)}[^\s]+/", message.body)
    assert match, message.body
    return urlsplit(match.group()).path


def _send_digests() -> str:
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


def _subscribe(client, email, slug="volg-mij", kind="traject"):
    return client.post(reverse(f"volgen:{kind}", args=[slug]), {"email": email})


def _digests(mailoutbox):
    return [m for m in mailoutbox if "over wat u volgt" in m.subject]


def _assert_unsubscribe_headers(message):
    link = _link(message, "volgen:afmelden")
    # As the SMTP backend serializes it: one plain <url>, not folded into encoded words.
    raw = message.message(policy=email.policy.SMTP).as_bytes().decode()
    header = re.search(r"^List-Unsubscribe: (.*)$", raw, re.M).group(1).strip()
    assert header.startswith("<http") and header.endswith(f"{link}>")
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_whole_follow_flow_from_subscribe_to_unsubscribe(client, clock, traject, mailoutbox):
    response = _subscribe(client, "Lies@Example.org")
    assert response.status_code == 302
    assert response["Location"] == traject.get_absolute_url()
    assert "Bijna klaar" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1
    confirmation = mailoutbox[0]
    assert confirmation.to == ["lies@example.org"]
    assert "Traject Volgdorp" in confirmation.subject
    _assert_unsubscribe_headers(confirmation)

    # Opening the link shows a button; only the POST confirms.
    confirm_path = _link(confirmation, "volgen:bevestigen")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Ja, ik wil dit volgen" in page.content.decode()
    assert "We bewaren alleen uw e-mailadres" in page.content.decode()
    assert Volger.objects.get().bevestigd_op is None
    response = client.post(confirm_path)
    assert response.status_code == 302
    volger = Volger.objects.get()
    assert volger.is_bevestigd and list(volger.trajecten.all()) == [traject]
    assert "U volgt Traject Volgdorp" in client.get(confirm_path).content.decode()

    _send_digests()
    assert len(mailoutbox) == 1  # nothing new yet: nothing sent

    clock.shift(timedelta(hours=1))
    workshop = factories.make_workshop(traject, titel="Workshop Eén")
    factories.publish_report(workshop, "Het verslag.", internal=SECRET)
    factories.make_update(traject, titel="Update Twee")
    factories.make_update(traject, titel="Kladversie Drie", gepubliceerd=False)
    clock.shift(timedelta(hours=1))
    _send_digests()
    digests = _digests(mailoutbox)
    assert len(digests) == 1
    digest = digests[0]
    assert digest.to == ["lies@example.org"]
    # The report, the update, and the milestone: its only workshop held, the trajectory is done.
    assert "3 nieuwe berichten" in digest.subject
    html = digest.alternatives[0][0]
    for body in (digest.body, html):
        assert "Workshop Eén" in body and "Update Twee" in body
        assert "Traject afgerond" in body
        assert "Kladversie Drie" not in body and SECRET not in body
        assert traject.get_absolute_url() in body
    _assert_unsubscribe_headers(digest)

    # Again the same day, even with news: nothing.
    _send_digests()
    clock.shift(timedelta(hours=2))
    factories.make_update(traject, titel="Update Vier")
    _send_digests()
    assert len(_digests(mailoutbox)) == 1

    # The next day: only what is new since the last digest.
    clock.move_to(datetime(2030, 3, 11, 7, 0, tzinfo=BRUSSELS), tick=False)
    _send_digests()
    digests = _digests(mailoutbox)
    assert len(digests) == 2
    assert "Update Vier" in digests[1].body
    assert "Update Twee" not in digests[1].body and "Workshop Eén" not in digests[1].body

    # Unsubscribing through the link in the mail: a page with a button, then gone.
    unsubscribe_path = _link(digests[1], "volgen:afmelden")
    assert "Afmelden en mijn adres wissen" in client.get(unsubscribe_path).content.decode()
    assert client.post(unsubscribe_path).status_code == 302
    assert not Volger.objects.exists()
    assert "staat niet (meer) bij ons" in client.get(unsubscribe_path).content.decode()

    clock.move_to(datetime(2030, 3, 12, 7, 0, tzinfo=BRUSSELS), tick=False)
    factories.make_update(traject, titel="Update Vijf")
    clock.move_to(datetime(2030, 3, 13, 7, 0, tzinfo=BRUSSELS), tick=False)
    _send_digests()
    assert len(mailoutbox) == 3


def _confirmed(client, mailoutbox, email, slug="volg-mij", kind="traject"):
    _subscribe(client, email, slug, kind)
    client.post(_link(mailoutbox[-1], "volgen:bevestigen"))
    return Volger.objects.get(email=email)


def test_one_click_unsubscribe_post_needs_no_csrf_token(clock, traject, mailoutbox, client):
    _confirmed(client, mailoutbox, "klik@example.org")
    clock.shift(timedelta(hours=1))
    factories.make_update(traject, titel="Nieuws")
    services.digests_send()
    digest = _digests(mailoutbox)[-1]
    url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert not Volger.objects.exists()
    clock.move_to(datetime(2030, 3, 12, 9, 0, tzinfo=BRUSSELS), tick=False)
    factories.make_update(traject, titel="Later nieuws")
    sent = len(mailoutbox)
    services.digests_send()
    assert len(mailoutbox) == sent


def test_confirming_needs_a_csrf_token(clock, traject, mailoutbox):
    browser = Client(enforce_csrf_checks=True)
    browser.get(traject.get_absolute_url())
    _subscribe(browser, "csrf@example.org")  # no token: refused before anything happens
    assert mailoutbox == []


def test_following_a_bestuur_brings_news_of_its_trajectories(client, clock, traject, mailoutbox):
    _confirmed(client, mailoutbox, "bestuur@example.org", slug="volgdorp", kind="bestuur")
    other = factories.make_traject(titel="Ander traject")
    clock.shift(timedelta(hours=1))
    factories.make_update(traject, titel="Nieuws van Volgdorp")
    factories.make_update(other, titel="Nieuws van elders")
    services.digests_send()
    digest = _digests(mailoutbox)[0]
    assert "Nieuws van Volgdorp" in digest.body
    assert "Nieuws van elders" not in digest.body
    assert "Stad Volgdorp" in digest.body  # says why the mail comes


def test_invalid_address_gets_a_form_error(client, traject, mailoutbox):
    response = _subscribe(client, "geen-adres@")
    assert response.status_code == 400
    assert "Dit is geen geldig e-mailadres" in response.content.decode()
    assert "We bewaren alleen uw e-mailadres" in response.content.decode()
    assert mailoutbox == [] and not Volger.objects.exists()


def test_unknown_trajectory_gets_404(client, db, mailoutbox):
    assert _subscribe(client, "a@example.org", slug="bestaat-niet").status_code == 404
    assert mailoutbox == []


def _message_text(client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    return re.search(r'<div class="alert[^"]*">(.*?)</div>', page, re.S).group(1)


def test_subscribing_twice_sends_one_mail_and_keeps_one_row(client, clock, traject, mailoutbox):
    first = _message_text(client, _subscribe(client, "twee@example.org"))
    response = _subscribe(client, "TWEE@example.org")
    assert response.status_code == 302
    # A repeat within ten minutes sends nothing and gets the same answer: it reveals nothing.
    assert _message_text(client, response).lower() == first.lower()
    assert len(mailoutbox) == 1
    assert Volger.objects.count() == 1
    # Once confirmed, asking again later sends nothing, again with the same answer.
    client.post(_link(mailoutbox[0], "volgen:bevestigen"), follow=True)
    clock.shift(timedelta(hours=1))
    assert _message_text(client, _subscribe(client, "twee@example.org")) == first
    assert "volgt het dit al, dan komt er geen nieuwe mail" in first
    assert len(mailoutbox) == 1
    assert Volger.objects.count() == 1


def test_rate_limit_lifts_after_ten_minutes(client, clock, traject, mailoutbox):
    _subscribe(client, "later@example.org")
    clock.shift(timedelta(minutes=9))
    _subscribe(client, "later@example.org")
    assert len(mailoutbox) == 1
    clock.shift(timedelta(minutes=2))
    _subscribe(client, "later@example.org")
    assert len(mailoutbox) == 2


def test_expired_confirmation_link_gets_400(client, clock, traject, mailoutbox):
    _subscribe(client, "traag@example.org")
    path = _link(mailoutbox[0], "volgen:bevestigen")
    clock.shift(services.CONFIRM_MAX_AGE + timedelta(minutes=1))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "Deze link is verlopen" in response.content.decode()
    assert not Volger.objects.filter(bevestigd_op__isnull=False).exists()


@pytest.mark.parametrize("name", ["volgen:bevestigen", "volgen:afmelden"])
def test_tampered_link_gets_400(client, clock, traject, mailoutbox, name):
    _subscribe(client, "knoei@example.org")
    path = _link(mailoutbox[0], name)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    for bad in (forged, token[:-3], "onzin"):
        url = reverse(name, args=[bad])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400
            assert "Deze link werkt niet" in response.content.decode()
    assert Volger.objects.filter(bevestigd_op__isnull=True).count() == 1


def test_a_confirmation_link_cannot_be_reused_for_another_address(client, clock, traject):
    # The address sits inside the signed token: changing the salt or payload breaks it.
    token = services.confirm_token(email="echt@example.org", onderwerp=traject)
    other = services.unsubscribe_token(email="echt@example.org")
    assert client.get(reverse("volgen:bevestigen", args=[other])).status_code == 400
    assert client.get(reverse("volgen:afmelden", args=[token])).status_code == 400


def test_mail_failure_stores_nothing_so_asking_again_sends_it(
    client, clock, traject, mailoutbox, monkeypatch
):
    class BrokenMailer:
        def send_messages(self, messages):
            raise smtplib.SMTPServerDisconnected("weg")

    class Mailers:
        default = BrokenMailer()

    first = _message_text(client, _subscribe(client, "nieuw@example.org"))
    monkeypatch.setattr(services, "mailers", Mailers())
    response = _subscribe(client, "pech@example.org")
    assert response.status_code == 302
    # The answer never depends on the mail server (the worker sends the mail).
    assert _message_text(client, response) == first.replace("nieuw@", "pech@")
    assert not Volger.objects.filter(email="pech@example.org").exists()
    monkeypatch.undo()
    _subscribe(client, "pech@example.org")
    assert mailoutbox[-1].to == ["pech@example.org"]


def test_failed_digest_is_retried_by_the_next_run(client, clock, traject, mailoutbox, monkeypatch):
    _confirmed(client, mailoutbox, "retry@example.org")
    clock.shift(timedelta(hours=1))
    factories.make_update(traject, titel="Nieuws om te herhalen")
    real = services.mailers

    class BrokenMailer:
        def send_messages(self, messages):
            raise OSError("geen verbinding")

    class Mailers:
        default = BrokenMailer()

    monkeypatch.setattr(services, "mailers", Mailers())
    run = services.digests_send()
    assert run.failed == 1 and run.sent == 0
    assert Volger.objects.get().laatste_digest_op is None
    monkeypatch.setattr(services, "mailers", real)
    assert services.digests_send().sent == 1
    assert "Nieuws om te herhalen" in _digests(mailoutbox)[0].body


def test_unconfirmed_addresses_are_forgotten_after_two_days(client, clock, traject, mailoutbox):
    _subscribe(client, "vergeet@example.org")
    _confirmed(client, mailoutbox, "blijf@example.org")
    clock.shift(services.CONFIRM_MAX_AGE + timedelta(hours=1))
    run = services.digests_send()
    assert run.purged == 1
    assert list(Volger.objects.values_list("email", flat=True)) == ["blijf@example.org"]


def test_follow_box_and_feed_links_are_on_the_pages(client, traject):
    body = client.get(traject.get_absolute_url()).content.decode()
    assert reverse("volgen:traject", args=["volg-mij"]) in body
    assert 'type="application/atom+xml" title="Nieuws van Traject Volgdorp (Atom)"' in body
    assert reverse("volgen:traject_ics", args=["volg-mij"]) in body
    assert "We bewaren alleen uw e-mailadres" in body
    body = client.get(reverse("besturen:detail", args=["volgdorp"])).content.decode()
    assert reverse("volgen:bestuur", args=["volgdorp"]) in body
    assert reverse("volgen:bestuur_atom", args=["volgdorp"]) in body
    body = client.get(reverse("portaal:home")).content.decode()
    assert reverse("volgen:programma_atom") in body and reverse("volgen:kalender") in body


def test_digest_announces_a_newly_planned_workshop_with_its_date(
    client, clock, traject, mailoutbox
):
    _confirmed(client, mailoutbox, "agenda@example.org")
    clock.shift(timedelta(hours=1))
    factories.make_workshop(
        traject, titel="Derde stap", gepland_op=datetime(2030, 4, 2, 14, 0, tzinfo=BRUSSELS)
    )
    services.digests_send()
    body = _digests(mailoutbox)[0].body
    assert "Workshop 1 gepland: Derde stap" in body
    assert "dinsdag 2 april 2030 om 14.00 uur" in body


def test_follow_pages_have_a_fixed_query_count(
    client, clock, traject, mailoutbox, django_assert_num_queries, settings
):
    settings.RATE_LIMITS_ENABLED = False  # one client follows forty times here
    _confirmed(client, mailoutbox, "teller@example.org")
    confirm_path = _link(mailoutbox[-1], "volgen:bevestigen")
    unsubscribe_path = _link(mailoutbox[-1], "volgen:afmelden")
    # Each page once before it is counted: whether demo content is on the site is asked by
    # the first page after a change and then kept (lokaal/fragmenten.py).
    pages = {
        reverse("volgen:traject", args=["volg-mij"]): 1,  # trajectory
        reverse("volgen:bestuur", args=["volgdorp"]): 1,
        confirm_path: 3,  # trajectory, address, is it followed
        unsubscribe_path: 1,  # address
    }
    for path, queries in pages.items():
        client.get(path)
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200
    for n in range(20):
        clock.shift(timedelta(minutes=11))
        extra = factories.make_traject(besturen=[factories.make_bestuur()])
        _confirmed(client, mailoutbox, f"extra{n}@example.org", slug=extra.slug)
        _confirmed(client, mailoutbox, "teller@example.org", slug=extra.slug)
        factories.make_update(extra)
    for path, queries in pages.items():
        client.get(path)
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200
