"""One page per workshop outcome: the date, the report, attachments and the structured results
of one workshop saved together, previewed and published from the same page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.coach.conftest import PDF_BYTES, png_bytes
from tests.coach.uitkomst_helpers import (
    make_references,
    page_data,
    past_day,
    snapshot,
    uitkomst_url,
)
from trajecten import services
from trajecten.models import (
    Beleidsactie,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Partner,
    Pilotkandidaat,
)
from workshops.models import Bijlage, Workshop


@pytest.fixture
def refs(db):
    return make_references()


@pytest.fixture
def ws1(world):
    return factories.make_workshop(world.traject, volgnummer=1, titel="Prioriteiten")


@pytest.fixture
def pilot_ws(world):
    return factories.make_workshop(world.pilot_traject, volgnummer=1, titel="Start")


def _open(client, moment):
    response = client.get(uitkomst_url(moment))
    assert response.status_code == 200
    return page_data(response)


# Where the page is reached from.


def test_dashboard_and_trajectory_link_to_the_outcome_page(coach_client, world, ws1):
    Workshop.objects.filter(pk=ws1.pk).update(gepland_op=timezone.now() - timedelta(days=30))
    assert uitkomst_url(ws1) in coach_client.get(reverse("coach:dashboard")).text
    page = coach_client.get(reverse("coach:traject", args=[world.traject.slug])).text
    assert uitkomst_url(ws1) in page


# Saving everything at once.


def test_strategy_workshop_1_logs_date_report_priorities_and_attachment_in_one_save(
    coach_client, world, refs, ws1
):
    assert ws1.gepland_op is None  # "nog niet bekend": the date is set on this same page
    data = _open(coach_client, ws1)
    domains = refs["Actiedomein"][:3]
    instruments = refs["Beleidsinstrument"][:2]
    data.update(
        datum=past_day(),
        uur="14:00",
        plaats="Stadhuis",
        status="gehouden",
        verslag="## Verloop\n\nDrie domeinen gekozen.",
        aanwezigen="Milieudienst",
        interne_notities="Enkel intern.",
        bijlage_titel="Flip-over",
        bijlage_publiek="on",
        bestand=SimpleUploadedFile("flip.png", png_bytes()),
    )
    data["prioriteiten-actiedomeinen"] = [str(d.pk) for d in domains]
    data["prioriteiten-beleidsinstrumenten"] = [str(i.pk) for i in instruments]
    response = coach_client.post(uitkomst_url(ws1), data)
    assert response.status_code == 302
    assert response["Location"] == uitkomst_url(ws1)  # back on the same page
    ws1.refresh_from_db()
    assert ws1.gepland_op is not None and ws1.plaats == "Stadhuis" and ws1.is_held
    assert "Drie domeinen gekozen." in ws1.verslag_html and not ws1.gepubliceerd
    world.traject.refresh_from_db()
    assert set(world.traject.prioritaire_actiedomeinen.all()) == set(domains)
    assert set(world.traject.beleidsinstrumenten.all()) == set(instruments)
    assert Bijlage.objects.get(workshop=ws1).titel == "Flip-over"
    text = coach_client.get(uitkomst_url(ws1)).text
    assert "opgeslagen als klad" in text and "Bijlage &#x27;flip.png&#x27; toegevoegd" in text


def test_several_attachments_at_once(coach_client, world, ws1):
    data = _open(coach_client, ws1)
    data["bestand"] = [
        SimpleUploadedFile("a.pdf", PDF_BYTES),
        SimpleUploadedFile("b.png", png_bytes()),
    ]
    assert coach_client.post(uitkomst_url(ws1), data).status_code == 302
    assert Bijlage.objects.filter(workshop=ws1).count() == 2


def test_workshop_2_adds_initiatives_and_workshop_3_policy_actions_and_candidates(
    coach_client, world, refs
):
    ws2 = factories.make_workshop(world.traject, volgnummer=2)
    data = _open(coach_client, ws2)
    assert "prioriteiten-actiedomeinen" not in data
    data.update(
        {
            "initiatieven-0-naam": "Repaircafé",
            "initiatieven-0-actiedomein": str(refs["Actiedomein"][0].pk),
            "initiatieven-1-naam": "Deelbib",
        }
    )
    assert coach_client.post(uitkomst_url(ws2), data).status_code == 302
    assert sorted(LopendInitiatief.objects.values_list("naam", flat=True)) == [
        "Deelbib",
        "Repaircafé",
    ]

    ws3 = factories.make_workshop(world.traject, volgnummer=3)
    data = _open(coach_client, ws3)
    assert "initiatieven-TOTAL_FORMS" not in data
    data.update({"beleidsacties-0-titel": "Circulair aankopen", "pilotkandidaten-0-naam": "Hub"})
    assert coach_client.post(uitkomst_url(ws3), data).status_code == 302
    assert Beleidsactie.objects.get().traject == world.traject
    assert Pilotkandidaat.objects.get().naam == "Hub"


def test_pilot_workshop_logs_module_partner_kpi_and_measurement_in_one_save(
    coach_client, world, refs, pilot_ws
):
    data = _open(coach_client, pilot_ws)
    data.update(
        {
            "datum": past_day(),
            "verslag": "Gestart.",
            "modules-0-module": str(refs["Ondersteuningsmodule"][0].pk),
            "partners-0-naam": "Kringwinkel",
            "partners-0-status": "aan_boord",
            "kpis-0-naam": "Hergebruikte kilo's",
            "kpis-0-eenheid": "kg",
            "kpis-0-nulwaarde": "10,5",
            "kpis-0-streefwaarde": "100",
            "kpis-0-meting_datum": past_day(2),
            "kpis-0-meting_waarde": "12,25",
        }
    )
    response = coach_client.post(uitkomst_url(pilot_ws), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert GekozenModule.objects.get().traject == world.pilot_traject
    assert Partner.objects.get().status == "aan_boord"
    kpi = Kpi.objects.get()
    assert (kpi.nulwaarde, kpi.streefwaarde) == (Decimal("10.5"), Decimal("100"))
    assert kpi.metingen.get().waarde == Decimal("12.25")

    # The measurement is then a row of its own: edited, and the partner deleted, in one save.
    data = _open(coach_client, pilot_ws)
    data["metingen-0-waarde"] = "13"
    data["partners-0-DELETE"] = "on"
    assert coach_client.post(uitkomst_url(pilot_ws), data).status_code == 302
    assert Meting.objects.get().waarde == Decimal("13")
    assert not Partner.objects.exists()


def test_deleting_a_kpi_takes_its_measurements(coach_client, world, pilot_ws):
    kpi = Kpi.objects.create(traject=world.pilot_traject, naam="Bezoekers", eenheid="per jaar")
    Meting.objects.create(kpi=kpi, datum=past_day(9), waarde=3)
    data = _open(coach_client, pilot_ws)
    data["kpis-0-DELETE"] = "on"
    assert coach_client.post(uitkomst_url(pilot_ws), data).status_code == 302
    assert not Kpi.objects.exists() and not Meting.objects.exists()


def test_saving_unchanged_page_adds_nothing(coach_client, world, pilot_ws):
    data = _open(coach_client, pilot_ws)
    assert coach_client.post(uitkomst_url(pilot_ws), data).status_code == 302
    assert not (GekozenModule.objects.exists() or Partner.objects.exists() or Kpi.objects.exists())


# Refusals: nothing saved, the input kept.


@pytest.mark.parametrize(
    "bad",
    [
        {"kpis-0-nulwaarde": "veel"},  # a KPI without name or unit, and a bad number
        {"partners-0-status": "aan_boord"},  # a partner without a name
        {"modules-0-module": "999999"},
        {"kpis-0-naam": "X", "kpis-0-eenheid": "kg", "kpis-0-meting_datum": "2999-01-01"},
        {"kpis-0-naam": "X", "kpis-0-eenheid": "kg", "kpis-0-meting_waarde": "4"},
        {"datum": "2023-02-31"},
        {"partners-TOTAL_FORMS": "500"},
        {"partners-0-id": "12345", "partners-INITIAL_FORMS": "1", "partners-0-naam": "Weg"},
    ],
)
def test_invalid_input_is_refused_with_everything_kept(coach_client, world, pilot_ws, bad):
    data = _open(coach_client, pilot_ws)
    data.update({"verslag": "Mijn tekst blijft.", "partners-1-naam": "Nieuwe partner"})
    data.update(bad)
    before = snapshot()
    response = coach_client.post(uitkomst_url(pilot_ws), data)
    assert response.status_code == 400
    assert snapshot() == before
    text = response.text
    assert "Mijn tekst blijft." in text
    if "partners-TOTAL_FORMS" not in bad:
        assert 'value="Nieuwe partner"' in text


def test_a_refused_save_asks_to_choose_the_files_again(coach_client, world, ws1):
    data = _open(coach_client, ws1)
    data.update(datum="morgen", bestand=SimpleUploadedFile("a.pdf", PDF_BYTES))
    response = coach_client.post(uitkomst_url(ws1), data)
    assert response.status_code == 400
    assert "kies de bijlagen opnieuw" in response.text
    assert not Bijlage.objects.exists()


def test_two_rows_with_the_same_module_are_refused(coach_client, world, refs, pilot_ws):
    data = _open(coach_client, pilot_ws)
    module = str(refs["Ondersteuningsmodule"][0].pk)
    data.update({"modules-0-module": module, "modules-1-module": module})
    before = snapshot()
    response = coach_client.post(uitkomst_url(pilot_ws), data)
    assert response.status_code == 400
    assert "al in een andere rij" in response.text
    assert snapshot() == before


def test_stale_report_is_refused_with_409_and_nothing_saved(
    coach_client, world, refs, ws1, other_coach
):
    data = _open(coach_client, ws1)
    # Another coach of the trajectory saves the report meanwhile.
    colleague = factories.make_coach("collega", world.traject)
    ws1.verslag = "Tekst van de collega."
    from workshops import services as moment_services

    moment_services.moment_save(moment=ws1, base_versie=1, fields=["verslag"], by=colleague)
    data.update(verslag="Mijn eigen tekst.")
    data["prioriteiten-actiedomeinen"] = [str(refs["Actiedomein"][0].pk)]
    before = snapshot()
    response = coach_client.post(uitkomst_url(ws1), data)
    assert response.status_code == 409
    assert snapshot() == before  # not the priorities either
    text = response.text
    assert "Niet opgeslagen" in text and "collega" in text and "Tekst van de collega." in text
    assert "Mijn eigen tekst." in text
    assert f'value="{refs["Actiedomein"][0].pk}"' in text and "checked" in text
    # Saving again from the refused page is a deliberate choice, and it goes through.
    again = page_data(response)
    assert coach_client.post(uitkomst_url(ws1), again).status_code == 302
    ws1.refresh_from_db()
    assert ws1.verslag == "Mijn eigen tekst."


def test_stale_result_row_is_refused_with_409_showing_what_changed(coach_client, world, pilot_ws):
    partner = Partner.objects.create(traject=world.pilot_traject, naam="Kringwinkel")
    data = _open(coach_client, pilot_ws)
    colleague = factories.make_coach("collega", world.pilot_traject)
    partner.rol = "Ophaling"
    services.result_save(item=partner, base_versie=1, by=colleague)
    data.update({"partners-0-rol": "Verkoop", "verslag": "Mijn verslag."})
    before = snapshot()
    response = coach_client.post(uitkomst_url(pilot_ws), data)
    assert response.status_code == 409
    assert snapshot() == before
    assert "Partner “Kringwinkel”" in response.text and "Ophaling" in response.text
    assert 'value="Verkoop"' in response.text and "Mijn verslag." in response.text


def test_row_deleted_meanwhile_is_refused_not_recreated(coach_client, world, pilot_ws):
    partner = Partner.objects.create(traject=world.pilot_traject, naam="Kringwinkel")
    data = _open(coach_client, pilot_ws)
    partner.delete()
    data["partners-0-rol"] = "Verkoop"
    response = coach_client.post(uitkomst_url(pilot_ws), data)
    assert response.status_code == 400
    assert not Partner.objects.exists()


# Preview and publication.


def test_preview_shows_the_public_rendering_and_publishes_from_there(
    coach_client, world, refs, ws1
):
    data = _open(coach_client, ws1)
    data.update(
        datum=past_day(),
        verslag="Het **publieke** verslag.",
        interne_notities="GEHEIM-INTERN",
        na="voorbeeld",
    )
    data["prioriteiten-actiedomeinen"] = [str(refs["Actiedomein"][1].pk)]
    response = coach_client.post(uitkomst_url(ws1), data)
    assert response["Location"] == uitkomst_url(ws1, "uitkomst_voorbeeld")
    preview = coach_client.get(response["Location"])
    text = preview.text
    assert "<strong>publieke</strong>" in text and "Textiel" in text
    assert "GEHEIM-INTERN" not in text
    ws1.refresh_from_db()
    assert not ws1.gepubliceerd  # a preview publishes nothing
    publish = coach_client.post(
        uitkomst_url(ws1, "uitkomst_publicatie"), {"versie": ws1.versie, "actie": "publiceren"}
    )
    assert publish["Location"] == uitkomst_url(ws1)
    ws1.refresh_from_db()
    assert ws1.gepubliceerd
    assert (
        "Het <strong>publieke</strong> verslag."
        in coach_client.get(world.traject.get_absolute_url()).text
    )


def test_stale_publication_is_refused_with_409(coach_client, world, ws1):
    Workshop.objects.filter(pk=ws1.pk).update(
        verslag="Klaar.", gepland_op=timezone.now() - timedelta(days=2), versie=2
    )
    response = coach_client.post(
        uitkomst_url(ws1, "uitkomst_publicatie"), {"versie": 1, "actie": "publiceren"}
    )
    assert response.status_code == 409
    ws1.refresh_from_db()
    assert not ws1.gepubliceerd


def test_publication_without_a_date_is_refused_in_dutch(coach_client, world, ws1):
    Workshop.objects.filter(pk=ws1.pk).update(verslag="Klaar.")
    response = coach_client.post(
        uitkomst_url(ws1, "uitkomst_publicatie"), {"versie": 1, "actie": "publiceren"}, follow=True
    )
    assert "Vul eerst de datum" in response.text
    ws1.refresh_from_db()
    assert not ws1.gepubliceerd


def test_unpublish_from_the_page(coach_client, world, ws1):
    Workshop.objects.filter(pk=ws1.pk).update(
        verslag="Klaar.", gepland_op=timezone.now() - timedelta(days=2)
    )
    url = uitkomst_url(ws1, "uitkomst_publicatie")
    coach_client.post(url, {"versie": 1, "actie": "publiceren"})
    coach_client.post(url, {"versie": 2, "actie": "depubliceren"})
    ws1.refresh_from_db()
    assert not ws1.gepubliceerd and ws1.verslag == "Klaar."


# Who may open it.


@pytest.mark.parametrize("name", ["uitkomst", "uitkomst_voorbeeld", "uitkomst_publicatie"])
def test_coach_of_another_trajectory_gets_404(client, world, name):
    moment = factories.make_workshop(world.other_traject, volgnummer=1)
    client.force_login(world.coach)
    url = uitkomst_url(moment, name)
    assert client.get(url).status_code in {404, 405}
    before = snapshot()
    assert client.post(url, {"versie": 1, "verslag": "x"}).status_code in {404, 405}
    assert snapshot() == before


@pytest.mark.parametrize("name", ["uitkomst", "uitkomst_voorbeeld", "uitkomst_publicatie"])
def test_anonymous_visitor_is_sent_to_login(client, world, ws1, name):
    response = client.post(uitkomst_url(ws1, name), {"versie": 1})
    assert response.status_code == 302 and "login" in response["Location"]


def test_manager_may_open_every_outcome_page(client, world, ws1):
    client.force_login(world.manager)
    assert client.get(uitkomst_url(ws1)).status_code == 200


# Queries.


# The page's queries, whatever the number of rows: 20 and 17 when pinned, with a little room
# for the session and middleware.
PILOT_QUERIES = 22
STRATEGY_QUERIES = 19


def _pilot_rows(traject, refs, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        Partner.objects.create(traject=traject, naam=f"Partner {i}")
        kpi = Kpi.objects.create(traject=traject, naam=f"KPI {i}", eenheid="kg")
        Meting.objects.create(kpi=kpi, datum=past_day(10 + i), waarde=i)
    for module in refs["Ondersteuningsmodule"][start : start + n]:
        GekozenModule.objects.create(traject=traject, module=module)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_rows(
    coach_client, world, refs, pilot_ws, django_assert_max_num_queries
):
    url = uitkomst_url(pilot_ws)
    _pilot_rows(world.pilot_traject, refs, 1)
    coach_client.get(url)  # what every page shares (the demo notice) is kept after a change
    few = _queries(coach_client, url)
    _pilot_rows(world.pilot_traject, refs, 2, start=1)
    with django_assert_max_num_queries(PILOT_QUERIES):
        coach_client.get(url)
    assert _queries(coach_client, url) == few


def test_strategy_page_queries_do_not_grow_with_rows(
    coach_client, world, refs, django_assert_max_num_queries
):
    ws3 = factories.make_workshop(world.traject, volgnummer=3)
    url = uitkomst_url(ws3)
    Beleidsactie.objects.create(traject=world.traject, titel="Eén")
    coach_client.get(url)  # what every page shares (the demo notice) is kept after a change
    few = _queries(coach_client, url)
    for i in range(8):
        Beleidsactie.objects.create(traject=world.traject, titel=f"Actie {i}")
        Pilotkandidaat.objects.create(traject=world.traject, naam=f"Kandidaat {i}")
    with django_assert_max_num_queries(STRATEGY_QUERIES):
        coach_client.get(url)
    assert _queries(coach_client, url) == few


# Coaching moments belong to the pilot track.


def test_coaching_moment_on_a_strategy_track_is_refused(coach_client, world):
    url = reverse("coach:coachingsmoment_nieuw", args=[world.traject.slug])
    assert coach_client.get(url).status_code == 400
    response = coach_client.post(url, {"onderwerp": "x", "datum": past_day(), "vorm": "online"})
    assert response.status_code == 400
    assert "pilootproject" in response.text
    assert not world.traject.coachingsmomenten.exists()


def test_coaching_moment_outcome_page_on_a_pilot_track_holds_the_pilot_results(coach_client, world):
    moment = factories.make_coachingsmoment(
        world.pilot_traject, gepland_op=timezone.now() - timedelta(days=1)
    )
    data = _open(coach_client, moment)
    assert "partners-TOTAL_FORMS" in data and "vorm" in data
    data.update({"partners-0-naam": "OCMW", "verslag": "Besproken."})
    assert coach_client.post(uitkomst_url(moment), data).status_code == 302
    assert Partner.objects.get().naam == "OCMW"


# One look, Dutch throughout.


@pytest.mark.parametrize("which", ["strategie-1", "strategie-3", "pilot"])
def test_outcome_page_reads_dutch_in_the_workspace_layout(coach_client, world, refs, which):
    traject = world.pilot_traject if which == "pilot" else world.traject
    number = 3 if which == "strategie-3" else 1
    moment = factories.make_workshop(traject, volgnummer=number)
    Partner.objects.create(traject=world.pilot_traject, naam="Kringwinkel")
    for name in ("uitkomst", "uitkomst_voorbeeld"):
        text = coach_client.get(uitkomst_url(moment, name)).text
        assert "Aangemeld als" in text
        assert reverse("coach:traject", args=[traject.slug]) in text  # coach breadcrumb
        for english in ("Select an option", "---------", ">Delete<"):
            assert english not in text


def test_planning_and_attachment_pages_return_to_the_outcome_page(coach_client, world):
    bijlage = world.bijlage
    url = reverse("coach:bijlage_bewerken", args=[world.traject.slug, bijlage.pk])
    response = coach_client.post(url, {"versie": 1, "titel": "Nieuwe titel"})
    assert response["Location"] == uitkomst_url(world.workshop)


def _result_form_names():
    from tests.url_catalogue import RESULTATEN_URLS

    return sorted(n for n in RESULTATEN_URLS if n.endswith(("_nieuw", "_bewerken")))


@pytest.mark.parametrize("name", _result_form_names())
def test_every_results_form_reads_dutch_with_green_workspace_buttons(
    coach_client, world, refs, name
):
    from tests.url_catalogue import resultaten_kwargs

    kwargs = resultaten_kwargs(name, strategie=world.traject, pilot=world.pilot_traject)
    text = coach_client.get(reverse(f"coach:{name}", kwargs=kwargs)).text
    assert "Aangemeld als" in text and 'class="coach-pagina"' in text  # green buttons there
    assert 'href="/trajecten/' not in text.split("Kruimelpad", 1)[1].split("</nav>", 1)[0]
    for english in ("Select an option", "---------"):
        assert english not in text
