"""Participant sign-off: submit, the contact's link, approve or send back, and every refusal."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coach import goedkeuring
from tests import factories
from tests.coach.uitkomst_helpers import page_data
from trajecten.models import Deelname, LopendInitiatief
from workshops.models import Goedkeuringsverzoek, Workshop


@pytest.fixture
def traject(coach):
    ronde = factories.make_ronde(goedkeuring_vereist=True)
    bestuur = factories.make_bestuur(korte_naam="Halle")
    traject = factories.make_traject(ronde=ronde, besturen=[bestuur], titel="Strategie Halle")
    Deelname.objects.filter(traject=traject).update(
        contact_naam="An Peeters", contact_email="an.peeters@halle.example"
    )
    traject.coaches.add(coach)
    return traject


@pytest.fixture
def workshop(traject):
    return factories.make_workshop(
        traject,
        volgnummer=2,
        gepland_op=timezone.now() - timedelta(days=2),
        verslag="Twintig **initiatieven** in kaart.",
        beslissingen="Repaircafé uitbreiden.",
    )


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def contact():
    """The contact person's browser: no account, no session of the coach."""
    return Client()


def _url(name: str, workshop: Workshop) -> str:
    return reverse(f"coach:workshop_{name}", args=[workshop.traject.slug, workshop.pk])


def _submit(client, workshop: Workshop):
    workshop.refresh_from_db()
    return client.post(_url("voorleggen", workshop), {"versie": workshop.versie})


def _link_from_mail() -> str:
    return re.search(r"http://\S+/goedkeuring/\S+/", mail.outbox[-1].body).group(0)


def _path(link: str) -> str:
    return link.split("127.0.0.1:8000", 1)[1]


def _publish(client, workshop: Workshop, versie: int | None = None):
    return client.post(
        _url("uitkomst_publicatie", workshop),
        {"versie": versie or workshop.versie, "actie": "publiceren"},
    )


def test_publishing_is_blocked_until_the_participant_approves(coach_client, workshop):
    initiatief = LopendInitiatief.objects.create(traject=workshop.traject, naam="Repaircafé")
    page = coach_client.get(_url("uitkomst", workshop)).text
    # The outcome page offers the submission instead of "Publiceren".
    assert "Ter goedkeuring voorleggen" in page and "aan An Peeters" in page
    assert ">Publiceren</button>" not in page
    response = _publish(coach_client, workshop)
    assert response.status_code == 409
    assert "Leg het eerst ter goedkeuring voor" in response.text
    workshop.refresh_from_db()
    initiatief.refresh_from_db()
    assert not workshop.gepubliceerd and not initiatief.gepubliceerd


def test_submit_mails_a_link_and_puts_the_report_in_review(coach_client, workshop):
    response = _submit(coach_client, workshop)
    assert response.status_code == 302
    assert response["Location"] == _url("uitkomst", workshop)  # back on the outcome page
    workshop.refresh_from_db()
    assert workshop.ter_nalezing and not workshop.gepubliceerd
    assert workshop.publicatie_label == "Ter nalezing"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an.peeters@halle.example"]
    assert "14 dagen geldig" in mail.outbox[0].body
    verzoek = Goedkeuringsverzoek.objects.get()
    assert verzoek.versie == workshop.versie
    assert verzoek.contact_naam == "An Peeters"
    record = workshop.history.first()
    assert "Ter goedkeuring voorgelegd aan contactpersoon An Peeters" in (
        record.history_change_reason
    )
    page = coach_client.get(_url("uitkomst", workshop)).text
    assert "Ter nalezing" in page and "An Peeters" in page
    assert "Ter nalezing" in coach_client.get(reverse("coach:dashboard")).text


def test_approval_publishes_exactly_the_submitted_version(contact, coach_client, workshop):
    initiatief = LopendInitiatief.objects.create(traject=workshop.traject, naam="Repaircafé")
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())

    page = contact.get(path)
    assert page.status_code == 200
    assert "<strong>initiatieven</strong>" in page.text
    assert "Repaircafé uitbreiden." in page.text
    assert "<li>Repaircafé</li>" in page.text  # the initiative goes public with the report
    assert "Goedkeuren" in page.text and "Terugsturen met opmerking" in page.text

    response = contact.post(path, {"actie": "goedkeuren"})
    assert response.status_code == 200
    assert "Het staat nu op het publieke portaal" in response.text
    workshop.refresh_from_db()
    assert workshop.gepubliceerd and not workshop.ter_nalezing
    assert workshop.gepubliceerd_op is not None
    assert Goedkeuringsverzoek.objects.get().status == "goedgekeurd"
    initiatief.refresh_from_db()
    assert initiatief.gepubliceerd  # workshop 2 of a strategy produced the initiatives
    public = contact.get(workshop.traject.get_absolute_url()).text
    assert "Repaircafé" in public
    record = workshop.history.first()
    assert record.history_user is None
    assert record.history_change_reason.startswith(
        "Goedgekeurd en gepubliceerd door contactpersoon An Peeters"
    )
    history = coach_client.get(_url("geschiedenis", workshop)).text
    assert "contactpersoon An Peeters" in history and "Goedgekeurd" in history


