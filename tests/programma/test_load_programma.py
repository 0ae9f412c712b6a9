"""The programme loader creates exactly the facts of facts.md, and a second run changes nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from besturen.models import Bestuur, Lidmaatschap
from trajecten.models import (
    Actiedomein,
    Beleidsinstrument,
    Deelname,
    KpiDefinitie,
    Ondersteuningsmodule,
    Ronde,
    Traject,
)
from workshops.models import SjabloonWorkshop, Workshop

pytestmark = pytest.mark.django_db

PARTICIPANTS = {
    # slug: (naam, soort, NIS code)
    "halle": ("Stad Halle", "stad", "23027"),
    "turnhout": ("Stad Turnhout", "stad", "13040"),
    "roeselare": ("Stad Roeselare", "stad", "36015"),
    "oostende": ("Stad Oostende", "stad", "35013"),
    "economisch-huis-oostende": ("Economisch Huis Oostende", "andere", ""),
    "imog": ("Imog", "intercommunale", ""),
    "kortrijk": ("Stad Kortrijk", "stad", "34022"),
    "sint-niklaas": ("Stad Sint-Niklaas", "stad", "46021"),
    "temse": ("Lokaal bestuur Temse", "gemeente", "46025"),
    "intradura": ("Intradura", "intercommunale", ""),
}
TRAJECTS = {
    "strategie-halle": ("strategie", ["halle"], date(2023, 6, 30)),
    "strategie-turnhout": ("strategie", ["turnhout"], date(2023, 6, 30)),
    "strategie-roeselare": ("strategie", ["roeselare"], date(2023, 6, 30)),
    "strategie-oostende": (
        "strategie",
        ["economisch-huis-oostende", "oostende"],
        date(2023, 6, 30),
    ),
    "strategie-imog": ("strategie", ["imog"], date(2023, 6, 30)),
    "strategie-zesde-plaats": ("strategie", [], date(2023, 6, 30)),
    "pilootproject-deelfabriek-kortrijk": ("pilootproject", ["kortrijk"], date(2023, 4, 30)),
    "pilootproject-kenniscentrum-waasland": (
        "pilootproject",
        ["sint-niklaas", "temse"],
        date(2023, 4, 30),
    ),
    "pilootproject-zero-waste-intradura": ("pilootproject", ["intradura"], date(2023, 4, 30)),
}
IMOG_MEMBERS = {
    "34002", "34003", "34009", "34013", "34022", "34023", "45068", "34043", "34040", "37017",
    "34042",
}  # fmt: skip
INTRADURA_MEMBERS = {
    "23002", "23003", "23009", "23016", "23098", "23024", "23025", "23027", "23032", "23039",
    "23104", "23100", "23052", "23060", "23064", "23097", "23077", "23086", "23102",
}  # fmt: skip


def test_it_creates_the_participants_with_their_nis_codes(programme):
    for slug, (naam, soort, nis) in PARTICIPANTS.items():
        bestuur = Bestuur.objects.get(slug=slug)
        assert (bestuur.naam, bestuur.soort, bestuur.nis_code) == (naam, soort, nis)
        assert bestuur.has_location


def test_it_creates_the_trajectories_with_participants_and_periods(programme):
    assert set(Traject.objects.values_list("slug", flat=True)) == set(TRAJECTS)
    for slug, (soort, besturen, einde) in TRAJECTS.items():
        traject = Traject.objects.get(slug=slug)
        assert traject.soort == soort
        assert traject.gepland_start == date(2022, 11, 1)
        assert traject.gepland_einde == einde
        leads_first = list(Deelname.objects.filter(traject=traject).lead_first())
        assert [d.bestuur.slug for d in leads_first] == besturen
    ronde = Ronde.objects.get()
    assert (ronde.start, ronde.einde) == (date(2022, 11, 1), date(2023, 6, 30))


def test_the_sixth_strategy_place_is_open_and_unknown_besturen_get_no_track(programme):
    open_place = Traject.objects.get(slug="strategie-zesde-plaats")
    assert not open_place.besturen.exists()
    assert open_place.open_plaats
    for slug in ("kampenhout", "hasselt"):
        bestuur = Bestuur.objects.get(slug=slug)
        assert not bestuur.deelnames.exists()
        assert Ronde.objects.get().extra_besturen.filter(pk=bestuur.pk).exists()


def test_it_creates_the_member_municipalities_of_both_intercommunales(programme):
    imog = set(
        Lidmaatschap.objects.filter(intercommunale__slug="imog").values_list(
            "lid__nis_code", flat=True
        )
    )
    intradura = Lidmaatschap.objects.filter(intercommunale__slug="intradura")
    assert imog == IMOG_MEMBERS
    assert set(intradura.values_list("lid__nis_code", flat=True)) == INTRADURA_MEMBERS
    # The 2017 list is not verified as current; the data says so.
    assert not intradura.filter(geverifieerd=True).exists()
    # Kortrijk and Halle are participants and members at the same time.
    assert Bestuur.objects.get(slug="kortrijk").lid_van.get().intercommunale.slug == "imog"
    assert Bestuur.objects.get(slug="halle").lid_van.get().intercommunale.slug == "intradura"


def test_it_plans_three_workshops_per_trajectory_from_the_track_template(programme):
    assert SjabloonWorkshop.objects.count() == 6
    for traject in Traject.objects.all():
        workshops = list(traject.workshops.order_by("volgnummer"))
        template = SjabloonWorkshop.objects.filter(soort=traject.soort).order_by("volgnummer")
        assert [w.volgnummer for w in workshops] == [1, 2, 3]
        assert [w.titel for w in workshops] == [t.titel for t in template]
        assert all(w.status == Workshop.Status.GEPLAND and not w.gepubliceerd for w in workshops)


def test_it_loads_the_reference_lists(programme):
    assert Actiedomein.objects.count() == 12
    assert Beleidsinstrument.objects.count() == 10
    assert list(Ondersteuningsmodule.objects.values_list("naam", flat=True)) == [
        "Businessmodel",
        "Projectplan",
        "Partners en partnerschappen",
        "Business case en financieel plan",
        "Communicatieplan",
        "KPI's en monitoring",
    ]
    assert KpiDefinitie.objects.count() == 11
    assert KpiDefinitie.objects.get(slug="huishoudelijk-restafval").eenheid == (
        "kg per inwoner per jaar"
    )


def _snapshot():
    models = [Bestuur, Lidmaatschap, Traject, Deelname, Workshop, Actiedomein, KpiDefinitie]
    rows = {m.__name__: sorted(map(str, m.objects.values())) for m in models}
    rows["history"] = Traject.history.count() + Workshop.history.count()
    return rows


def test_running_it_twice_changes_nothing(programme, capsys):
    before = _snapshot()
    call_command("load_programma")
    assert "Niets gewijzigd" in capsys.readouterr().out
    assert _snapshot() == before


def test_it_keeps_what_a_coach_planned(programme):
    workshop = Workshop.objects.get(traject__slug="strategie-halle", volgnummer=1)
    workshop.plaats = "Stadhuis"
    workshop.save()
    call_command("load_programma", verbosity=0)
    workshop.refresh_from_db()
    assert workshop.plaats == "Stadhuis"


def test_a_missing_data_file_is_a_clear_error(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("load_programma", bestand=tmp_path / "nope.toml")
