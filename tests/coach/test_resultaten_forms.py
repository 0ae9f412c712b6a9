"""Every results form: valid input saves (with history) and goes public with published content;
invalid input re-renders with a Dutch error and saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coach import forms_resultaten
from coach.views import resultaten as views_resultaten
from tests import factories
from tests.coach.resultaten_data import count_results, fill_pilot_results, fill_strategy_results
from trajecten import services
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
)


@pytest.fixture
def refs(db):
    return {
        "domein": Actiedomein.objects.create(naam="Circulair bouwen", slug="circulair-bouwen"),
        "domein2": Actiedomein.objects.create(naam="Textiel", slug="textiel"),
        "instrument": Beleidsinstrument.objects.create(
            naam="Circulair aankopen", slug="circulair-aankopen"
        ),
        "module": Ondersteuningsmodule.objects.create(naam="Businessmodel", slug="businessmodel"),
        "module2": Ondersteuningsmodule.objects.create(naam="Partners", slug="partners"),
        "kpidef": KpiDefinitie.objects.create(
            naam="Huishoudelijk restafval", slug="restafval", eenheid="kg per inwoner per jaar"
        ),
    }


@pytest.fixture
def strategie(db):
    return factories.make_traject(soort=Traject.Soort.STRATEGIE, titel="Strategie Halle")


@pytest.fixture
def pilot(db):
    return factories.make_traject(soort=Traject.Soort.PILOOTPROJECT, titel="Deelfabriek")


@pytest.fixture
def logged_in(client, strategie, pilot):
    user = factories.make_coach("resultaatcoach", strategie, pilot)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def kpi(pilot):
    return Kpi.objects.create(traject=pilot, naam="Bezoekers", eenheid="per jaar")


def _valid(key, refs, pilot):
    """A valid POST for each form, and a text that must appear on the public page."""
    return {
        "initiatief": (
            {
                "naam": "Repaircafé De Schakel",
                "actiedomein": refs["domein"].pk,
                "eigenaar": "Dienst Milieu",
                "status": "lopend",
            },
            "Repaircafé De Schakel",
        ),
        "beleidsactie": (
            {
                "titel": "Hergebruik in bestekken",
                "omschrijving": "Eerste verkenning.",
                "actiedomein": refs["domein"].pk,
                "beleidsinstrument": refs["instrument"].pk,
            },
            "Hergebruik in bestekken",
        ),
        "pilotkandidaat": (
            {
                "naam": "Materialenbank",
                "omschrijving": "Bouwmaterialen hergebruiken.",
                "stakeholders": "Aannemers, kringwinkel",
                "vervolgtraject": pilot.pk,
            },
            "Materialenbank",
        ),
        "module": (
            {"module": refs["module"].pk, "status": "bezig", "resultaat": "Canvas ingevuld"},
            "Canvas ingevuld",
        ),
        "partner": (
            {"naam": "Kringwinkel Zuid", "rol": "Logistiek", "status": "aan_boord"},
            "Kringwinkel Zuid",
        ),
        "kpi": (
            {
                "definitie": refs["kpidef"].pk,
                "naam": "",
                "eenheid": "",
                "nulwaarde": "131,5",
                "streefwaarde": "97",
            },
            "Huishoudelijk restafval",
        ),
    }[key]


FORM_KEYS = ["initiatief", "beleidsactie", "pilotkandidaat", "module", "partner", "kpi"]


@pytest.mark.parametrize("key", FORM_KEYS)
def test_valid_result_is_saved_with_history_and_public_after_publishing(
    logged_in, refs, strategie, pilot, key
):
    onderdeel = views_resultaten.ONDERDELEN[key]
    traject = strategie if onderdeel.soort == Traject.Soort.STRATEGIE else pilot
    data, shown = _valid(key, refs, pilot)
    url = reverse(f"coach:resultaten_{key}_nieuw", args=[traject.slug])

    response = logged_in.post(url, data, follow=True)

    assert response.redirect_chain[-1][0].startswith(
        reverse("coach:resultaten", args=[traject.slug])
    )
    assert onderdeel.added in response.text
    item = getattr(traject, onderdeel.relation).get()
    record = item.history.get()
    assert record.history_type == "+"
    assert record.history_user == logged_in.user
    assert shown in response.text  # the coach's overview shows it at once

    public = traject.get_absolute_url()
    assert shown not in logged_in.get(public).text  # nothing published yet
    factories.make_update(traject)
    assert shown not in logged_in.get(public).text  # a new result is a concept
    assert "Concept" in logged_in.get(reverse("coach:resultaten", args=[traject.slug])).text
    publish = reverse(f"coach:resultaten_{key}_publicatie", args=[traject.slug, item.pk])
    response = logged_in.post(publish, {"versie": item.versie, "actie": "publiceren"})
    assert response.status_code == 302
    assert shown in logged_in.get(public).text


def test_kpi_from_catalogue_takes_name_and_unit(logged_in, refs, pilot):
    data, _ = _valid("kpi", refs, pilot)
    logged_in.post(reverse("coach:resultaten_kpi_nieuw", args=[pilot.slug]), data)
    kpi = pilot.kpis.get()
    assert (kpi.naam, kpi.eenheid, kpi.definitie) == (
        "Huishoudelijk restafval",
        "kg per inwoner per jaar",
        refs["kpidef"],
    )
    assert kpi.nulwaarde == Decimal("131.5")


def test_custom_kpi(logged_in, pilot):
    data = {"naam": "Uitleningen", "eenheid": "per maand", "nulwaarde": "-3", "streefwaarde": ""}
    response = logged_in.post(reverse("coach:resultaten_kpi_nieuw", args=[pilot.slug]), data)
    assert response.status_code == 302
    kpi = pilot.kpis.get()
    assert (kpi.naam, kpi.definitie, kpi.nulwaarde, kpi.streefwaarde) == (
        "Uitleningen",
        None,
        Decimal("-3"),
        None,
    )


def test_kpi_form_prefills_from_the_catalogue_link(logged_in, refs, pilot):
    url = reverse("coach:resultaten_kpi_nieuw", args=[pilot.slug])
    response = logged_in.get(url, {"definitie": refs["kpidef"].pk})
    assert response.status_code == 200
    assert response.context["form"].initial["naam"] == "Huishoudelijk restafval"
    assert 'value="kg per inwoner per jaar"' in response.text
    for junk in ["abc", "999999", "-1", "1e5"]:
        response = logged_in.get(url, {"definitie": junk})
        assert response.status_code == 200
        assert not response.context["form"].initial


def test_priorities_are_saved_as_one_history_record(logged_in, refs, strategie):
    url = reverse("coach:resultaten_prioriteiten", args=[strategie.slug])
    data = {
        "versie": strategie.versie,
        "actiedomeinen": [refs["domein"].pk, refs["domein2"].pk],
        "beleidsinstrumenten": [refs["instrument"].pk],
    }
    before = strategie.history.count()
    response = logged_in.post(url, data, follow=True)
    assert "De prioriteiten zijn bewaard." in response.text
    assert set(strategie.prioritaire_actiedomeinen.all()) == {refs["domein"], refs["domein2"]}
    assert list(strategie.beleidsinstrumenten.all()) == [refs["instrument"]]
    assert strategie.history.count() == before + 1
    record = strategie.history.first()
    assert record.history_user == logged_in.user
    assert {r.actiedomein_id for r in record.prioritaire_actiedomeinen.all()} == {
        refs["domein"].pk,
        refs["domein2"].pk,
    }
    # The same choice again (from the page as it is now) changes nothing and records nothing.
    data["versie"] += 1
    response = logged_in.post(url, data, follow=True)
    assert "Er was niets gewijzigd." in response.text
    assert strategie.history.count() == before + 1
    # The form shows the current choice.
    assert logged_in.get(url).context["form"].initial["actiedomeinen"].count() == 2

    public = logged_in.get(strategie.get_absolute_url()).text
    assert "Circulair aankopen" not in public
    factories.publish_report(factories.make_workshop(strategie), "Verslag van workshop 1.")
    public = logged_in.get(strategie.get_absolute_url()).text
    assert "Circulair bouwen" in public and "Circulair aankopen" in public

    # Unticking everything clears the lists.
    logged_in.post(url, {"versie": data["versie"]})
    assert not strategie.prioritaire_actiedomeinen.exists()


def test_measurement_is_saved_and_the_latest_shows_publicly(logged_in, pilot, kpi):
    url = reverse("coach:resultaten_meting_nieuw", args=[pilot.slug, kpi.pk])
    for datum, waarde in [("2023-01-10", "12,5"), ("2023-03-01", "1234,75"), ("2023-02-01", "7")]:
        response = logged_in.post(url, {"datum": datum, "waarde": waarde})
        assert response.status_code == 302
        assert response.url.endswith(f"#kpi-{kpi.pk}")
    assert kpi.metingen.count() == 3
    assert all(m.history.get().history_user == logged_in.user for m in kpi.metingen.all())
    factories.make_update(pilot)
    assert "1.234,75" not in logged_in.get(pilot.get_absolute_url()).text  # still concepts
    # Publishing a workshop report of the pilot publishes the results it produced with it.
    workshop = factories.make_workshop(
        pilot, gepland_op=timezone.now() - timedelta(days=1), verslag="Het verloop."
    )
    publish = reverse("coach:workshop_uitkomst_publicatie", args=[pilot.slug, workshop.pk])
    data = {"versie": workshop.versie, "actie": "publiceren"}
    assert logged_in.post(publish, data).status_code == 302
    kpi.refresh_from_db()
    assert kpi.gepubliceerd and kpi.gepubliceerd_op is not None
    assert not kpi.metingen.filter(gepubliceerd=False).exists()
    public = logged_in.get(pilot.get_absolute_url()).text
    assert "1.234,75" in public  # the latest by date, not the last entered


@pytest.mark.parametrize(
    ("key", "change", "field"),
    [
        ("initiatief", {"naam": ""}, "naam"),
        ("initiatief", {"naam": "   "}, "naam"),
        ("initiatief", {"naam": "x" * 201}, "naam"),
        ("initiatief", {"naam": "nul\x00byte"}, "naam"),
        ("initiatief", {"eigenaar": "x" * 201}, "eigenaar"),
        ("initiatief", {"actiedomein": "999999"}, "actiedomein"),
        ("initiatief", {"actiedomein": "abc"}, "actiedomein"),
        ("initiatief", {"status": "misschien"}, "status"),
        ("beleidsactie", {"titel": ""}, "titel"),
        ("beleidsactie", {"omschrijving": "x" * 5001}, "omschrijving"),
        ("beleidsactie", {"beleidsinstrument": "999999"}, "beleidsinstrument"),
        ("beleidsactie", {"actiedomein": "1.5"}, "actiedomein"),
        ("pilotkandidaat", {"naam": ""}, "naam"),
        ("pilotkandidaat", {"stakeholders": "x" * 5001}, "stakeholders"),
        ("pilotkandidaat", {"vervolgtraject": "999999"}, "vervolgtraject"),
        ("pilotkandidaat", {"vervolgtraject": "STRATEGY"}, "vervolgtraject"),
        ("module", {"module": ""}, "module"),
        ("module", {"module": "999999"}, "module"),
        ("module", {"status": "klaar"}, "status"),
        ("module", {"resultaat": "x" * 5001}, "resultaat"),
        ("partner", {"naam": ""}, "naam"),
        ("partner", {"rol": "x" * 201}, "rol"),
        ("partner", {"status": "aan boord"}, "status"),
        ("kpi", {"definitie": "", "naam": ""}, "naam"),
        ("kpi", {"definitie": "", "naam": "Eigen", "eenheid": ""}, "eenheid"),
        ("kpi", {"definitie": "999999"}, "definitie"),
        ("kpi", {"nulwaarde": "veel"}, "nulwaarde"),
        ("kpi", {"nulwaarde": "NaN"}, "nulwaarde"),
        ("kpi", {"streefwaarde": "Infinity"}, "streefwaarde"),
        ("kpi", {"streefwaarde": "1e20"}, "streefwaarde"),
        ("kpi", {"nulwaarde": "1000000000000000"}, "nulwaarde"),
        ("kpi", {"nulwaarde": "1,234"}, "nulwaarde"),
        ("kpi", {"naam": "x" * 201}, "naam"),
    ],
)
def test_invalid_result_is_refused_and_nothing_saved(
    logged_in, refs, strategie, pilot, key, change, field
):
    onderdeel = views_resultaten.ONDERDELEN[key]
    traject = strategie if onderdeel.soort == Traject.Soort.STRATEGIE else pilot
    data, _ = _valid(key, refs, pilot)
    data = {**data, **change}
    if data.get("vervolgtraject") == "STRATEGY":  # a trajectory that is not a pilot
        data["vervolgtraject"] = strategie.pk
    before = count_results()

    response = logged_in.post(reverse(f"coach:resultaten_{key}_nieuw", args=[traject.slug]), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.text  # crispy shows the error at the field
    assert count_results() == before


def test_a_module_is_chosen_only_once(logged_in, refs, pilot):
    GekozenModule.objects.create(traject=pilot, module=refs["module"])
    before = count_results()
    response = logged_in.post(
        reverse("coach:resultaten_module_nieuw", args=[pilot.slug]),
        {"module": refs["module"].pk, "status": "gekozen"},
    )
    assert response.status_code == 400
    assert "al gekozen voor dit traject" in response.text
    assert count_results() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"datum": ""}, "Dit veld is verplicht."),
        ({"datum": "31-02-2023"}, "Voer een geldige datum in."),
        ({"datum": "morgen"}, "Voer een geldige datum in."),
        ({"datum": "1999-12-31"}, "tikfout"),
        ({"datum": "FUTURE"}, "niet in de toekomst"),
        ({"datum": "DUPLICATE"}, "Er is al een meting op 01-02-2023"),
        ({"waarde": ""}, "Dit veld is verplicht."),
        ({"waarde": "-"}, "Voer een getal in."),
        ({"waarde": "10000000000000"}, "niet meer dan 12 cijfers voor de komma"),
        ({"waarde": "12,345"}, "niet meer dan 2 cijfers achter de komma"),
        ({"toelichting": "x" * 301}, "niet meer dan 300 tekens"),
    ],
)
def test_invalid_measurement_is_refused(logged_in, pilot, kpi, change, message):
    Meting.objects.create(kpi=kpi, datum=date(2023, 2, 1), waarde=5)
    data = {"datum": "2023-03-01", "waarde": "10", "toelichting": "", **change}
    if data["datum"] == "FUTURE":
        data["datum"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    if data["datum"] == "DUPLICATE":
        data["datum"] = "2023-02-01"
    before = count_results()
    url = reverse("coach:resultaten_meting_nieuw", args=[pilot.slug, kpi.pk])
    response = logged_in.post(url, data)
    assert response.status_code == 400
    assert message in response.text
    assert count_results() == before


@pytest.mark.parametrize(
    "data",
    [
        {"actiedomeinen": ["999999"]},
        {"actiedomeinen": ["abc"]},
        {"beleidsinstrumenten": ["-1"]},
        {"beleidsinstrumenten": ["1e3"]},
    ],
)
def test_invalid_priorities_are_refused(logged_in, refs, strategie, data):
    strategie.prioritaire_actiedomeinen.add(refs["domein"])
    before = count_results()
    url = reverse("coach:resultaten_prioriteiten", args=[strategie.slug])
    response = logged_in.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert count_results() == before
    assert list(strategie.prioritaire_actiedomeinen.all()) == [refs["domein"]]


def test_edit_keeps_history_and_invalid_edit_loses_nothing(logged_in, refs, strategie):
    item = LopendInitiatief.objects.create(traject=strategie, naam="Repaircafé")
    url = reverse("coach:resultaten_initiatief_bewerken", args=[strategie.slug, item.pk])
    assert logged_in.get(url).context["form"].initial["naam"] == "Repaircafé"

    response = logged_in.post(
        url, {"versie": 1, "naam": "Repaircafé Centrum", "status": "afgerond"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.naam, item.status) == ("Repaircafé Centrum", "afgerond")
    assert item.history.first().history_type == "~"
    assert item.history.first().history_user == logged_in.user

    response = logged_in.post(url, {"versie": 2, "naam": "", "status": "lopend"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.naam, item.status) == ("Repaircafé Centrum", "afgerond")


def test_editing_a_measurement_keeps_its_own_date_but_not_anothers(logged_in, pilot, kpi):
    first = Meting.objects.create(kpi=kpi, datum=date(2023, 1, 1), waarde=1)
    second = Meting.objects.create(kpi=kpi, datum=date(2023, 2, 1), waarde=2)
    url = reverse("coach:resultaten_meting_bewerken", args=[pilot.slug, kpi.pk, second.pk])
    data = {"versie": 1, "datum": "2023-02-01", "waarde": "3"}
    assert logged_in.post(url, data).status_code == 302
    second.refresh_from_db()
    assert second.waarde == 3
    response = logged_in.post(url, {"versie": 2, "datum": "2023-01-01", "waarde": "4"})
    assert response.status_code == 400
    assert "Er is al een meting op 01-01-2023" in response.text
    second.refresh_from_db()
    assert (second.datum, second.waarde, first.waarde) == (date(2023, 2, 1), 3, 1)


def test_editing_a_module_keeps_its_own_choice(logged_in, refs, pilot):
    gekozen = GekozenModule.objects.create(traject=pilot, module=refs["module"])
    url = reverse("coach:resultaten_module_bewerken", args=[pilot.slug, gekozen.pk])
    data = {"versie": 1, "module": refs["module"].pk, "status": "afgerond", "resultaat": "Klaar"}
    assert logged_in.post(url, data).status_code == 302
    gekozen.refresh_from_db()
    assert gekozen.status == "afgerond"


@pytest.mark.parametrize(
    ("key", "model"),
    [
        ("initiatief", LopendInitiatief),
        ("beleidsactie", Beleidsactie),
        ("pilotkandidaat", Pilotkandidaat),
        ("module", GekozenModule),
        ("partner", Partner),
    ],
)
def test_delete_asks_first_then_deletes_with_history(logged_in, strategie, pilot, key, model):
    from tests.url_catalogue import make_result

    traject = strategie if model in services.RESULTS_BY_SOORT["strategie"] else pilot
    item = make_result(key, traject)
    url = reverse(f"coach:resultaten_{key}_verwijderen", args=[traject.slug, item.pk])

    response = logged_in.get(url)
    assert response.status_code == 200
    assert "Ja, verwijderen" in response.text
    assert model.objects.filter(pk=item.pk).exists()

    response = logged_in.post(url, follow=True)
    assert "verwijderd" in response.text
    assert not model.objects.filter(pk=item.pk).exists()
    record = model.history.filter(id=item.pk).first()
    assert (record.history_type, record.history_user) == ("-", logged_in.user)


def test_deleting_a_kpi_takes_its_measurements_with_history(logged_in, pilot, kpi):
    for day in (1, 2, 3):
        Meting.objects.create(kpi=kpi, datum=date(2023, 1, day), waarde=day)
    url = reverse("coach:resultaten_kpi_verwijderen", args=[pilot.slug, kpi.pk])
    assert "Ook de 3 metingen" in logged_in.get(url).text
    assert logged_in.post(url).status_code == 302
    assert not Kpi.objects.exists() and not Meting.objects.exists()
    deletions = Meting.history.filter(history_type="-")
    assert deletions.count() == 3
    assert {r.history_user for r in deletions} == {logged_in.user}
    assert Kpi.history.get(history_type="-").history_user == logged_in.user


def test_deleting_a_measurement(logged_in, pilot, kpi):
    meting = Meting.objects.create(kpi=kpi, datum=date(2023, 1, 1), waarde=1)
    url = reverse("coach:resultaten_meting_verwijderen", args=[pilot.slug, kpi.pk, meting.pk])
    assert logged_in.get(url).status_code == 200
    assert logged_in.post(url).status_code == 302
    assert not Meting.objects.exists()
    assert Meting.history.get(history_type="-").history_user == logged_in.user


def test_a_duplicate_that_slips_past_the_form_is_a_form_error_not_a_500(
    logged_in, pilot, kpi, monkeypatch
):
    """Two coaches saving the same date at once: the database refuses, the form says so."""
    Meting.objects.create(kpi=kpi, datum=date(2023, 2, 1), waarde=5)
    monkeypatch.setattr(
        forms_resultaten.MetingForm, "clean_datum", lambda form: form.cleaned_data["datum"]
    )
    before = count_results()
    url = reverse("coach:resultaten_meting_nieuw", args=[pilot.slug, kpi.pk])
    response = logged_in.post(url, {"datum": "2023-02-01", "waarde": "6"})
    assert response.status_code == 400
    assert "Iemand anders bewaarde net hetzelfde" in response.text
    assert count_results() == before


def test_services_refuse_a_result_on_the_wrong_kind_of_trajectory(strategie, pilot, coach):
    with pytest.raises(services.WrongTrackError):
        services.result_save(item=Partner(traject=strategie, naam="x"), base_versie=None, by=coach)
    with pytest.raises(services.WrongTrackError):
        services.result_save(
            item=LopendInitiatief(traject=pilot, naam="x"), base_versie=None, by=coach
        )
    kandidaat = Pilotkandidaat(traject=strategie, naam="x", vervolgtraject=strategie)
    with pytest.raises(services.WrongTrackError):
        services.result_save(item=kandidaat, base_versie=None, by=coach)
    assert not Partner.objects.exists() and not Pilotkandidaat.objects.exists()


def test_services_record_the_user_outside_a_request(strategie, coach):
    item = services.result_save(
        item=LopendInitiatief(traject=strategie, naam="x"), base_versie=None, by=coach
    )
    assert item.history.get().history_user == coach
    services.result_delete(item=item, by=coach)
    assert LopendInitiatief.history.get(history_type="-").history_user == coach


@pytest.mark.parametrize("soort", ["strategie", "pilootproject"])
def test_overview_query_count_is_fixed(logged_in, django_assert_num_queries, soort):
    traject = factories.make_traject(soort=soort)
    traject.coaches.add(logged_in.user)
    fill = fill_strategy_results if soort == "strategie" else fill_pilot_results
    url = reverse("coach:resultaten", args=[traject.slug])
    fill(traject, 1)
    logged_in.get(url)  # warm the session
    expected = OVERVIEW_QUERIES[soort]
    with django_assert_num_queries(expected):
        assert logged_in.get(url).status_code == 200
    fill(traject, 19)
    logged_in.get(url)  # the first page after a change asks for the demo notice again
    with django_assert_num_queries(expected):
        response = logged_in.get(url)
    # 20 of each of three kinds of result, each with an edit link (plus measurements).
    assert response.text.count("Bewerken<span") >= 60


# Whether demo content is on the site was asked by the warm-up request, and kept
# (lokaal/fragmenten.py).
OVERVIEW_QUERIES = {"strategie": 15, "pilootproject": 14}
