"""Rounds have a life cycle and an archive: the acceptance checks of issue 9."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from besturen.models import Bestuur
from tests import factories
from trajecten.models import Ronde, Traject

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 1, 10, tzinfo=UTC)
INSIDE = datetime(2023, 3, 1, 10, tzinfo=UTC)
FINAL_LABELS = {
    "Geen publieke informatie",
    "Deels vastgelegd",
    "Afgerond",
    "Gestopt",
    "Nog niet ingevuld",
}
PUBLIC_PAGES = [
    "/",
    "/rondes/",
    "/rondes/2022-2023/",
    "/trajecten/",
    "/besturen/",
    "/vergelijk/",
    "/kaart/",
]


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("with_demo", [False, True])
def test_a_past_round_shows_no_planned_and_no_behind_plan(
    with_demo, programme, client, time_machine
):
    time_machine.move_to(TODAY)
    if with_demo:
        call_command("load_demo", verbosity=0)
    for url in PUBLIC_PAGES + [t.get_absolute_url() for t in Traject.objects.all()]:
        html = _text(client.get(url))
        assert "achter op planning" not in html.lower(), url
        assert not re.search(r">\s*Gepland\s*<", html), url
        badges = set(re.findall(r'badge-staat">([^<]*)<', html))
        assert badges <= FINAL_LABELS, url
    home = _text(client.get("/"))
    assert "Ronde 2022–2023 liep van november 2022 tot juni 2023 en is voorbij." in home
    assert "Geen publieke informatie over dit traject." in home
    # The open sixth place is not filled, never behind and never a fact about a bestuur.
    assert "Welk bestuur deze plaats innam, is niet publiek bekend." in home


def test_inside_the_round_a_date_long_past_without_record_is_behind_plan(
    programme, client, time_machine
):
    time_machine.move_to(INSIDE)
    html = _text(client.get("/"))
    assert "Achter op planning" not in html  # no workshop has a date: nothing is behind
    traject = Traject.objects.get(slug="strategie-halle")
    workshop = traject.workshops.get(volgnummer=1)
    workshop.gepland_op = datetime(2023, 2, 1, tzinfo=UTC)
    workshop.save()
    html = _text(client.get("/"))
    assert html.count('class="badge badge-achter"') == 1
    assert "Achter op planning" in _text(client.get(traject.get_absolute_url()))


def test_a_manager_closes_a_round_in_admin(programme, admin_client, time_machine):
    time_machine.move_to(INSIDE)
    ronde = Ronde.objects.get(slug="2022-2023")
    assert ronde.fase == "lopend"
    admin_client.post(
        reverse("admin:trajecten_ronde_changelist"),
        {"action": "close_rounds", "_selected_action": [ronde.pk]},
    )
    ronde.refresh_from_db()
    assert (ronde.afgesloten_op, ronde.fase) == (date(2023, 3, 1), "afgesloten")


def test_a_new_round_in_admin_takes_the_home_page_and_keeps_the_archive(
    programme, admin_client, client, time_machine
):
    time_machine.move_to(datetime(2024, 11, 15, 10, tzinfo=UTC))
    archive = {
        url: _text(client.get(url)) for url in ["/rondes/2022-2023/", "/vergelijk/?ronde=2022-2023"]
    }
    response = admin_client.post(
        reverse("admin:trajecten_ronde_add"),
        {
            "naam": "Ronde 2024–2025",
            "slug": "2024-2025",
            "start": "2024-11-01",
            "einde": "2025-06-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bestuur = factories.make_bestuur(naam="Gemeente Nieuwdorp", korte_naam="Nieuwdorp")
    factories.make_traject(
        besturen=[bestuur],
        ronde=Ronde.objects.get(slug="2024-2025"),
        titel="Nieuwdorp circulair",
        gepland_start=date(2024, 11, 1),
        gepland_einde=date(2025, 6, 30),
    )
    home = _text(client.get("/"))
    assert "Ronde 2024–2025 loopt van november 2024 tot juni 2025." in home
    assert "Nieuwdorp" in home and "Halle" not in home
    assert 'href="/rondes/2022-2023/"' in home
    for url, before in archive.items():
        assert _same_content(before, _text(client.get(url))), url
    # A bestuur in both rounds shows both.
    factories.make_traject(
        besturen=[Bestuur.objects.get(slug="halle")], ronde=Ronde.objects.get(slug="2024-2025")
    )
    halle = _text(client.get("/besturen/halle/"))
    assert "Ronde 2022–2023" in halle and "Ronde 2024–2025" in halle


def _strip_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _main(html: str) -> str:
    html = _strip_tokens(html)
    html = re.sub(r'<p class="mt-2 mb-0 small andere-rondes">.*?</p>', "", html, flags=re.S)
    html = re.sub(r'<nav aria-label="Rondes".*?</nav>', "", html, flags=re.S)
    return re.sub(r"\n\s*\n", "\n", html)


def _same_content(before: str, after: str) -> bool:
    """Archive pages are unchanged except for the links to the other rounds."""
    return _main(before) == _main(after)


@pytest.mark.parametrize(
    "url",
    [
        "/trajecten/?ronde=bestaat-niet",
        "/besturen/?ronde=bestaat-niet",
        "/vergelijk/?ronde=bestaat-niet",
        "/kaart/?ronde=bestaat-niet",
        "/feeds/nieuws.atom?ronde=bestaat-niet",
        "/feeds/nieuws.rss?ronde=bestaat-niet",
        "/open-data/trajecten.csv?ronde=bestaat-niet",
        "/open-data/workshops.json?ronde=bestaat-niet",
    ],
)
def test_an_unknown_round_is_a_400_in_dutch(url, programme, client):
    response = client.get(url)
    assert response.status_code == 400
    assert "ronde" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("url", "present", "absent"),
    [
        ("/trajecten/?ronde={new}", "Nieuwdorp circulair", "Strategie Halle"),
        ("/trajecten/?ronde={old}", "Open plaats", "Nieuwdorp circulair"),
        ("/besturen/?ronde={new}", "Gemeente Nieuwdorp", "Stad Halle"),
        ("/vergelijk/?ronde={new}", "Nieuwdorp", "Halle"),
        ("/kaart/?ronde={new}", "Nieuwdorp circulair", "Deelfabriek"),
        ("/open-data/trajecten.csv?ronde={new}", "nieuwdorp", "strategie-halle"),
    ],
)
def test_round_filter_keeps_one_round(url, present, absent, programme, client):
    bestuur = factories.make_bestuur(
        naam="Gemeente Nieuwdorp", korte_naam="Nieuwdorp", slug="nieuwdorp"
    )
    new = factories.make_ronde(
        naam="Ronde 2024–2025", slug="2024-2025", start=date(2024, 11, 1), einde=date(2025, 6, 30)
    )
    factories.make_traject(
        besturen=[bestuur], ronde=new, titel="Nieuwdorp circulair", slug="nieuwdorp"
    )
    html = _text(client.get(url.format(new="2024-2025", old="2022-2023")))
    assert present in html
    assert absent not in html


def test_demo_removal_leaves_no_trace(programme, client, time_machine):
    time_machine.move_to(TODAY)
    urls = (
        PUBLIC_PAGES
        + [
            "/open-data/trajecten.csv",
            "/open-data/modules.csv",
            "/feeds/nieuws.atom",
        ]
        + [t.get_absolute_url() for t in Traject.objects.all()]
    )

    def snapshot():
        pages = {}
        for url in urls:
            html = _strip_tokens(_text(client.get(url)))
            # Feeds carry their own build time.
            pages[url] = re.sub(r"<updated>[^<]*</updated>", "", html)
        return pages

    before = snapshot()
    call_command("load_demo", verbosity=0)
    with_demo = snapshot()
    assert with_demo != before
    assert "demo" in with_demo["/vergelijk/"]
    call_command("load_demo", "--verwijder", verbosity=0)
    after = snapshot()
    for url in urls:
        assert after[url] == before[url], url
