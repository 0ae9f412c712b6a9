"""List filters on trajectories and besturen: they filter, and bad values are a 400."""

import pytest

from besturen.models import Bestuur
from programma.bulk import load_bulk
from trajecten.models import Actiedomein, Traject


def _slugs(response) -> set[str]:
    pks = response.context["trajecten"]
    return set(Traject.objects.filter(pk__in=pks).values_list("slug", flat=True))


def test_trajectories_by_track_and_status(programme, client):
    assert len(_slugs(client.get("/trajecten/", {"soort": "pilootproject"}))) == 3
    assert _slugs(client.get("/trajecten/", {"status": "afgerond"})) == set()


def test_trajectories_by_province_of_a_participant(programme, client):
    slugs = _slugs(client.get("/trajecten/", {"provincie": "oost-vlaanderen"}))
    assert slugs == {"pilootproject-kenniscentrum-waasland"}
    slugs = _slugs(client.get("/trajecten/", {"provincie": "west-vlaanderen"}))
    assert slugs == {
        "strategie-roeselare",
        "strategie-oostende",  # two West Flemish participants, listed once
        "strategie-imog",
        "pilootproject-deelfabriek-kortrijk",
    }


def test_trajectories_by_action_domain(programme, client):
    halle = Traject.objects.get(slug="strategie-halle")
    halle.prioritaire_actiedomeinen.add(Actiedomein.objects.get(slug="textiel"))
    assert _slugs(client.get("/trajecten/", {"actiedomein": "textiel"})) == {"strategie-halle"}
    html = client.get("/trajecten/").content.decode()
    assert '<option value="textiel">Textiel</option>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"soort": "raket"},
        {"status": "x"},
        {"provincie": "atlantis"},
        {"actiedomein": "bestaat-niet"},
        {"actiedomein": "a\x00b"},
        {"provincie": "x" * 5000},
    ],
)
def test_bad_trajectory_filters_get_a_400(programme, client, params):
    response = client.get("/trajecten/", params)
    assert response.status_code == 400
    assert "Deze filter kunnen we niet toepassen" in response.content.decode()


def test_besturen_by_kind_and_province(programme, client):
    response = client.get("/besturen/", {"soort": "intercommunale"})
    assert {b.naam for b in response.context["deelnemers"]} == {"Imog", "Intradura"}
    assert not response.context["leden"]
    response = client.get("/besturen/", {"provincie": "limburg"})
    assert [b.naam for b in response.context["genoemd"]] == ["Stad Hasselt"]
    response = client.get("/besturen/", {"soort": "stad", "provincie": "antwerpen"})
    assert [b.naam for b in response.context["deelnemers"]] == ["Stad Turnhout"]


def test_besturen_without_a_match_say_so(programme, client):
    response = client.get("/besturen/", {"soort": "andere", "provincie": "limburg"})
    assert response.status_code == 200
    assert "Geen besturen voor deze filter" in response.content.decode()


@pytest.mark.parametrize("params", [{"soort": "dorp"}, {"provincie": "\x00"}])
def test_bad_bestuur_filters_get_a_400(programme, client, params):
    response = client.get("/besturen/", params)
    assert response.status_code == 400
    assert "Deze filter kunnen we niet toepassen" in response.content.decode()


def test_filtered_lists_keep_a_fixed_query_count(programme, client, django_assert_num_queries):
    halle = Traject.objects.get(slug="strategie-halle")
    halle.prioritaire_actiedomeinen.add(Actiedomein.objects.get(slug="circulair-bouwen"))
    filtered = {"provincie": "vlaams-brabant", "actiedomein": "circulair-bouwen"}
    with django_assert_num_queries(9):  # the first after a change: nothing kept yet
        assert client.get("/trajecten/", filtered).status_code == 200
    # Whether demo content is on the site was asked by the page before, and kept.
    with django_assert_num_queries(5):
        assert client.get("/besturen/", {"soort": "stad"}).status_code == 200
    load_bulk(scale=20, own_besturen=True, every_state=True)
    with django_assert_num_queries(9):
        response = client.get("/trajecten/", filtered)
    assert len(response.context["trajecten"]) > 1
    with django_assert_num_queries(5):
        response = client.get("/besturen/", {"soort": "stad"})
    assert len(response.context["deelnemers"]) > 20
    assert Bestuur.objects.count() > 200
