"""Progress is derived, never typed in: trajecten/voortgang.py, read as the specification.

Every table below walks the states of one level (round, moment, trajectory) with the clock set
by time-machine; the round runs from 1 November 2022 to 30 June 2023.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import prefetch_related_objects

from tests import factories
from trajecten.models import Traject
from trajecten.voortgang import MomentStaat, RondeFase, TrajectStaat
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

INSIDE = datetime(2023, 3, 1, 12, tzinfo=UTC)  # the round is running
AFTER = datetime(2026, 12, 1, 12, tzinfo=UTC)  # the round is long past
BEFORE = datetime(2022, 10, 1, 12, tzinfo=UTC)  # the round has not started


def _at(y, m, d):
    return datetime(y, m, d, 14, tzinfo=UTC)


def _traject(**fields):
    traject = factories.make_traject(besturen=[factories.make_bestuur()], **fields)
    for n in (1, 2, 3):
        factories.make_workshop(traject, volgnummer=n)
    return _reload(traject)


def _reload(traject):
    return Traject.objects.with_progress().get(pk=traject.pk)


@pytest.mark.parametrize(
    ("now", "afgesloten_op", "fase"),
    [
        (BEFORE, None, RondeFase.KOMEND),
        (INSIDE, None, RondeFase.LOPEND),
        (AFTER, None, RondeFase.VOORBIJ),
        (INSIDE, date(2023, 2, 1), RondeFase.AFGESLOTEN),
        (INSIDE, date(2023, 4, 1), RondeFase.LOPEND),  # closing takes effect on its date
        (AFTER, date(2023, 7, 1), RondeFase.AFGESLOTEN),
    ],
)
def test_round_phase_follows_its_dates_unless_a_manager_closed_it(
    time_machine, now, afgesloten_op, fase
):
    time_machine.move_to(now)
    ronde = factories.make_ronde(afgesloten_op=afgesloten_op)
    assert ronde.fase == fase


# (clock, the workshop's fields, its state, behind plan?)
MOMENT_CASES = [
    (INSIDE, {}, MomentStaat.GEEN_DATUM, False),
    (INSIDE, {"gepland_op": INSIDE + timedelta(days=5)}, MomentStaat.GEPLAND, False),
    # A date passed within the grace period: not (yet) behind.
    (INSIDE, {"gepland_op": INSIDE - timedelta(days=13)}, MomentStaat.DATUM_VOORBIJ, False),
    (INSIDE, {"gepland_op": INSIDE - timedelta(days=15)}, MomentStaat.DATUM_VOORBIJ, True),
    (
        INSIDE,
        {"gepland_op": INSIDE - timedelta(days=30), "status": "gehouden"},
        MomentStaat.GEHOUDEN,
        False,
    ),
    (
        INSIDE,
        {"gepland_op": INSIDE - timedelta(days=30), "status": "geannuleerd"},
        MomentStaat.GEANNULEERD,
        False,
    ),
    (
        INSIDE,
        {"gepland_op": INSIDE - timedelta(days=30), "publish": True},
        MomentStaat.VERSLAG_GEPUBLICEERD,
        False,
    ),
    # Once the round is past, nothing is behind, and nothing is "gepland".
    (AFTER, {"gepland_op": INSIDE - timedelta(days=30)}, MomentStaat.DATUM_VOORBIJ, False),
    (AFTER, {}, MomentStaat.GEEN_DATUM, False),
]


@pytest.mark.parametrize(("now", "fields", "staat", "behind"), MOMENT_CASES)
def test_moment_state_and_behind_plan(time_machine, now, fields, staat, behind):
    time_machine.move_to(now)
    traject = _traject()
    workshop = traject.workshops.get(volgnummer=1)
    publish = fields.pop("publish", False)
    Workshop.objects.filter(pk=workshop.pk).update(**fields)
    workshop.refresh_from_db()
    if publish:
        factories.publish_report(workshop, "Verslag")
    progress = workshop.voortgang
    assert (progress.staat, progress.achter_op_planning) == (staat, behind)
    assert _reload(traject).voortgang.achter_op_planning == behind
    if now == AFTER:
        assert progress.label not in {"Gepland", "Nog geen datum"}


def test_grace_period_is_a_setting(time_machine, settings):
    time_machine.move_to(INSIDE)
    traject = _traject()
    Workshop.objects.filter(traject=traject, volgnummer=1).update(
        gepland_op=INSIDE - timedelta(days=5)
    )
    assert not _reload(traject).voortgang.achter_op_planning
    settings.BEHIND_PLAN_GRACE_DAYS = 3
    assert _reload(traject).voortgang.achter_op_planning


# (clock, workshop statuses 1-3, published report on 1?, stopped?, state, label, summary)
TRAJECT_CASES = [
    (
        INSIDE,
        ["gepland"] * 3,
        False,
        False,
        TrajectStaat.NIET_GESTART,
        "Niet gestart",
        "0 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
    (
        INSIDE,
        ["gehouden", "gepland", "gepland"],
        False,
        False,
        TrajectStaat.ONDERWEG,
        "Onderweg",
        "1 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
    (
        INSIDE,
        ["gehouden", "gehouden", "geannuleerd"],
        True,
        False,
        TrajectStaat.AFGEROND,
        "Afgerond",
        "2 van 2 workshops gehouden; 1 verslag gepubliceerd.",
    ),
    (
        INSIDE,
        ["gehouden", "gepland", "gepland"],
        False,
        True,
        TrajectStaat.GESTOPT,
        "Gestopt",
        "Gestopt: 1 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
    (
        AFTER,
        ["gepland"] * 3,
        False,
        False,
        TrajectStaat.GEEN_PUBLIEKE_INFORMATIE,
        "Geen publieke informatie",
        "Geen publieke informatie over dit traject.",
    ),
    (
        AFTER,
        ["gehouden", "gehouden", "gepland"],
        False,
        False,
        TrajectStaat.ONDERWEG,
        "Deels vastgelegd",
        "2 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
    (
        BEFORE,
        ["gepland"] * 3,
        False,
        False,
        TrajectStaat.NIET_GESTART,
        "Niet gestart",
        "0 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
]


@pytest.mark.parametrize(
    ("now", "statuses", "report", "gestopt", "staat", "label", "summary"), TRAJECT_CASES
)
def test_trajectory_state_label_and_summary(
    time_machine, now, statuses, report, gestopt, staat, label, summary
):
    time_machine.move_to(now)
    traject = _traject(gestopt=gestopt)
    for number, status in enumerate(statuses, start=1):
        Workshop.objects.filter(traject=traject, volgnummer=number).update(
            status=status, gepland_op=_at(2022, 11, 10 + number)
        )
    if report:
        factories.publish_report(traject.workshops.get(volgnummer=1), "Verslag")
    progress = _reload(traject).voortgang
    assert (progress.staat, progress.label, progress.samenvatting) == (staat, label, summary)


@pytest.mark.parametrize(
    ("now", "label", "summary"),
    [
        (INSIDE, "Nog niet ingevuld", "Het bestuur voor deze plaats is nog niet bekend."),
        (AFTER, "Nog niet ingevuld", "Welk bestuur deze plaats innam, is niet publiek bekend."),
    ],
)
def test_open_place_is_not_filled_and_never_behind(time_machine, now, label, summary):
    time_machine.move_to(now)
    traject = factories.make_traject(open_plaats="Nog te kiezen")
    factories.make_workshop(traject, volgnummer=1, gepland_op=_at(2022, 11, 20))
    progress = _reload(traject).voortgang
    assert (progress.staat, progress.label, progress.samenvatting) == (
        TrajectStaat.NIET_INGEVULD,
        label,
        summary,
    )
    assert not progress.achter_op_planning
    assert progress.volgende_stap is None


def test_next_step_is_the_first_planned_moment_and_none_once_the_round_is_over(time_machine):
    time_machine.move_to(_at(2022, 12, 1))
    traject = _traject()
    Workshop.objects.filter(traject=traject, volgnummer=1).update(
        status="gehouden", gepland_op=_at(2022, 11, 20)
    )
    Workshop.objects.filter(traject=traject, volgnummer=2).update(gepland_op=_at(2023, 3, 14))
    assert _reload(traject).voortgang.volgende_stap.volgnummer == 2
    factories.make_coachingsmoment(traject, gepland_op=_at(2023, 1, 10))
    assert _reload(traject).voortgang.volgende_stap.onderwerp == "Tussentijdse coaching"
    time_machine.move_to(AFTER)
    assert _reload(traject).voortgang.volgende_stap is None


def test_last_updated_is_the_latest_publication(time_machine):
    time_machine.move_to(_at(2023, 2, 1))
    traject = _traject()
    assert traject.voortgang.laatst_bijgewerkt is None
    factories.publish_report(traject.workshops.get(volgnummer=1), "Verslag")
    time_machine.move_to(_at(2023, 3, 1))
    factories.make_update(traject)
    assert _reload(traject).voortgang.laatst_bijgewerkt.date() == _at(2023, 3, 1).date()


def test_progress_derived_from_demo_content_carries_the_demo_mark(time_machine):
    time_machine.move_to(INSIDE)
    traject = _traject()
    assert not traject.voortgang.is_demo
    workshop = traject.workshops.get(volgnummer=1)
    factories.publish_report(workshop, "Verslag")
    assert not _reload(traject).voortgang.is_demo
    Workshop.objects.filter(pk=workshop.pk).update(is_demo=True)
    assert _reload(traject).voortgang.is_demo


@pytest.mark.parametrize(
    ("staat", "expected"),
    [
        ("niet_gestart", "planned"),
        ("onderweg", "running"),
    ],
)
def test_status_filter_uses_the_derived_state(client, time_machine, staat, expected):
    time_machine.move_to(INSIDE)
    trajecten = {"running": _traject(), "planned": _traject()}
    Workshop.objects.filter(traject=trajecten["running"], volgnummer=1).update(
        status=Workshop.Status.GEHOUDEN
    )
    response = client.get("/trajecten/", {"status": staat})
    assert list(response.context["trajecten"]) == [trajecten[expected].pk]


def test_moments_follow_a_new_prefetch_and_unprefetched_reads(
    time_machine, django_assert_num_queries
):
    # A card reads the moments several times: with a prefetch that costs no query; a fresh
    # prefetch or an instance without one must still see every change.
    time_machine.move_to(_at(2022, 12, 1))
    traject = _traject()
    prefetch_related_objects([traject], "workshops", "coachingsmomenten")
    with django_assert_num_queries(0):
        for _ in range(3):
            assert [m.volgnummer for m in traject.momenten] == [1, 2, 3]
    factories.make_workshop(traject, volgnummer=4)
    traject.refresh_from_db()
    prefetch_related_objects([traject], "workshops", "coachingsmomenten")
    assert [m.volgnummer for m in traject.momenten] == [1, 2, 3, 4]
    assert traject.voortgang.workshops_totaal == 4
    plain = Traject.objects.get(pk=traject.pk)
    factories.make_workshop(plain, volgnummer=5)
    assert [m.volgnummer for m in plain.momenten] == [1, 2, 3, 4, 5]
