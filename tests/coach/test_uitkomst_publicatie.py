"""Publishing from the outcome page: the report and the results its page edits share one life
cycle. Each result row shows its badge; publishing the report publishes the concept results of
the kinds this moment produces, unpublishing takes them back unless another published report
carries the same kinds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.coach.uitkomst_helpers import uitkomst_url
from trajecten.models import Beleidsactie, LopendInitiatief, Partner, Traject
from workshops import services


def _held(traject, **fields):
    return factories.make_workshop(
        traject, gepland_op=timezone.now() - timedelta(days=2), verslag="Gehouden.", **fields
    )


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def strategie(coach):
    traject = factories.make_traject(titel="Strategie Halle")
    traject.coaches.add(coach)
    return traject


@pytest.fixture
def pilot(coach):
    traject = factories.make_traject(titel="Piloot Kortrijk", soort=Traject.Soort.PILOOTPROJECT)
    traject.coaches.add(coach)
    return traject


def _publication(client, moment, actie: str):
    moment.refresh_from_db()
    return client.post(
        uitkomst_url(moment, "uitkomst_publicatie"), {"versie": moment.versie, "actie": actie}
    )


def test_each_result_row_shows_its_badge_and_the_rule_is_on_the_page(coach_client, strategie):
    workshop = _held(strategie, volgnummer=2)
    LopendInitiatief.objects.create(traject=strategie, naam="Repaircafé")
    LopendInitiatief.objects.create(
        traject=strategie, naam="Kringwinkel", gepubliceerd=True, gepubliceerd_op=timezone.now()
    )
    page = coach_client.get(uitkomst_url(workshop)).text
    concept = '<span class="badge text-bg-warning">Concept</span>'
    published = '<span class="badge text-bg-success">Gepubliceerd</span>'
    assert f"Initiatief: Repaircafé {concept}" in page
    assert f"Initiatief: Kringwinkel {published}" in page
    assert "Publiceren zet ook de lopende initiatieven van dit traject online" in page
    assert "(nu 1)" in page
    preview = coach_client.get(uitkomst_url(workshop, "uitkomst_voorbeeld")).text
    assert "Resultaten van Workshop 2" in preview
    assert 'Repaircafé <span class="badge text-bg-warning">Concept</span>' in preview


def test_publishing_the_outcome_publishes_the_results_of_this_workshop_only(
    coach_client, strategie, client
):
    workshop = _held(strategie, volgnummer=2)
    initiatief = LopendInitiatief.objects.create(traject=strategie, naam="Repaircafé")
    actie = factories.make_beleidsactie(strategie, titel="Circulair aankopen", gepubliceerd=False)
    response = _publication(coach_client, workshop, "publiceren")
    assert response.status_code == 302
    assert response["Location"] == uitkomst_url(workshop)
    initiatief.refresh_from_db()
    actie.refresh_from_db()
    assert initiatief.gepubliceerd
    assert not actie.gepubliceerd  # workshop 3's result: it waits for that report
    page = coach_client.get(uitkomst_url(workshop)).text
    assert "Publicatie afzetten zet ook de lopende initiatieven van dit traject terug" in page

    assert _publication(coach_client, workshop, "depubliceren").status_code == 302
    initiatief.refresh_from_db()
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd and not initiatief.gepubliceerd
    assert initiatief.history.first().history_change_reason.startswith("Publicatie afgezet met")
    assert Beleidsactie.objects.get().versie == actie.versie  # untouched


def test_a_coaching_moment_on_a_pilot_track_publishes_the_pilot_results(coach_client, pilot):
    moment = factories.make_coachingsmoment(
        pilot, gepland_op=timezone.now() - timedelta(days=1), verslag="Partners gezocht."
    )
    partner = factories.make_partner(pilot, naam="OCMW", gepubliceerd=False)
    assert _publication(coach_client, moment, "publiceren").status_code == 302
    partner.refresh_from_db()
    assert partner.gepubliceerd


def test_unpublishing_keeps_results_that_another_published_report_carries(coach_client, pilot):
    first = _held(pilot, volgnummer=1)
    second = _held(pilot, volgnummer=2)
    partner = factories.make_partner(pilot, naam="OCMW", gepubliceerd=False)
    _publication(coach_client, first, "publiceren")
    _publication(coach_client, second, "publiceren")
    page = coach_client.get(uitkomst_url(second)).text
    assert "Publicatie afzetten laat de gekozen modules, partners" in page
    assert "ook Workshop 1: Workshop 1 is gepubliceerd" in page

    _publication(coach_client, second, "depubliceren")
    partner.refresh_from_db()
    assert partner.gepubliceerd  # workshop 1's report still shows the pilot's results
    _publication(coach_client, first, "depubliceren")
    partner.refresh_from_db()
    assert not partner.gepubliceerd


def test_a_new_result_on_a_published_outcome_is_said_to_be_concept(coach_client, pilot):
    workshop = _held(pilot, volgnummer=1)
    _publication(coach_client, workshop, "publiceren")
    Partner.objects.create(traject=pilot, naam="Nieuw")
    page = coach_client.get(uitkomst_url(workshop)).text
    assert "1 resultaat hieronder is nog concept" in page


def test_result_kinds_match_the_sections_of_the_outcome_page(strategie, pilot):
    from coach.forms_uitkomst import SECTIONS, sections_for

    moments = [_held(strategie, volgnummer=n) for n in (1, 2, 3)]
    moments += [_held(pilot, volgnummer=1), factories.make_coachingsmoment(pilot)]
    for moment in moments:
        edited = {
            SECTIONS[key].model for key in sections_for(moment.traject, moment) if key in SECTIONS
        }
        assert set(services.result_kinds(moment)) == edited, moment
