"""Progress and freshness are derived from the workshops, never typed in."""

from datetime import UTC, datetime

import pytest
from django.db.models import prefetch_related_objects

from tests import factories
from trajecten.models import Traject
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _traject(**fields):
    traject = factories.make_traject(besturen=[factories.make_bestuur()], **fields)
    for n in (1, 2, 3):
        factories.make_workshop(traject, volgnummer=n)
    return Traject.objects.with_progress().get(pk=traject.pk)


def _at(y, m, d):
    return datetime(y, m, d, 14, tzinfo=UTC)


def test_progress_counts_held_workshops_and_skips_cancelled(time_machine):
    time_machine.move_to(_at(2022, 12, 1))
    traject = _traject()
    Workshop.objects.filter(traject=traject, volgnummer=1).update(status="gehouden")
    Workshop.objects.filter(traject=traject, volgnummer=3).update(status="geannuleerd")
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert (traject.workshops_held, traject.workshops_total) == (1, 2)
    assert traject.progress_percent == 50


def test_next_step_is_the_first_open_moment_in_time(time_machine):
    time_machine.move_to(_at(2022, 12, 1))
    traject = _traject()
    Workshop.objects.filter(traject=traject, volgnummer=1).update(
        status="gehouden", gepland_op=_at(2022, 11, 20)
    )
    Workshop.objects.filter(traject=traject, volgnummer=2).update(gepland_op=_at(2023, 3, 14))
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert traject.next_step.volgnummer == 2
    factories.make_coachingsmoment(traject, gepland_op=_at(2023, 1, 10))
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert traject.next_step.onderwerp == "Tussentijdse coaching"


def test_behind_plan_when_a_planned_date_passed_without_a_published_report(time_machine):
    time_machine.move_to(_at(2023, 1, 1))
    traject = _traject()
    first = traject.workshops.get(volgnummer=1)
    first.gepland_op = _at(2022, 12, 1)
    first.status = Workshop.Status.GEHOUDEN  # held, but no report published yet
    first.save()
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert traject.is_behind_plan()
    factories.publish_report(first, "Verslag")
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert not traject.is_behind_plan()


def test_undated_workshops_fall_due_at_the_planned_end(time_machine):
    traject = _traject()
    time_machine.move_to(_at(2023, 6, 1))
    assert not Traject.objects.with_progress().get(pk=traject.pk).is_behind_plan()
    time_machine.move_to(_at(2023, 7, 2))
    assert Traject.objects.with_progress().get(pk=traject.pk).is_behind_plan()


def test_stopped_trajectory_is_not_behind_plan(time_machine):
    time_machine.move_to(_at(2024, 1, 1))
    traject = _traject(status=Traject.Status.GESTOPT)
    assert not traject.is_behind_plan()
    assert traject.next_step is None


def test_last_updated_is_the_latest_publication(time_machine):
    time_machine.move_to(_at(2023, 2, 1))
    traject = _traject()
    assert traject.last_updated is None
    factories.publish_report(traject.workshops.get(volgnummer=1), "Verslag")
    time_machine.move_to(_at(2023, 3, 1))
    factories.make_update(traject)
    traject = Traject.objects.with_progress().get(pk=traject.pk)
    assert traject.last_updated.date() == _at(2023, 3, 1).date()


def test_open_place_has_no_participants():
    traject = factories.make_traject(open_plaats="Nog te kiezen")
    assert Traject.objects.with_progress().get(pk=traject.pk).is_open


def test_status_shown_follows_the_workshops_unless_closed_by_a_manager():
    traject = _traject()
    assert traject.current_status == "gepland"
    Workshop.objects.filter(traject=traject, volgnummer=1).update(status="gehouden")
    assert Traject.objects.with_progress().get(pk=traject.pk).current_status == "lopend"
    Workshop.objects.filter(traject=traject, volgnummer=2).update(status="gehouden")
    Workshop.objects.filter(traject=traject, volgnummer=3).update(status="geannuleerd")
    assert Traject.objects.with_progress().get(pk=traject.pk).current_status == "afgerond"
    Traject.objects.filter(pk=traject.pk).update(status="gestopt")
    assert Traject.objects.with_progress().get(pk=traject.pk).current_status == "gestopt"


def test_status_filter_uses_the_status_shown(client):
    running = _traject()
    Workshop.objects.filter(traject=running, volgnummer=1).update(status="gehouden")
    planned = _traject()
    response = client.get("/trajecten/", {"status": "lopend"})
    assert [t.pk for t in response.context["trajecten"]] == [running.pk]
    response = client.get("/trajecten/", {"status": "gepland"})
    assert [t.pk for t in response.context["trajecten"]] == [planned.pk]


def test_moments_follow_a_new_prefetch_and_unprefetched_reads(time_machine):
    # The sorted moments are kept per prefetch (a card reads them several times); a fresh
    # prefetch or an instance without one must still see every change.
    time_machine.move_to(_at(2022, 12, 1))
    traject = _traject()
    assert traject.momenten is traject.momenten
    assert [m.volgnummer for m in traject.momenten] == [1, 2, 3]
    factories.make_workshop(traject, volgnummer=4)
    traject.refresh_from_db()
    prefetch_related_objects([traject], "workshops", "coachingsmomenten")
    assert [m.volgnummer for m in traject.momenten] == [1, 2, 3, 4]
    plain = Traject.objects.get(pk=traject.pk)
    factories.make_workshop(plain, volgnummer=5)
    assert [m.volgnummer for m in plain.momenten] == [1, 2, 3, 4, 5]