def test_a_used_link_is_refused_and_changes_nothing(contact, coach_client, workshop):
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())
    assert contact.post(path, {"actie": "goedkeuren"}).status_code == 200
    workshop.refresh_from_db()
    versie = workshop.versie
    for response in (contact.get(path), contact.post(path, {"actie": "terugsturen"})):
        assert response.status_code == 410
        assert "al gebruikt" in response.text
    workshop.refresh_from_db()
    assert workshop.versie == versie and workshop.gepubliceerd


def test_a_forged_link_is_refused(contact, coach_client, workshop):
    _submit(coach_client, workshop)
    verzoek = Goedkeuringsverzoek.objects.get()
    for token in ["niets", verzoek.sleutel, signing.TimestampSigner(salt="ander").sign("x")]:
        response = contact.post(f"/goedkeuring/{token}/", {"actie": "goedkeuren"})
        assert response.status_code == 403
        assert "ongeldig" in response.text
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd
    assert Goedkeuringsverzoek.objects.get().status == "open"


def test_an_expired_link_is_refused(contact, coach_client, workshop, settings, monkeypatch):
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())
    settings.SIGNOFF_LINK_DAYS = 1
    later = (timezone.now() + timedelta(days=2)).timestamp()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = contact.post(path, {"actie": "goedkeuren"})
    assert response.status_code == 410
    assert "verlopen" in response.text
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd
    assert Goedkeuringsverzoek.objects.get().status == "open"


def test_an_edit_after_submitting_makes_the_link_say_the_text_changed(
    contact, coach_client, workshop
):
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())
    workshop.refresh_from_db()
    data = page_data(coach_client.get(_url("uitkomst", workshop)))
    data.update({"verslag": "Een andere tekst.", "datum_buiten_periode": "on"})
    assert coach_client.post(_url("uitkomst", workshop), data).status_code == 302

    page = contact.get(path)
    assert page.status_code == 409
    assert "De tekst werd gewijzigd" in page.text
    assert "Goedkeuren</button>" not in page.text
    response = contact.post(path, {"actie": "goedkeuren"})
    assert response.status_code == 409
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd
    assert Goedkeuringsverzoek.objects.get().status == "open"
    # The coach is told to submit again; the old approval link does not cover the new text.
    assert "Leg opnieuw voor" in coach_client.get(_url("uitkomst", workshop)).text
    # Nor may the coach publish the changed text: it is not the approved one.
    assert _publish(coach_client, workshop).status_code == 409


def test_a_result_changed_after_submitting_needs_a_new_approval(contact, coach_client, workshop):
    initiatief = LopendInitiatief.objects.create(traject=workshop.traject, naam="Repaircafé")
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())
    LopendInitiatief.objects.filter(pk=initiatief.pk).update(naam="Kringwinkel")

    page = contact.get(path)
    assert page.status_code == 409
    assert "De tekst werd gewijzigd" in page.text
    assert contact.post(path, {"actie": "goedkeuren"}).status_code == 409
    workshop.refresh_from_db()
    initiatief.refresh_from_db()
    assert not workshop.gepubliceerd and not initiatief.gepubliceerd


