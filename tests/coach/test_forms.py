"""Every coach form: valid input saves and shows where it should; bad input changes nothing."""

import errno
import inspect
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.coach.conftest import PDF_BYTES, png_bytes
from tests.coach.helpers import moment_url, snapshot
from tests.coach.uitkomst_helpers import uitkomst_data
from trajecten.models import Update
from workshops.models import Bijlage, Coachingsmoment, Workshop

HOSTILE = (
    "Goed gesprek.\n\n<script>alert('xss')</script>\n\n"
    "[klik](javascript:alert(1)) <img src=x onerror=alert(2)> "
    '<a href="#" onclick="steal()">link</a> <iframe src="https://example.org"></iframe>'
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<img"):
        assert bad not in lowered, (bad, html)


def future(days=10):
    return timezone.localtime(timezone.now() + timedelta(days=days))


def past(days=10):
    return timezone.localtime(timezone.now() - timedelta(days=days))


# Planning workshops and coaching moments.


def test_planning_a_workshop_saves_it_and_shows_it_on_both_pages(coach_client, world):
    when = future(20)
    response = coach_client.post(
        reverse("coach:workshop_nieuw", args=[world.traject.slug]),
        {
            "volgnummer": 1,
            "titel": "Prioriteiten kiezen",
            "datum": when.date().isoformat(),
            "uur": "14:00",
            "plaats": "Stadhuis, zaal 2",
            "thema": "Welke actiedomeinen?",
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(traject=world.traject, volgnummer=1)
    assert timezone.localtime(workshop.gepland_op).strftime("%H:%M") == "14:00"
    assert workshop.history.get().history_user == world.coach
    assert "Prioriteiten kiezen" in coach_client.get(response["Location"]).text
    public = coach_client.get(world.traject.get_absolute_url()).text
    assert "Prioriteiten kiezen" in public and "Stadhuis, zaal 2" in public


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"titel": ""}, "titel"),
        ({"titel": "x" * 201}, "titel"),
        ({"volgnummer": "twee"}, "volgnummer"),
        ({"volgnummer": "0"}, "volgnummer"),
        ({"volgnummer": "999999"}, "volgnummer"),
        ({"datum": "2023-02-31"}, "datum"),
        ({"datum": "0001-01-01"}, "datum"),
        ({"uur": "25:00"}, "uur"),
        ({"datum": "", "uur": "10:00"}, "datum"),
        ({"plaats": "p" * 201}, "plaats"),
        ({"thema": "t" * 4001}, "thema"),
        ({"volgnummer": "1"}, "volgnummer"),  # already taken by the existing workshop
    ],
)
def test_invalid_workshop_plan_is_refused_and_changes_nothing(coach_client, world, changes, field):
    world.workshop  # noqa: B018 - workshop 1 exists
    data = {"volgnummer": 2, "titel": "Tweede", "datum": "2023-03-01", "uur": "10:00"}
    before = snapshot()
    response = coach_client.post(
        reverse("coach:workshop_nieuw", args=[world.traject.slug]), {**data, **changes}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_workshop_dates_must_follow_their_numbers(coach_client, world):
    workshop_1 = world.workshop  # three days ago
    before = snapshot()
    response = coach_client.post(
        reverse("coach:workshop_nieuw", args=[world.traject.slug]),
        {
            "volgnummer": 2,
            "titel": "Tweede",
            "datum": (workshop_1.gepland_op - timedelta(days=5)).date().isoformat(),
            "uur": "10:00",
        },
    )
    assert response.status_code == 400
    assert "volgorde" in str(response.context["form"].errors["datum"])
    assert snapshot() == before


def test_editing_a_plan_keeps_the_report_and_raises_the_version(coach_client, world):
    workshop = world.workshop
    url = moment_url("bewerken", workshop)
    form = coach_client.get(url).context["form"]
    data = {**form.initial, "titel": "Nieuwe titel", "datum": "2023-01-10", "uur": "09:30"}
    data = {k: v for k, v in data.items() if v is not None}
    response = coach_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == moment_url("uitkomst", workshop)  # on to logging the outcome
    workshop.refresh_from_db()
    assert workshop.titel == "Nieuwe titel"
    assert workshop.verslag == "Een **klad**verslag."
    assert workshop.versie == 2


def test_a_held_moment_cannot_move_into_the_future(coach_client, world):
    workshop = world.workshop
    workshop.status = Workshop.Status.GEHOUDEN
    workshop.save()
    before = snapshot()
    response = coach_client.post(
        moment_url("bewerken", workshop),
        {
            "versie": workshop.versie,
            "volgnummer": 1,
            "titel": "x",
            "datum": future().date().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "datum" in response.context["form"].errors
    assert snapshot() == before


def test_planning_a_coaching_moment(coach_client, world):
    # Coaching moments belong to the pilot track (a strategy track refuses them, 400).
    response = coach_client.post(
        reverse("coach:coachingsmoment_nieuw", args=[world.pilot_traject.slug]),
        {"onderwerp": "Businessplan nalezen", "datum": "2023-02-01", "uur": "", "vorm": "online"},
    )
    assert response.status_code == 302
    moment = Coachingsmoment.objects.get(onderwerp="Businessplan nalezen")
    assert moment.vorm == "online"
    assert "Businessplan nalezen" in coach_client.get(world.pilot_traject.get_absolute_url()).text


def public_page(client, world) -> str:
    return client.get(world.traject.get_absolute_url()).text


@pytest.mark.parametrize(
    "changes",
    [{"onderwerp": ""}, {"onderwerp": "o" * 201}, {"vorm": "per-duif"}, {"datum": "morgen"}],
)
def test_invalid_coaching_moment_is_refused(coach_client, world, changes):
    before = snapshot()
    data = {"onderwerp": "Iets", "datum": "2023-02-01", "vorm": "online", **changes}
    response = coach_client.post(
        reverse("coach:coachingsmoment_nieuw", args=[world.pilot_traject.slug]), data
    )
    assert response.status_code == 400
    assert snapshot() == before


# Logging the outcome.


def test_report_is_sanitised_and_public_only_after_publishing(coach_client, world):
    workshop = world.workshop
    url = moment_url("uitkomst", workshop)
    response = coach_client.post(
        url,
        uitkomst_data(
            coach_client,
            workshop,
            verslag=HOSTILE,
            interne_notities="GEHEIM-INTERN",
            aanwezigen="Dienst milieu, dienst economie",
            aantal_aanwezigen=12,
            beslissingen="Focus op bouw",
            volgende_stappen="Initiatieven oplijsten",
            status="gehouden",
        ),
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.versie == 2
    assert_clean(workshop.verslag_html)
    assert "Goed gesprek" in workshop.verslag_html
    public_url = workshop.get_absolute_url()
    assert "Goed gesprek" not in coach_client.get(public_url).text
    assert "Goed gesprek" not in coach_client.get(world.traject.get_absolute_url()).text

    response = coach_client.post(
        moment_url("uitkomst_publicatie", workshop),
        {"versie": workshop.versie, "actie": "publiceren"},
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.gepubliceerd and workshop.gepubliceerd_op and workshop.is_held
    for page in (public_url, world.traject.get_absolute_url()):
        text = coach_client.get(page).text
        assert "Goed gesprek" in text
        assert "GEHEIM-INTERN" not in text
        assert "alert(" not in text

    coach_client.post(
        moment_url("uitkomst_publicatie", workshop),
        {"versie": workshop.versie, "actie": "depubliceren"},
    )
    workshop.refresh_from_db()
    assert not workshop.gepubliceerd and workshop.gepubliceerd_op is None
    assert "Goed gesprek" not in coach_client.get(public_url).text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"verslag": "v" * 20001}, "verslag"),
        ({"interne_notities": "i" * 20001}, "interne_notities"),
        ({"aanwezigen": "a" * 2001}, "aanwezigen"),
        ({"aantal_aanwezigen": "-1"}, "aantal_aanwezigen"),
        ({"aantal_aanwezigen": "veel"}, "aantal_aanwezigen"),
        ({"aantal_aanwezigen": "5000"}, "aantal_aanwezigen"),
        ({"status": "verzonnen"}, "status"),
        ({"versie": "abc"}, "versie"),
        ({"versie": ""}, "versie"),
        ({"bijlage_titel": "Zonder bestand"}, "bestand"),
        ({"bijlage_titel": "t" * 201}, "bijlage_titel"),
        ({"verslag": "nul\x00teken"}, "verslag"),
    ],
)
def test_invalid_report_is_refused_and_changes_nothing(coach_client, world, changes, field):
    workshop = world.workshop
    before = snapshot()
    response = coach_client.post(
        moment_url("uitkomst", workshop), uitkomst_data(coach_client, workshop, **changes)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert snapshot() == before


def test_a_future_moment_cannot_be_held_or_published(coach_client, world):
    workshop = factories.make_workshop(world.traject, volgnummer=3, gepland_op=future())
    workshop.verslag = "Tekst"
    workshop.save()
    before = snapshot()
    response = coach_client.post(
        moment_url("uitkomst", workshop), uitkomst_data(coach_client, workshop, status="gehouden")
    )
    assert response.status_code == 400
    response = coach_client.post(
        moment_url("uitkomst_publicatie", workshop),
        {"versie": workshop.versie, "actie": "publiceren"},
    )
    assert response.status_code == 302
    assert snapshot() == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("toekomst" in m for m in messages)


def test_publishing_needs_a_report(coach_client, world):
    moment = world.coachingsmoment
    response = coach_client.post(
        moment_url("uitkomst_publicatie", moment), {"versie": moment.versie, "actie": "publiceren"}
    )
    assert response.status_code == 302
    moment.refresh_from_db()
    assert not moment.gepubliceerd


def test_a_published_report_cannot_be_emptied_or_reopened(coach_client, world):
    workshop = world.workshop
    factories.publish_report(workshop, "Gepubliceerde tekst")
    before = snapshot()
    for changes in ({"verslag": "  "}, {"status": "gepland"}):
        response = coach_client.post(
            moment_url("uitkomst", workshop), uitkomst_data(coach_client, workshop, **changes)
        )
        assert response.status_code == 400
    assert snapshot() == before


# Attachments.


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_several_attachments_are_added_in_one_save(coach_client, world):
    workshop = world.workshop
    files = [upload("foto.png", png_bytes(), "image/png"), upload("rapport.pdf", PDF_BYTES)]
    data = uitkomst_data(
        coach_client, workshop, bijlage_titel="Genegeerd bij meerdere", bestand=files
    )
    response = coach_client.post(moment_url("uitkomst", workshop), data)
    assert response.status_code == 302
    assert response["Location"] == moment_url("uitkomst", workshop)  # back on the same page
    names = sorted(b.bestandsnaam for b in workshop.bijlagen.all())
    assert names == ["foto.png", "rapport.pdf"]
    assert sorted(b.titel for b in workshop.bijlagen.all()) == names


def test_one_refused_file_refuses_the_whole_save(coach_client, world):
    workshop = world.workshop
    before = snapshot()
    files = [upload("foto.png", png_bytes(), "image/png"), upload("virus.exe", b"MZ" + b"\0" * 64)]
    data = uitkomst_data(coach_client, workshop, verslag="Nieuwe tekst", bestand=files)
    response = coach_client.post(moment_url("uitkomst", workshop), data)
    assert response.status_code == 400
    assert "virus.exe" in " ".join(response.context["form"].errors["bestand"])
    assert "Nieuwe tekst" in response.text  # the report typed so far is still on the page
    assert snapshot() == before


@pytest.mark.parametrize("refused_at", [1, 2], ids=["first-file", "second-file"])
def test_a_full_disk_refuses_the_save_with_a_dutch_message_and_keeps_the_form(
    coach_client, world, settings, monkeypatch, refused_at
):
    from django.core.files.storage import FileSystemStorage

    written = []
    original_save = FileSystemStorage._save

    def disk_fills(self, name, content):
        written.append(name)
        if len(written) >= refused_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_fills)
    workshop = world.workshop
    before = snapshot()
    files = [upload("foto.png", png_bytes(), "image/png"), upload("rapport.pdf", PDF_BYTES)]
    data = uitkomst_data(coach_client, workshop, verslag="Nieuwe tekst", bestand=files)
    response = coach_client.post(moment_url("uitkomst", workshop), data)
    assert response.status_code == 400
    assert "de schijf van de server is vol" in " ".join(response.context["form"].errors["bestand"])
    assert "Nieuwe tekst" in response.text
    assert snapshot() == before
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_public_image_appears_in_the_gallery_after_publishing(coach_client, client, world):
    workshop = world.workshop
    data = uitkomst_data(
        coach_client,
        workshop,
        bijlage_titel="Groepsfoto",
        bijlage_publiek="on",
        bestand=upload("groep.png", png_bytes((40, 30)), "image/png"),
    )
    response = coach_client.post(moment_url("uitkomst", workshop), data)
    assert response.status_code == 302
    bijlage = Bijlage.objects.get(titel="Groepsfoto")
    assert bijlage.is_afbeelding and bijlage.mime_type == "image/png"
    assert bijlage.bestandsnaam == "groep.png" and bijlage.grootte == len(png_bytes((40, 30)))
    assert bijlage.geupload_door == world.coach
    assert not bijlage.bestand.name.endswith("groep.png")  # stored under a random name
    assert client.get(bijlage.get_absolute_url()).status_code == 404  # not yet published

    coach_client.post(
        moment_url("uitkomst_publicatie", workshop),
        {"versie": workshop.versie + 1, "actie": "publiceren"},
    )
    text = client.get(world.traject.get_absolute_url()).text
    assert f'src="{bijlage.get_absolute_url()}"' in text
    served = client.get(bijlage.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_internal_file_is_served_only_to_the_trajectory_coaches(coach_client, client, world):
    workshop = world.workshop
    factories.publish_report(workshop, "Verslag")
    data = uitkomst_data(
        coach_client,
        workshop,
        bijlage_titel="Intern rapport",
        bestand=upload("rapport.pdf", PDF_BYTES),
    )
    assert coach_client.post(moment_url("uitkomst", workshop), data).status_code == 302
    bijlage = Bijlage.objects.get(titel="Intern rapport")
    assert not bijlage.is_publiek and bijlage.mime_type == "application/pdf"
    assert client.get(bijlage.get_absolute_url()).status_code == 404
    assert "Intern rapport" not in client.get(world.traject.get_absolute_url()).text
    coach_url = reverse("coach:bijlage", args=[world.traject.slug, bijlage.pk])
    served = coach_client.get(coach_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert "attachment" in served["Content-Disposition"]
    client.force_login(world.other_coach)
    assert client.get(coach_url).status_code == 404


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    ("name", "content", "code_word"),
    [
        ("verslag.pdf", EXE, "geen toegelaten soort"),
        ("foto.png", HTML, "geen toegelaten soort"),
        ("foto.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "soort"),
        ("foto.pdf", png_bytes(), "past niet"),
        ("document.exe", PDF_BYTES, "past niet"),
        ("zonder-extensie", PDF_BYTES, "past niet"),
        ("kapot.png", png_bytes()[:60], "beschadigd"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_disguised_or_broken_files_are_refused_and_the_text_is_kept(
    coach_client, world, name, content, code_word
):
    workshop = world.workshop
    before = snapshot()
    data = uitkomst_data(
        coach_client,
        workshop,
        verslag="Mijn nieuwe tekst",
        bestand=upload(name, content),
        bijlage_titel="X",
    )
    response = coach_client.post(moment_url("uitkomst", workshop), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["bestand"])
    assert code_word in errors
    assert "Mijn nieuwe tekst" in response.text  # the rest of the form is kept
    assert "kies de bijlagen opnieuw" in response.text
    assert snapshot() == before


def test_oversized_file_is_refused_with_the_limit(coach_client, world, settings):
    settings.MAX_UPLOAD_MB = 1
    workshop = world.workshop
    before = snapshot()
    big = PDF_BYTES + b"0" * (1024 * 1024)
    response = coach_client.post(
        moment_url("uitkomst", workshop),
        uitkomst_data(coach_client, workshop, bestand=upload("groot.pdf", big)),
    )
    assert response.status_code == 400
    assert "hoogstens 1 MB" in " ".join(response.context["form"].errors["bestand"])
    assert snapshot() == before


def test_attachment_title_and_flag_can_be_edited(coach_client, world):
    bijlage = world.bijlage
    url = reverse("coach:bijlage_bewerken", args=[world.traject.slug, bijlage.pk])
    data = {"versie": 1, "titel": "Nieuwe titel", "is_publiek": "on"}
    assert coach_client.post(url, data).status_code == 302
    bijlage.refresh_from_db()
    assert bijlage.titel == "Nieuwe titel" and bijlage.is_publiek
    before = snapshot()
    for bad in ({"versie": 2, "titel": ""}, {"versie": 2, "titel": "t" * 201}):
        assert coach_client.post(url, bad).status_code == 400
    assert snapshot() == before


# Deleting.


def test_a_published_report_is_not_deleted(coach_client, world):
    workshop = world.workshop
    factories.publish_report(workshop, "Gepubliceerd")
    url = moment_url("verwijderen", workshop)
    page = coach_client.get(url)
    assert "Zet de publicatie eerst af" in page.text
    assert "Ja, verwijderen" not in page.text
    response = coach_client.post(url)
    assert response.status_code == 302
    assert Workshop.objects.filter(pk=workshop.pk).exists()


def test_deleting_is_confirmed_and_recorded(coach_client, world):
    workshop, bijlage = world.workshop, world.bijlage
    url = moment_url("verwijderen", workshop)
    assert "Ja, verwijderen" in coach_client.get(url).text
    assert coach_client.post(url).status_code == 302
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
    deleted = Workshop.history.filter(id=workshop.pk, history_type="-").get()
    assert deleted.history_user == world.coach
    assert Bijlage.history.filter(id=bijlage.pk, history_type="-").get().history_user == world.coach
    # The restored row is complete: admin's "revert" works from this record.
    assert deleted.instance.verslag == "Een **klad**verslag."


def test_deleting_an_attachment_and_an_update(coach_client, world):
    bijlage, update = world.bijlage, world.update
    url = reverse("coach:bijlage_verwijderen", args=[world.traject.slug, bijlage.pk])
    assert coach_client.post(url).status_code == 302
    assert not Bijlage.objects.filter(pk=bijlage.pk).exists()
    url = reverse("coach:update_verwijderen", args=[world.traject.slug, update.pk])
    assert coach_client.post(url).status_code == 302
    assert Update.history.filter(id=update.pk, history_type="-").get().history_user == world.coach


# Updates on the timeline.


def test_update_is_public_only_when_published(coach_client, client, world):
    url = reverse("coach:update_nieuw", args=[world.traject.slug])
    data = {"datum": past(2).date().isoformat(), "titel": "Stand van zaken", "tekst": HOSTILE}
    assert coach_client.post(url, data).status_code == 302
    update = Update.objects.get(titel="Stand van zaken")
    assert not update.gepubliceerd and update.auteur == world.coach
    assert "Stand van zaken" not in client.get(world.traject.get_absolute_url()).text

    edit = reverse("coach:update_bewerken", args=[world.traject.slug, update.pk])
    assert coach_client.post(edit, {**data, "versie": 1, "publiceren": "on"}).status_code == 302
    update.refresh_from_db()
    assert update.gepubliceerd and update.gepubliceerd_op
    assert_clean(update.tekst_html)
    text = client.get(world.traject.get_absolute_url()).text
    assert "Stand van zaken" in text and "alert(" not in text


@pytest.mark.parametrize(
    "changes",
    [
        {"titel": ""},
        {"titel": "t" * 201},
        {"tekst": "   "},
        {"tekst": "x" * 10001},
        {"datum": "gisteren"},
        {"datum": "2999-01-01"},
        {"datum": "1999-12-31"},
    ],
)
def test_invalid_update_is_refused(coach_client, world, changes):
    before = snapshot()
    data = {"datum": "2023-01-10", "titel": "Titel", "tekst": "Tekst", "publiceren": "on"}
    url = reverse("coach:update_nieuw", args=[world.traject.slug])
    assert coach_client.post(url, {**data, **changes}).status_code == 400
    assert snapshot() == before


def test_update_in_the_future_is_refused(coach_client, world):
    url = reverse("coach:update_nieuw", args=[world.traject.slug])
    data = {"datum": future(3).date().isoformat(), "titel": "T", "tekst": "Tekst"}
    response = coach_client.post(url, data)
    assert response.status_code == 400
    assert "toekomst" in str(response.context["form"].errors["datum"])


def _coach_model_forms():
    from coach import forms as coach_forms
    from coach import forms_resultaten, forms_uitkomst

    found = []
    for module in (coach_forms, forms_resultaten, forms_uitkomst):
        for value in vars(module).values():
            meta = getattr(value, "_meta", None)
            if (
                isinstance(value, type)
                and getattr(meta, "model", None) is not None
                and value.__module__ == module.__name__
                and not value.__name__.startswith("_")
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("form_class", _coach_model_forms(), ids=lambda c: c.__name__)
def test_every_coach_text_area_takes_its_limit_from_the_model(world, form_class):
    from django import forms

    kwargs = {}
    if "kpi" in inspect.signature(form_class.__init__).parameters:
        kwargs["kpi"] = factories.make_kpi(world.traject, naam="Hergebruik", eenheid="kg")
    try:
        form = form_class(traject=world.traject, **kwargs)
    except TypeError:  # a form that needs no trajectory
        form = form_class(**kwargs)
    areas = {n: f for n, f in form.fields.items() if isinstance(f.widget, forms.Textarea)}
    for name, field in areas.items():
        limit = form_class._meta.model._meta.get_field(name).max_length
        assert limit, f"{form_class._meta.model.__name__}.{name} has no max_length"
        assert field.max_length == limit
        assert field.widget.attrs["maxlength"] == str(limit)
        assert field.widget.attrs.get("rows"), f"{form_class.__name__}.{name} lost its rows"
        assert field.clean("x" * limit) == "x" * limit
        with pytest.raises(ValidationError):
            field.clean("x" * (limit + 1))
