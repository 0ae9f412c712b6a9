"""Every public page renders for the programme, with a fixed number of queries."""

import pytest
from django.urls import reverse

from programma.bulk import load_bulk
from tests import factories
from tests.url_catalogue import all_public_urls
from trajecten.models import Traject
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

# Queries per page. The same numbers must hold with twenty times the data.
QUERIES = {
    "portaal:home": 13,
    "portaal:rondes": 2,
    "portaal:ronde": 13,
    "besturen:list": 6,  # the latest titles per bestuur with their trajectory: one query
    "besturen:detail": 11,
    "trajecten:list": 9,
    # The row, the body's 9 and the demo notice (then kept, lokaal/fragmenten.py).
    "trajecten:detail": 10,
    "workshops:detail": 4,
}

# Queries per page once its fragments are kept, at either size of the data.
WARM_QUERIES = {
    "trajecten:detail": 0,  # the row and the body are kept
    # None: the rounds, the summary, the news, which cards to show and the cards are kept.
    "portaal:home": 0,
    "portaal:ronde": 0,
    # None: which trajectories match, the filter form and the cards are kept.
    "trajecten:list": 0,
    # The pager's count and the page's rows (the bestuur and the cards are kept).
    "besturen:detail": 2,
}


def _sample_urls():
    traject = Traject.objects.get(slug="pilootproject-kenniscentrum-waasland")
    return {
        "portaal:home": reverse("portaal:home"),
        "portaal:rondes": reverse("portaal:rondes"),
        "portaal:ronde": reverse("portaal:ronde", args=["2022-2023"]),
        "besturen:list": reverse("besturen:list"),
        "besturen:detail": reverse("besturen:detail", args=["imog"]),
        "trajecten:list": reverse("trajecten:list") + "?soort=pilootproject",
        "trajecten:detail": traject.get_absolute_url(),
        "workshops:detail": traject.workshops.get(volgnummer=1).get_absolute_url(),
    }


def _publish_some(programme_trajecten=("strategie-halle", "pilootproject-deelfabriek-kortrijk")):
    for slug in programme_trajecten:
        workshop = Workshop.objects.get(traject__slug=slug, volgnummer=1)
        factories.publish_report(workshop, "Verslag van de eerste workshop.")
        factories.make_update(workshop.traject)
        factories.make_coachingsmoment(workshop.traject)


def test_every_public_page_renders(programme, client):
    _publish_some()
    urls = all_public_urls()
    assert len(urls) > 60
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_count_is_fixed(name, programme, client, django_assert_num_queries):
    _publish_some()
    url = _sample_urls()[name]
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_count_holds_with_twenty_times_the_data(
    name, programme, client, django_assert_num_queries
):
    _publish_some()
    load_bulk(scale=20, own_besturen=True, every_state=True)
    url = _sample_urls()[name]
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("scale", [1, 20])
@pytest.mark.parametrize("name", sorted(WARM_QUERIES))
def test_warm_query_count_holds_with_twenty_times_the_data(
    name, scale, programme, client, django_assert_num_queries
):
    _publish_some()
    if scale > 1:
        load_bulk(scale=scale, own_besturen=True, every_state=True)
    url = _sample_urls()[name]
    first = client.get(url)
    with django_assert_num_queries(WARM_QUERIES[name]):
        again = client.get(url)
    assert again.text == first.text
