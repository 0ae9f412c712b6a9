"""The dashboard: my trajectories, what is coming, what is overdue, what is still a draft."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories


def fill(traject, *, n: int = 1) -> None:
    now = timezone.now()
    for i in range(n):
        base = 3 * i
        factories.make_workshop(traject, volgnummer=base + 1, gepland_op=now - timedelta(days=40))
        factories.make_workshop(
            traject,
            volgnummer=base + 2,
            gepland_op=now - timedelta(days=5),
            verslag="Klad zonder publicatie",
        )
        factories.make_workshop(traject, volgnummer=base + 3, gepland_op=now + timedelta(days=9))
        factories.make_coachingsmoment(
            traject, onderwerp=f"Tussentijds {i}", gepland_op=now + timedelta(days=3)
        )
        factories.make_update(traject, titel=f"Klad-update {i}", gepubliceerd=False)


def test_dashboard_shows_state_upcoming_overdue_and_drafts(coach_client, world):
    fill(world.traject)
    factories.publish_report(world.traject.workshops.get(volgnummer=1), "Gehouden en gepubliceerd")
    fill(world.other_traject)
    response = coach_client.get(reverse("coach:dashboard"))
    assert response.status_code == 200
    context = response.context
    assert [t.pk for t in context["trajecten"]] == [world.traject.pk]
    assert [m.titel for m in context["overdue"]] == ["Workshop 2"]
    assert [m.titel for m in context["drafts"]] == ["Workshop 2"]
    assert [m.titel for m in context["upcoming"]] == ["Tussentijds 0", "Workshop 3"]
    assert [u.titel for u in context["draft_updates"]] == ["Klad-update 0"]
    text = response.text
    assert "Traject van de coach" in text and "Traject van een andere coach" not in text
    assert "Nog niet ingevuld" in text  # the world's trajectory has no bestuur


def test_manager_sees_every_trajectory(client, world):
    world.traject  # noqa: B018
    client.force_login(world.manager)
    response = client.get(reverse("coach:dashboard"))
    assert {t.pk for t in response.context["trajecten"]} == {
        world.traject.pk,
        world.other_traject.pk,
    }


# Session, user, coach group check, trajectories, deelnames, workshops, coaching moments,
# published updates, draft updates, the sign-off requests of workshops and of coaching moments,
# one count of concept results per kind of result (7), the demo-content check, and saving the
# session (savepoint, update, release) — the same with twenty times the data.
DASHBOARD_QUERIES = 22


@pytest.mark.parametrize("scale", [1, 20])
def test_dashboard_query_count_is_fixed(client, world, django_assert_num_queries, scale):
    fill(world.traject)
    for i in range(scale):
        traject = factories.make_traject(titel=f"Extra {i}")
        traject.coaches.add(world.coach)
        fill(traject, n=1 if scale == 1 else 2)
    client.force_login(world.coach)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("coach:dashboard"))
    assert response.status_code == 200
    assert len(response.context["trajecten"]) == scale + 1
