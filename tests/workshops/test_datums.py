"""Dates that make sense: held or published only with a date; outside the period only on purpose."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from coach.forms import CoachingsmomentForm, WorkshopForm
from tests import factories
from workshops.datums import out_of_order
from workshops.models import Workshop
from workshops.services import ReportError, moment_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def traject(db):
    return factories.make_traject(besturen=[factories.make_bestuur()])


@pytest.mark.parametrize(
    ("datum", "confirmed", "valid"),
    [
        ("2023-02-14", False, True),  # inside the planned period
        ("2027-02-14", False, False),  # a typing mistake is not accepted silently
        ("2027-02-14", True, True),  # unless it is confirmed on purpose
        ("2021-05-01", False, False),
        ("", False, True),  # no date yet is fine for a planned moment
    ],
)
def test_a_date_outside_the_period_needs_a_confirmation(traject, datum, confirmed, valid):
    data = {"volgnummer": 4, "titel": "Extra", "datum": datum, "uur": "14:00" if datum else ""}
    if confirmed:
        data["datum_buiten_periode"] = "on"
    form = WorkshopForm(data, traject=traject)
    assert form.is_valid() == valid, form.errors
    if not valid:
        assert "buiten de geplande periode" in str(form.errors["datum"])


def test_a_held_moment_needs_a_date(traject):
    moment = factories.make_coachingsmoment(traject, gepland_op=None, status="gehouden")
    form = CoachingsmomentForm(
        {"onderwerp": "Overleg", "vorm": "online", "datum": ""}, instance=moment, traject=traject
    )
    assert not form.is_valid()
    assert "heeft een datum" in str(form.errors["datum"])


def test_a_report_without_a_date_is_not_published(traject, coach):
    workshop = factories.make_workshop(traject, verslag="Een verslag.")
    with pytest.raises(ReportError, match="datum"):
        moment_publish(moment=workshop, by=coach, base_versie=workshop.versie)
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd


@pytest.mark.parametrize(
    ("fields", "confirmed", "error"),
    [
        ({"status": "gehouden", "gepland_op_0": "", "gepland_op_1": ""}, False, "datum"),
        ({"gepubliceerd": "on", "gepland_op_0": "", "gepland_op_1": ""}, False, "datum"),
        ({"gepland_op_0": "2027-01-10", "gepland_op_1": "14:00"}, False, "buiten"),
        ({"gepland_op_0": "2027-01-10", "gepland_op_1": "14:00"}, True, None),
    ],
)
def test_admin_applies_the_same_date_rules(traject, manager, client, fields, confirmed, error):
    client.force_login(manager)
    workshop = factories.make_workshop(traject, volgnummer=1)
    data = {
        "traject": traject.pk,
        "volgnummer": 1,
        "titel": "Workshop 1",
        "thema": "",
        "plaats": "",
        "status": "gepland",
        "verslag": "Verslag",
        "aanwezigen": "",
        "beslissingen": "",
        "volgende_stappen": "",
        "interne_notities": "",
        "bijlagen-TOTAL_FORMS": 0,
        "bijlagen-INITIAL_FORMS": 0,
        **fields,
    }
    if confirmed:
        data["datum_buiten_periode"] = "on"
    response = client.post(reverse("admin:workshops_workshop_change", args=[workshop.pk]), data)
    if error is None:
        assert response.status_code == 302
        workshop.refresh_from_db()
        assert workshop.gepland_op.year == 2027
    else:
        assert response.status_code == 200
        assert error in response.content.decode()
        assert Workshop.objects.get(pk=workshop.pk).gepland_op is None


def test_a_past_date_without_record_reads_date_passed_inside_the_round(traject, time_machine):
    time_machine.move_to(datetime(2023, 3, 1, tzinfo=UTC))
    workshop = factories.make_workshop(traject, gepland_op=datetime(2023, 2, 20, tzinfo=UTC))
    assert workshop.voortgang.label == "Datum voorbij, geen verslag"


def test_a_workshop_does_not_fall_before_the_one_it_follows(traject):
    first = factories.make_workshop(
        traject, volgnummer=1, gepland_op=datetime(2023, 3, 1, tzinfo=UTC)
    )
    second = factories.make_workshop(traject, volgnummer=2)
    third = factories.make_workshop(
        traject, volgnummer=3, gepland_op=datetime(2023, 5, 1, tzinfo=UTC)
    )
    assert out_of_order(second, 2, datetime(2023, 4, 1, tzinfo=UTC)) is None
    assert out_of_order(second, 2, datetime(2023, 2, 1, tzinfo=UTC)) == (
        "Workshop 1 valt later; de volgorde klopt niet."
    )
    assert out_of_order(second, 2, datetime(2023, 6, 1, tzinfo=UTC)) == (
        "Workshop 3 valt vroeger; de volgorde klopt niet."
    )
    # A workshop is not compared with itself.
    assert out_of_order(first, 1, datetime(2023, 4, 30, tzinfo=UTC)) is None
    assert third.volgnummer == 3
