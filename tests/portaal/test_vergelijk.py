"""The comparison page: the status grid, the action-domain matrix and the computed summary."""

import re
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from programma.bulk import add_activity, load_bulk
from tests import factories
from trajecten.models import Actiedomein, Pilotkandidaat, Traject
from workshops.models import Workshop

URL = "/vergelijk/"
INSIDE = datetime(2023, 3, 1, 10, tzinfo=UTC)  # the 2022-2023 round is running
AFTER = datetime(2026, 12, 1, 10, tzinfo=UTC)
QUERIES = 12  # the rounds, the content and the demo notice
QUERIES_KEPT = 1  # the rounds: the content is kept under the round's generation


def _summary(response) -> str:
    html = response.content.decode()
    block = html.split('id="kop-samenvatting"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


def test_it_lists_every_trajectory_with_its_three_workshops(programme, client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for traject in Traject.objects.prefetch_related("besturen"):
        for bestuur in traject.besturen.all():
            assert bestuur.korte_naam in html
    assert "Open plaats" in html
    assert "Sint-Niklaas &amp; Temse" in html
    assert html.count('<th scope="col">Workshop 3</th>') == 2  # strategy and pilot tables
    assert "<caption" in html


def test_every_table_scrolls_inside_its_own_wrapper(programme, client):
    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    halle.prioritaire_actiedomeinen.add(Actiedomein.objects.get(slug="textiel"))
    html = client.get(URL).content.decode()
    tables = html.count("<table")
    assert tables == 3
    wrapped = re.findall(r'<div class="table-responsive tabel-wrapper[^"]*"[^>]*>\s*<table', html)
    assert len(wrapped) == tables


def test_status_cells_say_their_status_in_words(programme, client, time_machine):
    time_machine.move_to(INSIDE)
    halle = Traject.objects.get(slug="strategie-halle")
    w1, w2, w3 = halle.workshops.order_by("volgnummer")
    factories.publish_report(w1, "Een gepubliceerd verslag.")
    w2.status = Workshop.Status.GEANNULEERD
    w2.save()
    w3.gepland_op = timezone.now() + timedelta(days=10)
    w3.save()
    html = client.get(URL).content.decode()
    row = html.split(">Halle</a>", 1)[1].split("</tr>", 1)[0]
    assert "Gehouden" in row
    assert "Geannuleerd" in row
    assert "Gepland" in row
    # Workshops without a date are not known to be late: never "achter op planning".
    other = html.split(">Turnhout</a>", 1)[1].split("</tr>", 1)[0]
    assert other.count("Nog geen datum") == 3
    assert "Achter op planning" not in other


def test_a_past_round_shows_final_states_only(programme, client, time_machine):
    time_machine.move_to(AFTER)
    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    html = client.get(URL).content.decode()
    assert "achter op planning" not in html.lower()
    assert ">Gepland<" not in html and "nog geen datum" not in html.lower()
    row = html.split(">Turnhout</a>", 1)[1].split("</tr>", 1)[0]
    assert row.count("Niets vastgelegd") == 3
    assert "Geen publieke informatie" in row


def test_summary_is_computed_from_the_data(programme, client, time_machine):
    time_machine.move_to(INSIDE)
    text = _summary(client.get(URL))
    assert "Deze ronde telt 9 trajecten: 6 strategietrajecten en 3 pilootprojecten" in text
    assert "met samen 10 deelnemende besturen" in text
    assert "Voor 1 plaats is het bestuur nog niet bekend." in text
    assert "Van de 27 geplande workshops is er nog geen enkele gehouden." in text
    assert "Geen enkel traject loopt achter op planning." in text
    assert "Nog geen van de 6 strategietrajecten heeft een kandidaat-pilootproject" in text

    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    Pilotkandidaat.objects.create(traject=halle, naam="Materialenbank", gepubliceerd=True)
    halle.prioritaire_actiedomeinen.add(Actiedomein.objects.get(slug="textiel"))
    text = _summary(client.get(URL))
    assert "Van de 27 geplande workshops is er 1 gehouden." in text
    assert "1 van de 6 strategietrajecten heeft al een of meer kandidaat-pilootprojecten" in text
    assert (
        "1 traject koos prioritaire actiedomeinen; het vaakst gekozen is textiel (1 traject)."
        in (text)
    )


def test_results_count_only_once_the_trajectory_has_published_content(programme, client):
    turnhout = Traject.objects.get(slug="strategie-turnhout")
    Pilotkandidaat.objects.create(
        traject=turnhout, naam="Nog niet publiek kandidaat", gepubliceerd=True
    )
    response = client.get(URL)
    assert "Nog niet publiek kandidaat" not in response.content.decode()
    assert "Geen van de 6 strategietrajecten publiceerde" in _summary(response)


def test_pilot_modules_appear_in_the_grid(programme, client):
    kortrijk = Traject.objects.get(slug="pilootproject-deelfabriek-kortrijk")
    add_activity(kortrijk)
    html = client.get(URL).content.decode()
    row = html.split(">Kortrijk</a>", 1)[1].split("</tr>", 1)[0]
    assert row.count("Bezig") == 3
    assert row.count("Niet gekozen") == 3
    assert (
        "De pilootprojecten kozen samen 3 ondersteuningsmodules uit de menukaart; "
        "nog geen enkele is afgerond."
    ) in html


def test_domain_matrix_marks_the_chosen_domains(programme, client):
    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Verslag.")
    halle.prioritaire_actiedomeinen.add(
        *Actiedomein.objects.filter(slug__in=["textiel", "energie"])
    )
    html = client.get(URL).content.decode()
    matrix = html.split('id="caption-domeinen"', 1)[1]
    row = matrix.split(">Halle</a>", 1)[1].split("</tr>", 1)[0]
    assert row.count('<span aria-hidden="true">●</span> ja') == 2
    other = matrix.split(">Turnhout</a>", 1)[1].split("</tr>", 1)[0]
    assert other.count("nee") == 2
    assert "Door geen enkel traject gekozen: circulair bouwen," in html


def test_without_chosen_domains_there_is_no_empty_matrix(programme, client):
    html = client.get(URL).content.decode()
    assert 'id="caption-domeinen"' not in html
    assert "Nog geen enkel traject heeft zijn prioritaire actiedomeinen vastgelegd" in html


def test_unknown_round_is_a_clear_400(programme, client):
    response = client.get(URL, {"ronde": "bestaat-niet"})
    assert response.status_code == 400
    assert "bestaat niet" in response.content.decode()


def test_without_a_round_it_says_so(db, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "nog geen ronde" in response.content.decode()


def test_nav_links_to_the_new_pages(programme, client):
    html = client.get("/").content.decode()
    for name in ("portaal:vergelijk", "portaal:kaart", "portaal:zoeken", "portaal:open_data"):
        assert f'href="{reverse(name)}"' in html


def test_query_count_is_fixed(programme, client, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
    # Kept (lokaal/fragmenten.py): the next request reads the rounds only.
    with django_assert_num_queries(QUERIES_KEPT):
        assert client.get(URL).status_code == 200
    load_bulk(scale=20, own_besturen=True, every_state=True)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert "Deze ronde telt 180 trajecten" in _summary(response)
    with django_assert_num_queries(QUERIES_KEPT):
        assert "Deze ronde telt 180 trajecten" in _summary(client.get(URL))
