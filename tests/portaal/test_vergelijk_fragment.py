"""The comparison's content is kept under a digest of what it shows (workshops/fragmenten.py):
every change a visitor could see shows on the very next request, and nothing of a visitor or a
request is kept in it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from besturen.models import Bestuur
from lokaal import fragmenten
from programma.bulk import add_activity
from tests import factories
from trajecten.models import (
    Actiedomein,
    Deelname,
    GekozenModule,
    Ondersteuningsmodule,
    Pilotkandidaat,
    Traject,
)

pytestmark = pytest.mark.django_db

URL = "/vergelijk/"
INSIDE = datetime(2023, 3, 1, 10, tzinfo=UTC)


def _row(html: str, label: str) -> str:
    return html.split(f">{label}</a>", 1)[1].split("</tr>", 1)[0]


def _page(client) -> str:
    return client.get(URL).content.decode()


@pytest.fixture
def halle(db, time_machine):
    # Loaded inside the round, so that every later save is later on the clock, as in life
    # (the digest reads the latest change of each table).
    time_machine.move_to(INSIDE)
    call_command("load_programma", verbosity=0)
    return Traject.objects.get(slug="strategie-halle")


def test_a_publication_shows_on_the_next_request(halle, client):
    assert "Gehouden" not in _row(_page(client), "Halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    assert "Gehouden" in _row(_page(client), "Halle")


def test_a_date_passing_shows_on_the_next_request(halle, client, time_machine):
    workshop = halle.workshops.get(volgnummer=1)
    workshop.gepland_op = timezone.now() + timedelta(hours=2)
    workshop.save()
    assert "Gepland" in _row(_page(client), "Halle")
    time_machine.move_to(INSIDE + timedelta(hours=3))
    assert "Datum voorbij" in _row(_page(client), "Halle") or "?" in _row(_page(client), "Halle")
    assert "Gepland" not in _row(_page(client), "Halle")


def test_a_renamed_bestuur_shows_on_the_next_request(halle, client):
    _page(client)
    bestuur = Bestuur.objects.get(korte_naam="Halle")
    bestuur.korte_naam = "Halle-Vilvoorde"
    bestuur.save()
    html = _page(client)
    assert ">Halle-Vilvoorde</a>" in html and ">Halle</a>" not in html


def test_a_changed_participant_shows_on_the_next_request(halle, client):
    _page(client)
    other = factories.make_bestuur(korte_naam="Nieuwkerke")
    deelname = Deelname.objects.get(traject=halle)
    deelname.bestuur = other
    deelname.save()
    assert ">Nieuwkerke</a>" in _page(client)


def test_a_published_candidate_and_its_unpublishing_show(halle, client):
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    kandidaat = Pilotkandidaat.objects.create(traject=halle, naam="Materialenbank")
    assert "Materialenbank" not in _page(client)
    kandidaat.gepubliceerd = True
    kandidaat.save()
    assert "Materialenbank" in _row(_page(client), "Halle")
    kandidaat.gepubliceerd = False
    kandidaat.save()
    assert "Materialenbank" not in _page(client)


def test_a_module_status_and_a_domain_link_show(programme, client):
    kortrijk = Traject.objects.get(slug="pilootproject-deelfabriek-kortrijk")
    add_activity(kortrijk)
    assert _row(_page(client), "Kortrijk").count("Bezig") == 3
    gekozen = GekozenModule.objects.filter(traject=kortrijk).first()
    gekozen.status = GekozenModule.Status.AFGEROND
    gekozen.save()
    assert _row(_page(client), "Kortrijk").count("Bezig") == 2
    kortrijk.prioritaire_actiedomeinen.add(Actiedomein.objects.get(slug="textiel"))
    assert 'id="caption-domeinen"' in _page(client)


def test_a_renamed_module_shows(programme, client):
    _page(client)
    module = Ondersteuningsmodule.objects.first()
    module.naam = "Een geheel nieuwe module"
    module.save()
    assert "Een geheel nieuwe module" in _page(client)


def test_nothing_of_the_visitor_is_kept(halle, client, coach):
    client.force_login(coach)
    _page(client)
    kept = fragmenten.get(
        f"vergelijk:{halle.ronde.pk}", fragmenten.version(fragmenten.ronde_scope(halle.ronde.pk))
    )
    assert kept and "Halle" in kept
    assert "nonce" not in kept and "csrf" not in kept.lower()
    assert coach.username not in kept


def test_a_failing_cache_costs_a_render_not_the_page(halle, client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get(URL)
    assert response.status_code == 200
    assert ">Halle</a>" in response.content.decode()


def test_the_kept_page_equals_a_fresh_render(halle, client, settings):
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    first = _page(client)
    kept = _page(client)
    settings.FRAGMENT_CACHE_PREFIX = "frag:fresh"
    fresh = _page(client)

    def without_nonce(html):
        return re.sub(r'nonce="[^"]*"', "", html)

    assert without_nonce(first) == without_nonce(kept) == without_nonce(fresh)
