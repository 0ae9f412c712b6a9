"""One look, Dutch throughout: every workspace page shares the layout and reads Dutch."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.coach.helpers import moment_url
from tests.url_catalogue import resultaten_kwargs
from workshops.models import Workshop


def test_history_shows_flags_as_ja_nee_and_times_in_brussels(coach_client, world):
    workshop = world.workshop
    # Moved outside the workspace (no history row), so publishing records the new date too.
    Workshop.objects.filter(pk=workshop.pk).update(
        gepland_op=datetime(2023, 2, 14, 8, 30, tzinfo=UTC)
    )
    assert (
        coach_client.post(
            moment_url("uitkomst_publicatie", workshop), {"versie": 1, "actie": "publiceren"}
        ).status_code
        == 302
    )
    rows = coach_client.get(moment_url("geschiedenis", workshop)).context["rows"]
    assert {c.label for c in rows[0]["changes"]} >= {"gepubliceerd", "datum en uur"}
    text = coach_client.get(moment_url("geschiedenis", workshop)).text
    assert "14 feb 2023, 09.30" in text  # 08.30 UTC is 09.30 in Brussels
    assert "<td>nee</td>" in text and "<td>ja</td>" in text
    assert "False" not in text and "True" not in text and "+00:00" not in text


@pytest.mark.parametrize(
    "name", ["resultaten_initiatief_nieuw", "resultaten_beleidsactie_nieuw", "resultaten_kpi_nieuw"]
)
def test_empty_choices_read_dutch(coach_client, world, name):
    kwargs = resultaten_kwargs(name, strategie=world.traject, pilot=world.pilot_traject)
    text = coach_client.get(reverse(f"coach:{name}", kwargs=kwargs)).text
    assert "Select an option" not in text
    assert "---------" not in text


def test_results_pages_share_the_workspace_layout(coach_client, world):
    for traject in (world.traject, world.pilot_traject):
        text = coach_client.get(reverse("coach:resultaten", args=[traject.slug])).text
        assert "Aangemeld als" in text
        assert reverse("coach:traject", args=[traject.slug]) in text  # coach breadcrumb


@pytest.mark.parametrize(("pilot", "offered"), [(False, False), (True, True)])
def test_coaching_moments_are_offered_only_on_pilot_tracks(coach_client, world, pilot, offered):
    traject = world.pilot_traject if pilot else world.traject
    text = coach_client.get(reverse("coach:traject", args=[traject.slug])).text
    assert ("Coachingsmoment inplannen" in text) is offered
