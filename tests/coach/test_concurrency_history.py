"""Two coaches on one report: the second save is refused with what changed; history keeps all."""

from django.test import Client
from django.urls import reverse

from tests import factories
from tests.coach.helpers import moment_url, snapshot
from tests.coach.uitkomst_helpers import uitkomst_data
from workshops.models import Workshop


def test_stale_save_is_refused_with_a_diff_and_keeps_the_input(world):
    colleague = factories.make_coach("collega")
    world.traject.coaches.add(colleague)
    workshop = world.workshop
    first, second = Client(), Client()
    first.force_login(world.coach)
    second.force_login(colleague)
    url = moment_url("uitkomst", workshop)
    # Both open the form on version 1.
    data_first = uitkomst_data(
        first, workshop, verslag="Versie van de eerste coach", beslissingen="B1"
    )
    data_second = uitkomst_data(second, workshop, verslag="Versie van de tweede coach")
    assert first.get(url).context["form"].initial["versie"] == 1

    assert first.post(url, data_first).status_code == 302
    before = snapshot()
    response = second.post(url, data_second)

    assert response.status_code == 409
    assert snapshot() == before
    workshop.refresh_from_db()
    assert workshop.verslag == "Versie van de eerste coach"
    conflict = response.context["conflict"]
    changed = {change.label: (change.old, change.new) for change in conflict.changes}
    assert changed["publiek verslag"] == ("Een **klad**verslag.", "Versie van de eerste coach")
    assert changed["beslissingen"] == ("", "B1")
    assert conflict.by == "coach"
    text = response.text
    assert "Niet opgeslagen" in text and "Versie van de eerste coach" in text
    assert "Versie van de tweede coach" in text  # the second coach's input is still there
    # The re-rendered form now carries the current version: saving again is a deliberate choice.
    assert response.context["form"]["versie"].value() == "2"

    resubmit = {**data_second, "versie": 2}
    assert second.post(url, resubmit).status_code == 302
    workshop.refresh_from_db()
    assert workshop.verslag == "Versie van de tweede coach"
    assert workshop.versie == 3
    users = [r.history_user for r in workshop.history.order_by("history_date", "history_id")]
    assert users[-2:] == [world.coach, colleague]


def test_stale_plan_edit_is_refused_too(world):
    workshop = world.workshop
    client = Client()
    client.force_login(world.manager)
    url = moment_url("bewerken", workshop)
    data = {"versie": 1, "volgnummer": 1, "titel": "Titel A", "datum": "2023-01-05"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "titel": "Titel B"})
    assert response.status_code == 409
    workshop.refresh_from_db()
    assert workshop.titel == "Titel A"


def test_publishing_a_stale_page_is_refused(coach_client, world):
    workshop = world.workshop
    coach_client.post(
        moment_url("uitkomst", workshop), uitkomst_data(coach_client, workshop, verslag="Nieuw")
    )
    response = coach_client.post(
        moment_url("uitkomst_publicatie", workshop), {"versie": 1, "actie": "publiceren"}
    )
    assert response.status_code == 409
    assert response.context["conflict"].by == "coach"
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd


def test_history_page_shows_who_when_and_what(coach_client, world):
    workshop = world.workshop
    coach_client.post(
        moment_url("uitkomst", workshop),
        uitkomst_data(
            coach_client, workshop, verslag="Aangepaste tekst", interne_notities="Notitie"
        ),
    )
    coach_client.post(
        moment_url("uitkomst_publicatie", workshop), {"versie": 2, "actie": "publiceren"}
    )
    response = coach_client.get(moment_url("geschiedenis", workshop))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 3  # created, edited, published — newest first
    assert rows[0]["record"].history_user == world.coach
    labels = {change.label for change in rows[1]["changes"]}
    assert {"publiek verslag", "interne notities"} <= labels
    assert "gepubliceerd" in {change.label for change in rows[0]["changes"]}
    assert "Aangepaste tekst" in response.text and "Gewijzigd" in response.text


def test_history_lists_attachment_changes_including_deleted_ones(coach_client, world):
    bijlage = world.bijlage
    coach_client.post(reverse("coach:bijlage_verwijderen", args=[world.traject.slug, bijlage.pk]))
    response = coach_client.get(moment_url("geschiedenis", world.workshop))
    assert [r.history_type for r in response.context["bijlage_records"]] == ["-", "+"]
    assert "verwijderd" in response.text


def test_manager_restores_a_deleted_report_in_admin(coach_client, client, world):
    workshop = world.workshop
    coach_client.post(
        moment_url("uitkomst", workshop), uitkomst_data(coach_client, workshop, verslag="Bewaard")
    )
    coach_client.post(moment_url("verwijderen", workshop))
    record = Workshop.history.filter(id=workshop.pk, history_type="-").get()
    client.force_login(world.manager)
    history = client.get(reverse("admin:workshops_workshop_history", args=[workshop.pk]))
    assert history.status_code == 200
    url = reverse("admin:workshops_workshop_simple_history", args=[workshop.pk, record.history_id])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "traject": world.traject.pk,
        "volgnummer": 1,
        "titel": record.titel,
        "thema": record.thema,
        "plaats": "",
        "status": record.status,
        "verslag": record.verslag,
        "aanwezigen": "",
        "beslissingen": "",
        "volgende_stappen": "",
        "interne_notities": "",
        "bijlagen-TOTAL_FORMS": 0,
        "bijlagen-INITIAL_FORMS": 0,
        "gepland_op_0": "",
        "gepland_op_1": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Workshop.objects.get(pk=workshop.pk).verslag == "Bewaard"
