"""Pages that list what grows with the data stay bounded, and what they keep is never stale.

The trajectory list and a bestuur's page are paginated with `?pagina=N`; the home and round
pages show a few cards per track and link to the rest. The round summary is kept under the
round's generation until a date in it passes (lokaal/fragmenten.py): a publication, a change,
or a date passing on the clock the progress module reads shows on the very next request.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from besturen.views import TRAJECTEN_PER_PAGE as BESTUUR_PER_PAGE
from lokaal import fragmenten
from portaal.views import CARDS_PER_TRACK
from tests import factories
from trajecten.models import Traject
from trajecten.services import ronde_close
from trajecten.views import TRAJECTEN_PER_PAGE

pytestmark = pytest.mark.django_db

INSIDE = datetime(2023, 3, 1, 12, tzinfo=UTC)


def _cards(body: str) -> int:
    return body.count('<article class="card card-traject')


def _many(n: int, **fields) -> list[Traject]:
    bestuur = fields.pop("bestuur", None) or factories.make_bestuur()
    return [factories.make_traject(besturen=[bestuur], **fields) for _ in range(n)]


def test_trajectory_list_pages_through_everything(client):
    _many(TRAJECTEN_PER_PAGE + 5)
    first = client.get(reverse("trajecten:list")).content.decode()
    assert _cards(first) == TRAJECTEN_PER_PAGE
    assert 'rel="next" href="?pagina=2"' in first and 'rel="prev"' not in first
    assert "Pagina 1 van 2" in first
    assert f"{TRAJECTEN_PER_PAGE + 5} trajecten" in first
    second = client.get(reverse("trajecten:list") + "?pagina=2").content.decode()
    assert _cards(second) == 5
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_pager_keeps_the_filter(client):
    _many(TRAJECTEN_PER_PAGE + 1, soort=Traject.Soort.PILOOTPROJECT)
    body = client.get(reverse("trajecten:list") + "?soort=pilootproject").content.decode()
    assert 'href="?soort=pilootproject&amp;pagina=2"' in body
    back = client.get(reverse("trajecten:list") + "?soort=pilootproject&pagina=2")
    # Back to the first page: the canonical address, without ?pagina=.
    assert 'rel="prev" href="?soort=pilootproject"' in back.content.decode()


@pytest.mark.parametrize("pagina", ["2", "999"])
def test_page_past_the_end_is_404(client, pagina):
    _many(3)
    assert client.get(reverse("trajecten:list") + f"?pagina={pagina}").status_code == 404


@pytest.mark.parametrize("pagina", ["abc", "0", "-1", "1.5", "", "٣", "1234567"])
def test_page_that_is_no_page_number_leads_to_the_first_page(client, pagina):
    # The canonical-URL rule (lokaal/middleware.py) drops a page number that is not 1-999
    # before the view runs, so junk values never become pages of their own.
    _many(3)
    response = client.get(reverse("trajecten:list") + f"?pagina={pagina}")
    assert response.status_code == 301
    assert response["Location"] == reverse("trajecten:list")


def test_bestuur_page_pages_its_trajectories(client):
    bestuur = factories.make_bestuur(slug="veel-trajecten")
    _many(BESTUUR_PER_PAGE + 2, bestuur=bestuur)
    url = bestuur.get_absolute_url()
    assert _cards(client.get(url).content.decode()) == BESTUUR_PER_PAGE
    assert _cards(client.get(url + "?pagina=2").content.decode()) == 2
    assert client.get(url + "?pagina=3").status_code == 404
    response = client.get(url + "?pagina=twee")
    assert response.status_code == 301 and response["Location"] == url


@pytest.mark.parametrize("url_name", ["home", "ronde"])
def test_home_and_round_show_a_few_cards_per_track_and_link_the_rest(client, url_name):
    ronde = factories.make_ronde(slug="drukke-ronde", start=INSIDE.date(), einde=INSIDE.date())
    _many(CARDS_PER_TRACK + 3, ronde=ronde)
    _many(2, ronde=ronde, soort=Traject.Soort.PILOOTPROJECT)
    url = reverse("portaal:home") if url_name == "home" else ronde.get_absolute_url()
    body = client.get(url).content.decode()
    assert _cards(body) == CARDS_PER_TRACK + 2
    assert f"Alle {CARDS_PER_TRACK + 3} strategietrajecten" in body
    assert "?ronde=drukke-ronde&amp;soort=strategie" in body
    assert "Alle 2 pilootprojecten" not in body  # all of them are shown already
    # The summary still counts every trajectory, not only the cards shown.
    assert f"{CARDS_PER_TRACK + 5} trajecten:" in body


def _summary(client) -> str:
    body = client.get(reverse("portaal:home")).content.decode()
    return body.split('id="kop-stand"', 1)[1].split("</section>", 1)[0]


def test_summary_shows_a_published_report_on_the_next_request(client, time_machine):
    time_machine.move_to(INSIDE)
    traject = factories.make_traject(besturen=[factories.make_bestuur()])
    workshop = factories.make_workshop(traject, gepland_op=INSIDE - timedelta(days=2))
    assert "er is geen verslag gepubliceerd" in _summary(client)
    assert "er is geen verslag gepubliceerd" in _summary(client)  # kept: nothing changed
    workshop.status = workshop.Status.GEHOUDEN
    workshop.save()
    factories.publish_report(workshop, "Wat de workshop opleverde.")
    summary = _summary(client)
    assert "1 verslag gepubliceerd" in summary and "1 van de 1 workshop is" in summary


def test_summary_follows_the_clock_past_a_date_and_the_grace_period(client, time_machine, settings):
    time_machine.move_to(INSIDE, tick=False)
    traject = factories.make_traject(besturen=[factories.make_bestuur()])
    factories.make_workshop(traject, gepland_op=INSIDE + timedelta(days=1))
    assert "Geen enkel traject loopt achter op planning." in _summary(client)
    # The date passes: not yet behind plan, within the grace period.
    time_machine.move_to(INSIDE + timedelta(days=2), tick=False)
    assert "Geen enkel traject loopt achter op planning." in _summary(client)
    # The grace period passes too, with nothing saved in between: the summary must follow.
    time_machine.move_to(INSIDE + timedelta(days=settings.BEHIND_PLAN_GRACE_DAYS + 2), tick=False)
    assert "1 traject loopt achter op planning." in _summary(client)


def test_summary_follows_a_round_closed_by_a_manager(client, time_machine):
    time_machine.move_to(INSIDE, tick=False)
    ronde = factories.make_ronde()
    factories.make_traject(ronde=ronde, besturen=[factories.make_bestuur()])
    assert "achter op planning" in _summary(client)
    # As the admin action does (trajecten/services.py).
    ronde_close(rondes=[ronde], on=INSIDE.date())
    assert "achter op planning" not in _summary(client)


def test_cards_follow_the_clock(client, time_machine):
    """Cards are rendered afresh on every request: the state flips when the date passes."""
    time_machine.move_to(INSIDE, tick=False)
    traject = factories.make_traject(besturen=[factories.make_bestuur()])
    factories.make_workshop(traject, gepland_op=INSIDE + timedelta(days=1), titel="Startdag")
    body = client.get(reverse("trajecten:list")).content.decode()
    assert "Volgende stap:</span> Startdag" in body
    time_machine.move_to(INSIDE + timedelta(days=20), tick=False)
    body = client.get(reverse("trajecten:list")).content.decode()
    assert "Volgende stap:</span> Startdag" not in body
    assert "Achter op planning" in body


@pytest.mark.parametrize("url_name", ["portaal:home", "trajecten:list"])
def test_query_counts_do_not_grow_with_the_data_worked_out_or_kept(client, url_name):
    ronde = factories.make_ronde(start=INSIDE.date(), einde=INSIDE.date())
    _many(4, ronde=ronde)
    url = reverse(url_name)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first, kept = count(), count()
    _many(TRAJECTEN_PER_PAGE * 2, ronde=ronde)
    assert count() == first  # a change: worked out afresh
    assert count() == kept  # and kept again


class _BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("Redis antwoordt niet")

    set = get


def test_a_failing_cache_costs_a_render_not_the_page(client, monkeypatch):
    _many(2)
    monkeypatch.setattr(fragmenten, "cache", _BrokenCache())
    response = client.get(reverse("portaal:home"))
    assert response.status_code == 200
    assert "2 trajecten:" in response.content.decode()


def test_summary_follows_the_grace_period_ending_within_a_day(client, time_machine, settings):
    """Same day, nothing saved: only the instant the grace period ends changes the summary."""
    time_machine.move_to(INSIDE, tick=False)
    traject = factories.make_traject(besturen=[factories.make_bestuur()])
    grace = timedelta(days=settings.BEHIND_PLAN_GRACE_DAYS)
    factories.make_workshop(traject, gepland_op=INSIDE - grace + timedelta(hours=1))
    assert "Geen enkel traject loopt achter op planning." in _summary(client)
    time_machine.move_to(INSIDE + timedelta(hours=2), tick=False)
    assert "1 traject loopt achter op planning." in _summary(client)


@pytest.mark.parametrize("suffix", ["", "?ronde={ronde}"])
def test_programme_feed_shows_a_publication_on_the_next_request(client, suffix):
    traject = factories.make_traject(besturen=[factories.make_bestuur()], titel="Proeftuin")
    workshop = factories.make_workshop(traject, status="gehouden")
    url = reverse("volgen:programma_atom") + suffix.format(ronde=traject.ronde.slug)
    assert "Wat de proeftuin opleverde" not in client.get(url).content.decode()
    client.get(url)  # kept
    factories.publish_report(workshop, "Wat de proeftuin opleverde.")
    assert "Wat de proeftuin opleverde" in client.get(url).content.decode()
    traject.titel = "Proeftuin hernoemd"
    traject.save()
    assert "Proeftuin hernoemd" in client.get(url).content.decode()


def test_bestuur_list_names_a_few_trajectories_per_bestuur(client, django_assert_num_queries):
    from besturen.views import TITELS_PER_BESTUUR

    bestuur = factories.make_bestuur(naam="Gemeente Veelvuldig", slug="veelvuldig")
    factories.make_traject(besturen=[bestuur], titel="Enig traject elders")
    for n in range(TITELS_PER_BESTUUR + 2):
        factories.make_traject(besturen=[bestuur], titel=f"Traject nummer {n}")
    url = reverse("besturen:list")
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    item = body.split(">Gemeente Veelvuldig</a>", 1)[1].split("</li>", 1)[0]
    assert item.count("Traject nummer") + item.count("Enig traject") == TITELS_PER_BESTUUR
    assert 'href="/besturen/veelvuldig/#kop-trajecten">en nog 3 andere trajecten</a>' in item
    for n in range(20):
        factories.make_traject(besturen=[bestuur], titel=f"Nog een traject {n}")
    with django_assert_num_queries(len(few)):
        body = client.get(url).content.decode()
    item = body.split(">Gemeente Veelvuldig</a>", 1)[1].split("</li>", 1)[0]
    assert "en nog 23 andere trajecten" in item
    assert item.count("traject") < 10
