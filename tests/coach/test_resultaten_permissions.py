"""Who may open the structured-results pages: a fixed cast walks every URL."""

import pytest
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from tests import factories
from tests.coach.resultaten_data import count_results
from tests.url_catalogue import RESULTATEN_URLS, resultaten_kwargs
from trajecten.models import Kpi, LopendInitiatief, Partner, Traject

URL_NAMES = sorted(RESULTATEN_URLS)


@pytest.fixture
def trajecten(db):
    strategie = factories.make_traject(soort=Traject.Soort.STRATEGIE)
    pilot = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT)
    return strategie, pilot


@pytest.fixture
def cast(trajecten, manager):
    strategie, pilot = trajecten
    elsewhere = factories.make_traject()
    return {
        "coach": factories.make_coach("eigen-coach", strategie, pilot),
        "other_coach": factories.make_coach("vreemde-coach", elsewhere),
        "manager": manager,
    }


@pytest.fixture
def login_url(settings):
    try:
        return resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:
        # The login page comes with the accounts work on another branch; until it is merged,
        # point the setting at a plain path so the redirect itself can be checked.
        settings.LOGIN_URL = "/accounts/login/"
        return settings.LOGIN_URL


def _url(name, trajecten):
    strategie, pilot = trajecten
    kwargs = resultaten_kwargs(name, strategie=strategie, pilot=pilot)
    return reverse(f"coach:{name}", kwargs=kwargs)


def test_every_results_url_is_listed_for_the_matrix():
    from coach.urls_resultaten import urlpatterns

    assert {p.name for p in urlpatterns} == set(RESULTATEN_URLS)
    # They are reachable under the coach namespace.
    resolvers = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver)]
    coach = next(p for p in resolvers if p.namespace == "coach")
    assert set(RESULTATEN_URLS) <= {p.name for p in coach.url_patterns}


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_login(client, trajecten, login_url, name):
    url = _url(name, trajecten)
    before = count_results()
    for method in RESULTATEN_URLS[name]["methods"]:
        response = getattr(client, method.lower())(url)
        assert response.status_code == 302, method
        assert response.url.startswith(login_url)
    assert count_results() == before


@pytest.mark.parametrize("name", URL_NAMES)
def test_coach_of_other_trajectory_gets_404(client, trajecten, cast, name):
    url = _url(name, trajecten)
    client.force_login(cast["other_coach"])
    for method in RESULTATEN_URLS[name]["methods"]:
        assert getattr(client, method.lower())(url).status_code == 404, method


@pytest.mark.parametrize("name", [n for n in URL_NAMES if "GET" in RESULTATEN_URLS[n]["methods"]])
@pytest.mark.parametrize("who", ["coach", "manager"])
def test_coach_of_this_trajectory_and_manager_get_200(client, trajecten, cast, name, who):
    client.force_login(cast[who])
    response = client.get(_url(name, trajecten))
    assert response.status_code == 200
    assert response.templates[0].name.startswith("coach/resultaten/")


def test_logged_in_non_coach_gets_403(client, trajecten):
    user = User.objects.create_user("bezoeker", password="gewoon-wachtwoord-1")
    client.force_login(user)
    assert client.get(_url("resultaten", trajecten)).status_code == 403


def test_other_coach_cannot_delete(client, trajecten, cast):
    strategie, _ = trajecten
    initiatief = LopendInitiatief.objects.create(traject=strategie, naam="Repaircafé")
    client.force_login(cast["other_coach"])
    url = reverse("coach:resultaten_initiatief_verwijderen", args=[strategie.slug, initiatief.pk])
    assert client.post(url).status_code == 404
    assert LopendInitiatief.objects.filter(pk=initiatief.pk).exists()


def test_result_of_another_trajectory_is_404_for_its_outsider(client, trajecten, cast):
    """A coach cannot reach a result of another trajectory through their own slug."""
    pilot = trajecten[1]
    foreign = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT)
    partner = Partner.objects.create(traject=foreign, naam="Vreemde partner")
    client.force_login(cast["coach"])
    url = reverse("coach:resultaten_partner_bewerken", args=[pilot.slug, partner.pk])
    assert client.post(url, {"naam": "Overgenomen", "status": "gezocht"}).status_code == 404
    partner.refresh_from_db()
    assert partner.naam == "Vreemde partner"


def test_overview_refuses_post(client, trajecten, cast):
    client.force_login(cast["coach"])
    assert client.post(_url("resultaten", trajecten)).status_code == 405


def test_csrf_is_enforced(trajecten, cast):
    strategie, _ = trajecten
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["coach"])
    url = reverse("coach:resultaten_initiatief_nieuw", args=[strategie.slug])
    response = client.post(url, {"naam": "Zonder token", "status": "lopend"})
    assert response.status_code == 403
    assert not LopendInitiatief.objects.exists()


@pytest.mark.parametrize(
    ("name", "wrong"),
    [(n, "strategie") for n in URL_NAMES if RESULTATEN_URLS[n]["soort"] == "pilootproject"]
    + [(n, "pilootproject") for n in URL_NAMES if RESULTATEN_URLS[n]["soort"] == "strategie"],
)
def test_result_on_the_wrong_kind_of_trajectory_is_refused(client, cast, trajecten, name, wrong):
    """A pilot-only form on a strategy trajectory (and vice versa) answers 400, saves nothing."""
    strategie, pilot = trajecten
    traject = strategie if wrong == "strategie" else pilot
    kwargs = {"slug": traject.slug}
    if "kpi_pk" in RESULTATEN_URLS[name]["kwargs"]:
        kpi = Kpi.objects.create(traject=traject, naam="Verdwaald", eenheid="stuks")
        kwargs["kpi_pk"] = kpi.pk
    if "; pk:" in RESULTATEN_URLS[name]["kwargs"]:
        kwargs["pk"] = 1
    url = reverse(f"coach:{name}", kwargs=kwargs)
    client.force_login(cast["coach"])
    before = count_results()
    responses = [client.post(url, {"naam": "x", "titel": "x"})]
    if "GET" in RESULTATEN_URLS[name]["methods"]:
        responses.append(client.get(url))
    for response in responses:
        assert response.status_code == 400
        assert "hoort niet bij dit traject" in response.text
    assert count_results() == before
