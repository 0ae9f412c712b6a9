"""The body of a trajectory's public page is kept under a digest of what it shows
(workshops/fragmenten.py, trajecten/views.py): every change a visitor could see shows on the
very next request, and nothing of a visitor or a request is kept in it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from besturen.models import Bestuur
from lokaal import fragmenten
from tests import factories
from trajecten.models import Deelname, Traject
from workshops.models import Bijlage

pytestmark = pytest.mark.django_db

INSIDE = datetime(2023, 3, 1, 10, tzinfo=UTC)


def _page(client, traject) -> str:
    response = client.get(traject.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def traject(db, time_machine):
    # Made inside the round, so that every later save is later on the clock, as in life.
    time_machine.move_to(INSIDE)
    ronde = factories.make_ronde(start=date(2022, 9, 1), einde=date(2023, 12, 31))
    bestuur = factories.make_bestuur(naam="Gemeente Oudstad", korte_naam="Oudstad")
    traject = factories.make_traject(
        ronde=ronde, soort=Traject.Soort.PILOOTPROJECT, besturen=[bestuur]
    )
    workshop = factories.make_workshop(traject, gepland_op=INSIDE - timedelta(days=3))
    factories.publish_report(workshop, "Verslag.")
    return traject


def test_a_report_published_and_unpublished_shows_on_the_next_request(traject, client):
    workshop = factories.make_workshop(traject, gepland_op=INSIDE - timedelta(days=2))
    assert "Verslag van de tweede keer" not in _page(client, traject)
    factories.publish_report(workshop, "Verslag van de tweede keer.")
    assert "Verslag van de tweede keer" in _page(client, traject)
    workshop.gepubliceerd = False
    workshop.save()
    assert "Verslag van de tweede keer" not in _page(client, traject)


def test_a_published_result_shows_on_the_next_request(traject, client):
    partner = factories.make_partner(traject, naam="Kringloop Zeldzaam", gepubliceerd=False)
    assert "Kringloop Zeldzaam" not in _page(client, traject)
    partner.gepubliceerd = True
    partner.gepubliceerd_op = timezone.now()
    partner.save()
    assert "Kringloop Zeldzaam" in _page(client, traject)


def test_a_new_measurement_shows_on_the_next_request(traject, client):
    kpi = factories.make_kpi(traject)
    factories.make_meting(kpi, waarde=17)
    assert 'datetime="2023-02-01"' not in _page(client, traject)
    factories.make_meting(kpi, datum=date(2023, 2, 1), waarde=4242)
    assert 'datetime="2023-02-01"' in _page(client, traject)


def test_a_published_update_shows_on_the_next_request(traject, client):
    update = factories.make_update(traject, titel="Nieuws van de werf", gepubliceerd=False)
    assert "Nieuws van de werf" not in _page(client, traject)
    update.gepubliceerd = True
    update.gepubliceerd_op = timezone.now()
    update.save()
    assert "Nieuws van de werf" in _page(client, traject)


def test_an_attachment_made_public_shows_on_the_next_request(traject, client):
    bijlage = Bijlage.objects.create(
        workshop=traject.workshops.get(),
        titel="Presentatie Zeldzaam",
        bestand=ContentFile(b"%PDF-1.4 publiek", name="p.pdf"),
        bestandsnaam="presentatie.pdf",
        is_publiek=False,
    )
    assert "Presentatie Zeldzaam" not in _page(client, traject)
    bijlage.is_publiek = True
    bijlage.save()
    assert "Presentatie Zeldzaam" in _page(client, traject)


def test_a_changed_participant_shows_on_the_next_request(traject, client):
    assert "Nieuwkerke" not in _page(client, traject)
    other = factories.make_bestuur(naam="Gemeente Nieuwkerke", korte_naam="Nieuwkerke")
    deelname = Deelname.objects.get(traject=traject)
    deelname.bestuur = other
    deelname.save()
    html = _page(client, traject)
    assert "Nieuwkerke" in html and "Oudstad" not in html


def test_a_renamed_bestuur_shows_on_the_next_request(traject, client, time_machine):
    assert "Oudstad" in _page(client, traject)
    time_machine.move_to(INSIDE + timedelta(minutes=1))
    bestuur = Bestuur.objects.get(korte_naam="Oudstad")
    bestuur.naam = bestuur.korte_naam = "Nieuwstad"
    bestuur.save()
    html = _page(client, traject)
    assert "Nieuwstad" in html and "Oudstad" not in html


def test_a_date_passing_shows_on_the_next_request(traject, client, time_machine):
    factories.make_workshop(traject, gepland_op=INSIDE + timedelta(hours=2))
    html = _page(client, traject)
    assert "Gepland" in html
    time_machine.move_to(INSIDE + timedelta(hours=3))
    assert _page(client, traject) != html
    assert "Gepland" not in _page(client, traject).split('id="kop-tijdlijn"')[1].split("</ol>")[0]


def test_closing_the_round_shows_on_the_next_request(traject, client):
    before = _page(client, traject)
    ronde = traject.ronde
    ronde.afgesloten_op = timezone.localdate()
    ronde.save()
    after = _page(client, traject)
    assert after != before
    assert "afgesloten" in after.lower()


def test_nothing_of_the_visitor_is_kept(traject, client, settings):
    coach = factories.make_coach("coach-oudstad", traject)
    signed_in = Client()
    signed_in.force_login(coach)

    def body(html):  # the header above it says who is signed in
        return html.split('aria-label="Kruimelpad"')[1]

    assert body(_page(signed_in, traject)) == body(_page(Client(), traject))
    version = fragmenten.version(fragmenten.traject_scope(traject.pk))
    html, _ = fragmenten.get(f"traject:{traject.pk}", version)
    assert "csrfmiddlewaretoken" not in html and "coach-oudstad" not in html
    assert "Oudstad" in html and "Volg " not in html  # the follow box stays outside


def test_a_failing_cache_still_renders_the_page(traject, client, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", fail)
    monkeypatch.setattr(cache, "set", fail)
    html = _page(client, traject)
    assert "Oudstad" in html and 'id="kop-tijdlijn"' in html
