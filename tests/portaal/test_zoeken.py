"""Search: finds public things, never drafts or internal text, and answers bad queries plainly."""

import pytest

from tests import factories
from tests.bulk import SECRET, add_activity, multiply_programme
from trajecten.models import Traject
from workshops.models import Workshop

URL = "/zoeken/"
QUERIES = 6


def _search(client, q):
    return client.get(URL, {"q": q})


def test_it_finds_besturen_and_trajectories(programme, client):
    html = _search(client, "deelfabriek").content.decode()
    assert "De Deelfabriek van Kortrijk versterken" in html
    html = _search(client, "intradura").content.decode()
    assert "/besturen/intradura/" in html
    html = _search(client, "23027").content.decode()  # a NIS code
    assert "Stad Halle" in html


def test_it_finds_published_reports_and_updates(programme, client):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(
        traject.workshops.get(volgnummer=1), "We bezochten de kringloopwinkel."
    )
    factories.make_update(traject, titel="Nieuws over de materialenbank", tekst="Lees **meer**.")
    html = _search(client, "kringloopwinkel").content.decode()
    assert "Workshop 1: Prioriteiten bepalen" in html
    assert "<mark>kringloopwinkel</mark>" in html
    html = _search(client, "materialenbank").content.decode()
    assert "Nieuws over de materialenbank" in html


def test_it_never_shows_drafts_or_internal_text(programme, client):
    for traject in Traject.objects.all():
        add_activity(traject)
    response = _search(client, SECRET)
    assert response.status_code == 200
    assert response.context["aantal"] == 0
    assert "zoekresultaten" not in response.content.decode()
    # Public text of the same trajectories is found, so the search itself works.
    assert _search(client, "openbaar").context["aantal"] > 0


def test_internal_notes_of_a_published_report_are_not_searched(programme, client):
    workshop = Traject.objects.get(slug="strategie-halle").workshops.get(volgnummer=1)
    factories.publish_report(workshop, "Publiek verslag.", internal="Vertrouwelijk-xyz")
    workshop.aanwezigen = "Vertrouwelijk-xyz"
    workshop.save()
    assert "Niets gevonden" in _search(client, "Vertrouwelijk-xyz").content.decode()


def test_an_edited_draft_of_a_published_report_is_not_searched(programme, client):
    workshop = Traject.objects.get(slug="strategie-halle").workshops.get(volgnummer=1)
    factories.publish_report(workshop, "Publieke tekst.")
    Workshop.objects.filter(pk=workshop.pk).update(verslag="Nieuwe ontwerptekst-abc")
    assert "Niets gevonden" in _search(client, "ontwerptekst-abc").content.decode()


def test_tags_in_stored_html_do_not_match(programme, client):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(traject.workshops.get(volgnummer=1), "Een **vet** woord.")
    assert "Niets gevonden" in _search(client, "strong").content.decode()


def test_the_query_is_escaped(programme, client):
    html = _search(client, "<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html


def test_no_query_shows_the_form(programme, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_an_empty_query_asks_for_a_word(programme, client):
    response = _search(client, "   ")
    assert response.status_code == 200
    assert "Typ een woord" in response.content.decode()


@pytest.mark.parametrize(
    ("q", "message"),
    [("x" * 101, "te lang"), ("a", "te kort"), ("ab\x00cd", "tekens die we niet kunnen zoeken")],
)
def test_bad_queries_get_a_400_with_a_message(programme, client, q, message):
    response = _search(client, q)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_query_count_is_fixed(programme, client, django_assert_num_queries):
    for traject in Traject.objects.all():
        add_activity(traject)
    with django_assert_num_queries(QUERIES):
        response = _search(client, "openbaar")
    assert "Verslagen" in response.content.decode()
    multiply_programme(20)
    with django_assert_num_queries(QUERIES):
        response = _search(client, "openbaar")
    assert "Er zijn meer resultaten" in response.content.decode()
