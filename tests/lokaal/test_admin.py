"""Programme managers run everything in Django admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories
from trajecten.models import Traject

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_has_working_admin_pages(programme, admin_client):
    factories.make_update(Traject.objects.get(slug="strategie-halle"))
    for model, model_admin in admin.site._registry.items():
        changelist = _admin_url(model, "changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert admin_client.get(changelist, {"q": "a"}).status_code == 200, changelist
        add = admin_client.get(_admin_url(model, "add"))
        assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
        obj = model.objects.first()
        if obj is not None:
            assert admin_client.get(_admin_url(model, "change", obj.pk)).status_code == 200, model


def test_trajectory_admin_shows_workshops_inline_and_autocompletes(programme, admin_client):
    traject = Traject.objects.get(slug="strategie-halle")
    content = admin_client.get(_admin_url(Traject, "change", traject.pk)).content.decode()
    assert "Prioriteiten bepalen" in content  # workshop 1, inline
    assert "admin-autocomplete" in content


def test_new_trajectory_in_admin_gets_its_template_workshops(programme, admin_client):
    ronde = Traject.objects.first().ronde
    data = {
        "ronde": ronde.pk,
        "soort": "pilootproject",
        "titel": "Een nieuw pilootproject",
        "slug": "nieuw-pilootproject",
        "status": "gepland",
        "gepland_start": "2023-01-01",
        "gepland_einde": "2023-06-30",
    }
    for prefix in ("deelnames", "updates", "workshops", "coachingsmomenten"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(_admin_url(Traject, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    traject = Traject.objects.get(slug="nieuw-pilootproject")
    assert list(traject.workshops.values_list("volgnummer", flat=True)) == [1, 2, 3]


def test_end_before_start_is_refused_in_admin(programme, admin_client):
    traject = Traject.objects.get(slug="strategie-halle")
    response = admin_client.get(_admin_url(Traject, "change", traject.pk))
    assert response.status_code == 200
    data = {
        "ronde": traject.ronde_id,
        "soort": "strategie",
        "titel": "x",
        "slug": "x-traject",
        "status": "gepland",
        "gepland_start": "2023-06-01",
        "gepland_einde": "2023-01-01",
    }
    for prefix in ("deelnames", "updates", "workshops", "coachingsmomenten"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(_admin_url(Traject, "add"), data)
    assert response.status_code == 200
    assert not Traject.objects.filter(slug="x-traject").exists()


def test_a_report_edited_in_admin_is_rendered_dated_and_versioned(programme, admin_client):
    from workshops.models import Workshop

    workshop = Workshop.objects.get(traject__slug="strategie-halle", volgnummer=1)
    data = {
        "traject": workshop.traject_id,
        "volgnummer": 1,
        "titel": workshop.titel,
        "thema": workshop.thema,
        "status": "gehouden",
        "gepland_op_0": "2023-01-10",
        "gepland_op_1": "14:00",
        "verslag": "We kozen **drie** domeinen.",
        "gepubliceerd": "on",
        "bijlagen-TOTAL_FORMS": "0",
        "bijlagen-INITIAL_FORMS": "0",
    }
    response = admin_client.post(_admin_url(Workshop, "change", workshop.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    workshop.refresh_from_db()
    assert workshop.verslag_html == "<p>We kozen <strong>drie</strong> domeinen.</p>"
    assert workshop.gepubliceerd_op is not None
    assert workshop.versie == 2
    page = admin_client.get(workshop.traject.get_absolute_url()).content.decode()
    assert "<strong>drie</strong>" in page
    # A published report has no delete button in admin.
    assert admin_client.get(_admin_url(Workshop, "delete", workshop.pk)).status_code == 403


def test_an_update_published_in_admin_gets_its_date(programme, admin_client):
    from trajecten.models import Update

    traject = Traject.objects.get(slug="strategie-halle")
    data = {
        "traject": traject.pk,
        "datum": "2023-02-01",
        "titel": "Nieuws",
        "tekst": "Een *update*.",
        "gepubliceerd": "on",
    }
    response = admin_client.post(_admin_url(Update, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = Update.objects.get(titel="Nieuws")
    assert update.gepubliceerd_op is not None
    assert update.tekst_html == "<p>Een <em>update</em>.</p>"
    assert admin_client.get(traject.get_absolute_url()).status_code == 200
