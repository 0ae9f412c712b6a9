"""Structured results on the public trajectory page: shown only once the trajectory has
published content, in a fixed number of queries whatever their number."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.coach.resultaten_data import fill_pilot_results, fill_strategy_results
from trajecten.models import Kpi, Meting, Partner, Pilotkandidaat, Traject


@pytest.fixture
def strategie(db):
    traject = factories.make_traject(soort=Traject.Soort.STRATEGIE, titel="Strategie Turnhout")
    factories.make_workshop(traject)
    return traject


@pytest.fixture
def pilot(db):
    traject = factories.make_traject(
        soort=Traject.Soort.PILOOTPROJECT, titel="Deelfabriek Kortrijk", slug="deelfabriek"
    )
    factories.make_workshop(traject)
    factories.make_coachingsmoment(traject)
    return traject


def test_results_stay_hidden_until_something_is_published(client, strategie):
    fill_strategy_results(strategie)
    workshop = strategie.workshops.get()
    assert "Initiatief 0" not in client.get(strategie.get_absolute_url()).text

    # A draft update, or a "published" report without text, is not published content.
    factories.make_update(strategie, gepubliceerd=False)
    workshop.gepubliceerd = True
    workshop.save()
    page = client.get(strategie.get_absolute_url()).text
    assert "Initiatief 0" not in page
    assert 'id="kop-resultaten"' not in page

    factories.publish_report(workshop, "Wat workshop 1 opleverde.")
    page = client.get(strategie.get_absolute_url()).text
    assert 'id="kop-resultaten"' in page
    assert "Initiatief 0" in page


def test_a_published_coaching_report_also_opens_the_results(client, pilot):
    fill_pilot_results(pilot)
    factories.publish_report(pilot.coachingsmomenten.get(), "Tussentijds overleg.")
    assert "Partner 0" in client.get(pilot.get_absolute_url()).text


def test_strategy_results_on_the_public_page(client, strategie):
    fill_strategy_results(strategie, 2)
    follow_up = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT, titel="Bouwhub")
    Pilotkandidaat.objects.filter(naam="Kandidaat 1").update(vervolgtraject=follow_up)
    factories.make_update(strategie)
    page = client.get(strategie.get_absolute_url()).text
    for text in [
        "domein 0 (actiedomein)",
        "instrument 1 (beleidsinstrument)",
        "Initiatief 1",
        "Dienst 0",
        "Beleidsactie 1",
        "Kandidaat 0",
        "Lokale ondernemers",
        f'<a href="{follow_up.get_absolute_url()}">Bouwhub</a>',
    ]:
        assert text in page, text
    assert "Bewerken" not in page and "/coach/" not in page


def test_pilot_results_on_the_public_page(client, pilot):
    fill_pilot_results(pilot, metingen=0)
    kpi = Kpi.objects.get(traject=pilot)
    Meting.objects.create(
        kpi=kpi, datum=date(2023, 3, 1), waarde=Decimal("104.25"), gepubliceerd=True
    )
    Meting.objects.create(kpi=kpi, datum=date(2023, 1, 1), waarde=Decimal("118"), gepubliceerd=True)
    Partner.objects.create(
        traject=pilot, naam="Repair Together", status="in_gesprek", gepubliceerd=True
    )
    factories.make_update(pilot)
    page = client.get(pilot.get_absolute_url()).text
    for text in [
        "module 0 (ondersteuningsmodule)",
        "Resultaat 0",
        "Repair Together",
        "In gesprek",
        "KPI 0",
        "kg per inwoner",
        ">131<",
        ">97<",
        "104,25",  # the latest measurement, in Flemish notation
        'datetime="2023-03-01"',
    ]:
        assert text in page, text
    # The results table shows the latest measurement; the chart's table lists every one.
    assert page.count(">118</td>") == 1
    assert "Bewerken" not in page and "/coach/" not in page
    assert "{#" not in page and "Needs:" not in page  # template comments stay comments


def test_a_trajectory_without_results_shows_no_empty_section(client, pilot):
    factories.make_update(pilot)
    assert 'id="kop-resultaten"' not in client.get(pilot.get_absolute_url()).text


# Queries of the public page: 11 of its own (with a coaching moment on the timeline), plus
# one per kind of result: 3 for a strategy, 4 for a pilot (modules, partners, KPIs,
# measurements). Django skips a nested prefetch without parent rows (no KPI: no measurement
# query), so the data below has at least one of everything.
# The first request also asks whether demo content is on the site (every page shows it). The
# body is then kept under the trajectory's generation (lokaal/fragmenten.py), and the demo
# answer and the row under that of all content: the next request makes no query.
PUBLIC_QUERIES = {"strategie": 14, "pilootproject": 15, "verborgen": 11}
WARM_QUERIES = 0


@pytest.mark.parametrize("soort", ["strategie", "pilootproject"])
def test_public_page_query_count_is_fixed(db, client, django_assert_num_queries, soort):
    traject = factories.make_traject(soort=soort)
    for _ in range(3):
        factories.publish_report(factories.make_workshop(traject), "Verslag.")
    factories.make_coachingsmoment(traject)
    factories.make_update(traject)
    fill = fill_strategy_results if soort == "strategie" else fill_pilot_results
    fill(traject, 1)
    url = traject.get_absolute_url()
    with django_assert_num_queries(PUBLIC_QUERIES[soort]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(WARM_QUERIES):
        assert client.get(url).status_code == 200
    fill(traject, 19)
    for _ in range(19):
        factories.make_update(traject)
    with django_assert_num_queries(PUBLIC_QUERIES[soort]):
        response = client.get(url)
    with django_assert_num_queries(WARM_QUERIES):
        assert client.get(url).text == response.text
    rows = response.text.count('<th scope="row"')
    assert rows >= (20 if soort == "strategie" else 60)


def test_public_page_query_count_before_publishing(client, django_assert_num_queries, strategie):
    fill_strategy_results(strategie, 20)
    factories.make_coachingsmoment(strategie, gepland_op=timezone.now())
    with django_assert_num_queries(PUBLIC_QUERIES["verborgen"]):
        assert client.get(strategie.get_absolute_url()).status_code == 200
    with django_assert_num_queries(WARM_QUERIES):
        assert client.get(strategie.get_absolute_url()).status_code == 200