def test_send_back_then_resubmit_then_approve(contact, coach_client, workshop):
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())

    empty = contact.post(path, {"actie": "terugsturen", "opmerking": "  "})
    assert empty.status_code == 400
    assert "Schrijf kort wat de coach moet aanpassen" in empty.text

    response = contact.post(path, {"actie": "terugsturen", "opmerking": "Naam schepen klopt niet."})
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert not workshop.ter_nalezing and not workshop.gepubliceerd
    assert workshop.history.first().history_change_reason.startswith(
        "Teruggestuurd door contactpersoon An Peeters"
    )
    assert "Naam schepen klopt niet." in coach_client.get(reverse("coach:dashboard")).text
    page = coach_client.get(_url("uitkomst", workshop)).text
    assert "Naam schepen klopt niet." in page and "Teruggestuurd door An Peeters" in page
    assert "Ter goedkeuring voorleggen" in page

    data = page_data(coach_client.get(_url("uitkomst", workshop)))
    data.update(
        {"verslag": "Twintig initiatieven; schepen Jan Claes opende.", "datum_buiten_periode": "on"}
    )
    assert coach_client.post(_url("uitkomst", workshop), data).status_code == 302
    _submit(coach_client, workshop)
    assert len(mail.outbox) == 2
    second = _path(_link_from_mail())
    assert second != path
    assert contact.get(path).status_code == 410  # the first link is used up
    assert "schepen Jan Claes" in contact.get(second).text
    assert contact.post(second, {"actie": "goedkeuren"}).status_code == 200
    workshop.refresh_from_db()
    assert workshop.gepubliceerd and "Jan Claes" in workshop.verslag
    statuses = list(Goedkeuringsverzoek.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["teruggestuurd", "goedgekeurd"]


def test_resubmitting_replaces_the_open_link(contact, coach_client, workshop):
    _submit(coach_client, workshop)
    first = _path(_link_from_mail())
    _submit(coach_client, workshop)
    response = contact.post(first, {"actie": "goedkeuren"})
    assert response.status_code == 410
    assert "nieuwere versie" in response.text
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd


def test_submit_is_refused_without_a_contact(coach_client, workshop):
    Deelname.objects.filter(traject=workshop.traject).update(contact_email="")
    response = coach_client.post(
        _url("voorleggen", workshop), {"versie": workshop.versie}, follow=True
    )
    assert "geen contactpersoon met e-mailadres" in response.text
    assert not mail.outbox
    assert not Goedkeuringsverzoek.objects.exists()


def test_submit_from_a_stale_page_is_refused(coach_client, workshop):
    stale = workshop.versie
    Workshop.objects.filter(pk=workshop.pk).update(versie=stale + 1)
    response = coach_client.post(_url("voorleggen", workshop), {"versie": stale})
    assert response.status_code == 409
    assert response.templates[0].name == "coach/uitkomst.html"  # the outcome page, as stored
    assert "Verslag en planning" in response.text
    assert not mail.outbox


def test_submit_of_a_future_workshop_is_refused(coach_client, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(gepland_op=timezone.now() + timedelta(days=3))
    response = coach_client.post(
        _url("voorleggen", workshop), {"versie": workshop.versie}, follow=True
    )
    assert "toekomst" in response.text
    assert not Goedkeuringsverzoek.objects.exists()


def test_a_round_without_sign_off_publishes_directly(coach_client, workshop):
    workshop.traject.ronde.__class__.objects.update(goedkeuring_vereist=False)
    page = coach_client.get(_url("uitkomst", workshop)).text
    assert ">Publiceren</button>" in page and "Ter goedkeuring voorleggen" not in page
    response = _publish(coach_client, workshop)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.gepubliceerd


def test_answers_on_links_are_rate_limited(contact, coach_client, workshop, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signoff_address": "2/h"}
    _submit(coach_client, workshop)
    path = _path(_link_from_mail())
    for _ in range(2):
        contact.post(path, {"actie": "onbekend"})
    response = contact.post(path, {"actie": "goedkeuren"})
    assert response.status_code == 429
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd


def test_the_contact_is_of_the_lead_bestuur(traject):
    partner = factories.make_bestuur(korte_naam="Partner")
    Deelname.objects.create(
        traject=traject,
        bestuur=partner,
        rol=Deelname.Rol.PARTNER,
        contact_naam="Piet",
        contact_email="piet@partner.example",
    )
    assert goedkeuring.contact_for(traject).email == "an.peeters@halle.example"


def _admin_publish(client, workshop: Workshop):
    """The manager ticks "gepubliceerd" on the workshop's admin page."""
    data = {
        "traject": workshop.traject.pk,
        "volgnummer": workshop.volgnummer,
        "titel": workshop.titel,
        "thema": workshop.thema,
        "plaats": workshop.plaats,
        "gepland_op_0": timezone.localtime(workshop.gepland_op).strftime("%d-%m-%Y"),
        "gepland_op_1": timezone.localtime(workshop.gepland_op).strftime("%H:%M:%S"),
        "status": workshop.status,
        "verslag": workshop.verslag,
        "aanwezigen": workshop.aanwezigen,
        "beslissingen": workshop.beslissingen,
        "volgende_stappen": workshop.volgende_stappen,
        "interne_notities": workshop.interne_notities,
        "gepubliceerd": "on",
        "datum_buiten_periode": "on",
        "bijlagen-TOTAL_FORMS": 0,
        "bijlagen-INITIAL_FORMS": 0,
    }
    return client.post(reverse("admin:workshops_workshop_change", args=[workshop.pk]), data)


def test_admin_publication_is_held_to_the_sign_off_rule(client, contact, coach_client, workshop):
    client.force_login(factories.make_manager("beheer"))
    # Admin's date field has whole seconds; so has every date a coach enters.
    workshop.gepland_op = workshop.gepland_op.replace(microsecond=0)
    workshop.save()
    refused = _admin_publish(client, workshop)
    assert refused.status_code == 200
    assert "goedkeuring van het deelnemende bestuur" in refused.text
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd

    _submit(coach_client, workshop)
    contact.post(_path(_link_from_mail()), {"actie": "goedkeuren"})
    workshop.refresh_from_db()
    assert workshop.gepubliceerd
    # Once approved, the approved text may be republished from admin after an unpublish.
    Workshop.objects.filter(pk=workshop.pk).update(gepubliceerd=False)
    workshop.refresh_from_db()
    response = _admin_publish(client, workshop)
    assert response.status_code == 302, response.context["adminform"].form.errors
    workshop.refresh_from_db()
    assert workshop.gepubliceerd
