"""The admin speaks Dutch: every page of every registered model, and the index grouped by task."""

import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from besturen.models import Bestuur
from tests import factories
from trajecten.models import Traject

pytestmark = pytest.mark.django_db

# Phrases the admin and its packages show in English when a catalogue lacks them.
ENGLISH = [
    "Search ",
    "Filter by",
    "Pagination",
    "Note: ",
    "Access attempt",
    "Access failure",
    "Access log",
    "Add ",
    "Change ",
    "Delete ",
    "History",
    "Save",
    "View on site",
    "Log out",
    "Logout",
    "Welcome",
    "Recent actions",
    "Select ",
    "Action:",
    "Revert",
    "Changed by",
    "Change reason",
    "Date/time",
    "Comment",
    "User Agent",
    "IP Address",
    "Attempt Time",
    "Failed Logins",
    "entries",
    "successfully",
    "Forgotten your",
    "Toggle",
    "Skip to",
    "Home",
    "Show all",
    "Clear all",
    "Unknown",
]
_PATTERN = re.compile("|".join(rf"\b{re.escape(p.strip())}\b" for p in ENGLISH))
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1>", re.S)
_ATTRIBUTES = re.compile(r'\b(?:alt|title|aria-label|placeholder|value)="([^"]*)"')


def _visible_text(page: str) -> str:
    page = _HIDDEN.sub(" ", page)
    attributes = " ".join(_ATTRIBUTES.findall(page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def _english_in(page: str) -> list[str]:
    return sorted(set(_PATTERN.findall(_visible_text(page))))


def _admin_pages():
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{info}_changelist")
        if model_admin.search_fields:
            yield reverse(f"{info}_changelist") + "?q=zzz-niets"
        yield reverse(f"{info}_add")
        obj = model.objects.first()
        if obj is not None:
            yield reverse(f"{info}_change", args=[obj.pk])
            yield reverse(f"{info}_history", args=[obj.pk])
            yield reverse(f"{info}_delete", args=[obj.pk])
            version = getattr(obj, "history", None)
            if version is not None and version.exists():
                args = [obj.pk, version.first().pk]
                yield reverse(f"{info}_simple_history", args=args)
        app_index = reverse("admin:app_list", args=[model._meta.app_label])
        yield app_index


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("super", "super@example.org", "x")
    client.force_login(user)
    return client


def test_no_admin_page_shows_english(programme, superuser_client):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.make_update(traject)
    superuser_client.post("/accounts/login/", {"username": "niemand", "password": "fout"})
    found = {}
    pages = ["/admin/", "/admin/password_change/", *dict.fromkeys(_admin_pages())]
    for url in pages:
        response = superuser_client.get(url)
        if response.status_code == 403:  # pages the admin refuses (adding to a log)
            continue
        assert response.status_code == 200, url
        english = _english_in(response.content.decode())
        if english:
            found[url] = english
    assert found == {}
    assert len(pages) > 60


def test_admin_javascript_speaks_dutch(superuser_client):
    catalogue = superuser_client.get("/admin/jsi18n/").content.decode()
    assert "Let op: vul tijden in volgens de tijdzone" in catalogue
    assert "Vandaag (%(date)s)" in catalogue


def test_the_index_is_grouped_by_task(programme, superuser_client):
    page = superuser_client.get("/admin/").content.decode()
    headings = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', page)
    assert headings == ["Programma", "Resultaten", "Referentielijsten", "Volgen", "Toegang"]


def test_success_messages_need_no_article(programme, superuser_client):
    bestuur = Bestuur.objects.get(slug="halle")
    url = reverse("admin:besturen_bestuur_change", args=[bestuur.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data |= {"lidmaatschappen-TOTAL_FORMS": "0", "lidmaatschappen-INITIAL_FORMS": "0"}
    response = superuser_client.post(url, data, follow=True)
    text = " ".join(_visible_text(response.content.decode()).split())
    assert "‘ Stad Halle ’ (bestuur) is met succes gewijzigd." in text
    assert "De bestuur" not in text


@pytest.mark.parametrize(
    ("query", "found"),
    [("sint niklaas", "Stad Sint-Niklaas"), ("SINT-NIKLAAS", "Stad Sint-Niklaas")],
)
def test_admin_search_forgives_case_and_hyphens(programme, superuser_client, query, found):
    response = superuser_client.get(reverse("admin:besturen_bestuur_changelist"), {"q": query})
    assert [str(b) for b in response.context["cl"].result_list] == [found]
