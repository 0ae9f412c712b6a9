"""Coach names in public: Möbius, and a coach's own name only when that coach opted in."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories
from trajecten.models import CoachProfiel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first_name", "profile", "shown"),
    [
        ("", None, "Möbius"),  # never the login name
        ("An", None, "Möbius"),  # a full name alone is not consent
        ("An", {"naam_tonen": False}, "Möbius"),
        ("An", {"naam_tonen": True}, "Möbius: An Peeters"),
        ("An", {"naam_tonen": True, "publieke_naam": "An P."}, "Möbius: An P."),
        ("", {"naam_tonen": True}, "Möbius"),  # opted in without a name: still no login name
    ],
)
def test_public_outputs_name_a_coach_only_when_opted_in(client, first_name, profile, shown):
    traject = factories.make_traject(besturen=[factories.make_bestuur()])
    coach = factories.make_coach("an.login", traject)
    User.objects.filter(pk=coach.pk).update(
        first_name=first_name, last_name="Peeters" if first_name else ""
    )
    if profile is not None:
        CoachProfiel.objects.create(user=coach, **profile)
    page = client.get(traject.get_absolute_url()).content.decode()
    assert f"<dd>{shown}</dd>" in page
    assert "an.login" not in page
    rows = csv.DictReader(
        io.StringIO(
            client.get(reverse("portaal:open_data_csv", args=["trajecten"])).content.decode()
        )
    )
    assert next(r for r in rows if r["slug"] == traject.slug)["coaching"] == shown
    feed = client.get(reverse("volgen:traject_atom", args=[traject.slug])).content.decode()
    assert "an.login" not in feed and "Peeters" not in feed


def test_open_data_page_states_the_policy(client):
    page = client.get(reverse("portaal:open_data")).content.decode()
    assert "Möbius" in page and "zelf voor koos" in page
