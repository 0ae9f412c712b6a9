"""Only published reports appear in public; internal notes never do; bad input is a 4xx."""

from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.url_catalogue import all_public_urls
from trajecten.models import Traject
from workshops.models import Bijlage, Workshop

pytestmark = pytest.mark.django_db

SECRET = "GEHEIM-MARKER-7f3a"


def _plant_secrets():
    """Put the marker everywhere a visitor must not see it, beside published content."""
    halle = Traject.objects.get(slug="strategie-halle")
    published = Workshop.objects.get(traject=halle, volgnummer=1)
    factories.publish_report(published, "Wat we openbaar delen.", internal=f"Intern {SECRET}")
    published.aanwezigen = f"Namen {SECRET}"
    published.save()
    Bijlage.objects.create(
        workshop=published,
        titel=f"Interne bijlage {SECRET}",
        bestand=ContentFile(b"%PDF-1.4 intern", name="intern.pdf"),
        is_publiek=False,
    )
    draft = Workshop.objects.get(traject=halle, volgnummer=2)
    draft.verslag = draft.verslag_html = f"Ontwerp {SECRET}"
    draft.status = Workshop.Status.GEHOUDEN
    draft.save()
    factories.make_update(halle, titel=f"Niet gepubliceerd {SECRET}", gepubliceerd=False)
    moment = factories.make_coachingsmoment(halle, gepubliceerd=False)
    moment.verslag = moment.verslag_html = f"Coaching {SECRET}"
    moment.interne_notities = SECRET
    moment.save()
    return published, draft


def test_no_public_page_shows_unpublished_or_internal_content(programme, client):
    published, _draft = _plant_secrets()
    urls = all_public_urls()
    assert published.get_absolute_url() in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert SECRET.encode() not in response.content, url
    assert b"Wat we openbaar delen." in client.get(published.traject.get_absolute_url()).content


def test_internal_attachment_is_not_served(programme, client):
    published, _draft = _plant_secrets()
    bijlage = published.bijlagen.get()
    assert client.get(bijlage.get_absolute_url()).status_code == 404


def test_public_attachment_of_published_report_is_served_as_download(programme, client):
    published, draft = _plant_secrets()
    public = Bijlage.objects.create(
        workshop=published,
        titel="Presentatie",
        bestand=ContentFile(b"%PDF-1.4 publiek", name="p.pdf"),
        bestandsnaam="presentatie.pdf",
        is_publiek=True,
    )
    response = client.get(public.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    # The same file on an unpublished report stays hidden.
    public.workshop = draft
    public.save()
    assert client.get(public.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/besturen/bestaat-niet/",
        "/trajecten/bestaat-niet/",
        "/trajecten/strategie-halle/workshops/9/",
        "/trajecten/strategie-halle/workshops/99999999999999999999999/",
        "/trajecten/bestaat-niet/workshops/1/",
        "/trajecten/bijlagen/99999999999999999999999/",
    ],
)
def test_unknown_objects_give_404(programme, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "soort=onbekend",
        "status=xyz",
        "soort=strategie&soort=%00",
        "status=" + "a" * 5000,
        "soort[]=strategie",
        "status=%F0%9F%92%A5",
    ],
)
def test_malformed_filters_give_400_or_are_ignored(programme, client, query):
    # A repeated or unknown parameter is first redirected to the canonical URL (301).
    response = client.get(reverse("trajecten:list") + "?" + query, follow=True)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Deze filter kunnen we niet toepassen" in response.content.decode()


def test_valid_filter_narrows_the_list(programme, client):
    response = client.get(reverse("trajecten:list"), {"soort": "pilootproject"})
    assert response.status_code == 200
    pks = response.context["trajecten"]
    assert [Traject.objects.get(pk=pk).soort for pk in pks] == ["pilootproject"] * 3


def test_demo_notice_shows_while_demo_content_exists(programme, client):
    assert b"Demo-inhoud" not in client.get("/").content
    call_command("load_demo", verbosity=0)
    for url in ["/", "/besturen/", "/trajecten/strategie-halle/"]:
        assert b"Demo-inhoud" in client.get(url).content
    call_command("load_demo", verwijder=True, verbosity=0)
    assert b"Demo-inhoud" not in client.get("/").content
    assert not Workshop.objects.filter(is_demo=True).exists()


def test_demo_never_overwrites_a_real_report(programme):
    workshop = Workshop.objects.get(traject__slug="strategie-halle", volgnummer=1)
    factories.publish_report(workshop, "Het echte verslag.")
    call_command("load_demo", verbosity=0)
    workshop.refresh_from_db()
    assert workshop.verslag == "Het echte verslag."
    assert not workshop.is_demo


def test_home_shows_every_participant_and_the_open_place(programme, client):
    content = client.get("/").content.decode()
    for naam in ["Halle", "Turnhout", "Roeselare", "Oostende", "Economisch Huis Oostende", "Imog",
                 "Kortrijk", "Sint-Niklaas", "Temse", "Intradura"]:  # fmt: skip
        assert naam in content
    assert "Open plaats" in content
    assert "Geen publieke informatie over dit traject." in content
    assert "Stad Hasselt" in content and "Gemeente Kampenhout" in content


def test_trajectory_page_tells_the_story(programme, client, time_machine):
    time_machine.move_to(datetime(2023, 1, 10, 12, 0))
    traject = Traject.objects.get(slug="pilootproject-kenniscentrum-waasland")
    first = traject.workshops.get(volgnummer=1)
    factories.publish_report(first, "## Wat we deden\n\nWe kozen **drie** modules.")
    content = client.get(traject.get_absolute_url()).content.decode()
    assert "Stad Sint-Niklaas</a> (trekker)" in content
    assert "Lokaal bestuur Temse</a> (partner)" in content
    assert "<strong>drie</strong>" in content
    assert "1 van 3 workshops gehouden; 1 verslag gepubliceerd." in content
    assert "november 2022 – april 2023" in content


def test_error_pages_speak_dutch(programme, client, coach):
    response = client.get("/trajecten/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    client.force_login(coach)
    coach.groups.clear()  # logged in, but not a coach
    response = client.get("/coach/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
