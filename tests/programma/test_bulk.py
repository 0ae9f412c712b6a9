"""The one data multiplier: copies for the benchmarks (shared besturen, published activity) and
for the query-count tests (own besturen, activity in every state with a secret marker)."""

from io import StringIO

import pytest
from django.core.management import call_command

from besturen.models import Bestuur
from programma.bulk import SECRET, load_bulk, remove_bulk
from trajecten.models import Deelname, Traject
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _copies():
    return Traject.objects.filter(slug__contains="-bulk-")


def test_benchmark_copies_share_the_besturen_and_are_published(programme):
    originals, besturen = Traject.objects.count(), Bestuur.objects.count()
    assert load_bulk(scale=3) == 2 * originals
    assert Traject.objects.count() == 3 * originals
    assert Bestuur.objects.count() == besturen
    halle = Traject.objects.get(slug="strategie-halle")
    copy = Traject.objects.get(slug="strategie-halle-bulk-2")
    assert copy.titel == f"{halle.titel} (kopie 2)"
    assert set(copy.deelnames.values_list("bestuur", "rol")) == set(
        halle.deelnames.values_list("bestuur", "rol")
    )
    assert copy.workshops.filter(gepubliceerd=True).count() == 2
    assert not Workshop.objects.filter(traject__in=_copies(), interne_notities__contains=SECRET)


def test_a_second_call_adds_only_what_is_missing_and_remove_takes_all_away(programme):
    originals = Traject.objects.count()
    load_bulk(scale=2)
    assert load_bulk(scale=2) == 0
    assert load_bulk(scale=3) == originals
    assert remove_bulk() > 0
    assert Traject.objects.count() == originals
    assert remove_bulk() == 0


def test_test_copies_have_own_besturen_and_every_state(programme):
    originals, besturen = Traject.objects.count(), Bestuur.objects.count()
    load_bulk(scale=3, own_besturen=True, every_state=True)
    copy = Traject.objects.get(slug="strategie-halle-bulk-1")
    copied = Bestuur.objects.filter(slug__contains="-bulk-")
    assert Bestuur.objects.count() == besturen + copied.count() > besturen
    assert not Deelname.objects.filter(traject__in=_copies()).exclude(bestuur__in=copied)
    assert {d.bestuur.slug for d in copy.deelnames.select_related("bestuur")} == {
        f"{d.bestuur.slug}-bulk-1"
        for d in Traject.objects.get(slug="strategie-halle").deelnames.select_related("bestuur")
    }
    for intercommunale in copied.filter(soort=Bestuur.Soort.INTERCOMMUNALE):
        assert intercommunale.leden.exists()
    states = set(copy.workshops.values_list("status", "gepubliceerd"))
    assert (Workshop.Status.GEHOUDEN, True) in states
    assert (Workshop.Status.GEHOUDEN, False) in states
    assert {Workshop.Status.GEPLAND, Workshop.Status.GEANNULEERD} <= {s for s, _ in states}
    assert copy.workshops.filter(interne_notities__contains=SECRET).exists()
    assert copy.updates.filter(gepubliceerd=False, titel__contains=SECRET).exists()
    remove_bulk()
    assert (Traject.objects.count(), Bestuur.objects.count()) == (originals, besturen)


def test_command_reports_what_it_did(programme):
    out, err = StringIO(), StringIO()
    call_command("load_bulk", "--schaal", "2", stdout=out)
    assert out.getvalue() == f"{Traject.objects.count() // 2} kopieën van trajecten toegevoegd.\n"
    call_command("load_bulk", "--schaal", "0", stdout=out, stderr=err)
    assert err.getvalue() == "--schaal moet minstens 1 zijn.\n"
    out = StringIO()
    call_command("load_bulk", "--verwijder", stdout=out)
    assert out.getvalue().endswith(" rijen verwijderd.\n")
    assert not _copies().exists()
