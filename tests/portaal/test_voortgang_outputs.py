"""Every output says the same thing about a trajectory's progress, in each state.

One trajectory is put in each state of the table (time-machine sets the clock inside or after
its round); then the trajectory page, the home card, the trajectory list, the bestuur page,
the round page, the comparison, the map, the search, the calendar, the open data (CSV and
JSON), the feed and the admin list are read, and each must show the label and the sentence
that `trajecten/voortgang.py` derives, and "achter op planning" only when it says so.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape

import pytest
from django.urls import reverse

from tests import factories
from trajecten.models import Traject
from trajecten.voortgang import TrajectStaat

pytestmark = pytest.mark.django_db

INSIDE = datetime(2023, 3, 1, 12, tzinfo=UTC)
AFTER = datetime(2026, 12, 1, 12, tzinfo=UTC)
TITLE = "Circulair proeftraject Zonnedorp"


@dataclass(frozen=True)
class Case:
    name: str
    now: datetime
    staat: TrajectStaat
    label: str
    sentence: str
    behind: bool = False
    statuses: tuple[str, ...] = ("gepland", "gepland", "gepland")
    dated_days_ago: int | None = None  # workshop 1's date, relative to the clock
    publish_first: bool = False
    gestopt: bool = False
    open_place: bool = False


CASES = [
    Case(
        "niet gestart",
        INSIDE,
        TrajectStaat.NIET_GESTART,
        "Niet gestart",
        "0 van 3 workshops gehouden; geen verslag gepubliceerd.",
    ),
    Case(
        "achter op planning",
        INSIDE,
        TrajectStaat.NIET_GESTART,
        "Niet gestart",
        "0 van 3 workshops gehouden; geen verslag gepubliceerd.",
        behind=True,
        dated_days_ago=30,
    ),
    Case(
        "binnen de marge",
        INSIDE,
        TrajectStaat.NIET_GESTART,
        "Niet gestart",
        "0 van 3 workshops gehouden; geen verslag gepubliceerd.",
        dated_days_ago=10,
    ),
    Case(
        "onderweg",
        INSIDE,
        TrajectStaat.ONDERWEG,
        "Onderweg",
        "1 van 3 workshops gehouden; 1 verslag gepubliceerd.",
        statuses=("gehouden", "gepland", "gepland"),
        dated_days_ago=30,
        publish_first=True,
    ),
    Case(
        "afgerond",
        INSIDE,
        TrajectStaat.AFGEROND,
        "Afgerond",
        "3 van 3 workshops gehouden; 1 verslag gepubliceerd.",
        statuses=("gehouden", "gehouden", "gehouden"),
        dated_days_ago=60,
        publish_first=True,
    ),
    Case(
        "gestopt",
        INSIDE,
        TrajectStaat.GESTOPT,
        "Gestopt",
        "Gestopt: 1 van 3 workshops gehouden; geen verslag gepubliceerd.",
        statuses=("gehouden", "gepland", "gepland"),
        dated_days_ago=60,
        gestopt=True,
    ),
    Case(
        "ronde voorbij, niets bekend",
        AFTER,
        TrajectStaat.GEEN_PUBLIEKE_INFORMATIE,
        "Geen publieke informatie",
        "Geen publieke informatie over dit traject.",
        dated_days_ago=1300,
    ),
    Case(
        "ronde voorbij, deels vastgelegd",
        AFTER,
        TrajectStaat.ONDERWEG,
        "Deels vastgelegd",
        "2 van 3 workshops gehouden; geen verslag gepubliceerd.",
        statuses=("gehouden", "gehouden", "gepland"),
        dated_days_ago=1300,
    ),
    Case(
        "open plaats",
        INSIDE,
        TrajectStaat.NIET_INGEVULD,
        "Nog niet ingevuld",
        "Het bestuur voor deze plaats is nog niet bekend.",
        dated_days_ago=30,
        open_place=True,
    ),
]


def _build(case: Case) -> tuple[Traject, object]:
    ronde = factories.make_ronde(
        naam="Ronde 2022–2023", slug="2022-2023", start=date(2022, 11, 1), einde=date(2023, 6, 30)
    )
    bestuur = None if case.open_place else factories.make_bestuur(naam="Stad Zonnedorp")
    traject = factories.make_traject(
        besturen=[bestuur] if bestuur else [],
        ronde=ronde,
        titel=TITLE,
        gestopt=case.gestopt,
        open_plaats="Nog te kiezen" if case.open_place else "",
    )
    for number, status in enumerate(case.statuses, start=1):
        when = None
        if case.dated_days_ago is not None:
            when = case.now - timedelta(days=case.dated_days_ago) + timedelta(days=number - 1)
            if number > 1 and status == "gepland" and case.now == INSIDE:
                when = case.now + timedelta(days=40 * number)  # later workshops still to come
        factories.make_workshop(traject, volgnummer=number, status=status, gepland_op=when)
    if case.publish_first:
        factories.publish_report(traject.workshops.get(volgnummer=1), "Verslag van workshop 1.")
    return traject, bestuur


def _html_outputs(client, traject, bestuur) -> dict[str, str]:
    pages = {
        "trajectpagina": traject.get_absolute_url(),
        "startpagina": reverse("portaal:home"),
        "trajectenlijst": reverse("trajecten:list"),
        "rondepagina": reverse("portaal:ronde", args=[traject.ronde.slug]),
        "vergelijking": reverse("portaal:vergelijk"),
        "zoeken": reverse("portaal:zoeken") + "?q=Zonnedorp",
    }
    if bestuur is not None:
        pages["bestuurspagina"] = bestuur.get_absolute_url()
        pages["kaart"] = reverse("portaal:kaart")
    out = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        out[name] = response.content.decode()
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_output_says_the_same_about_progress(case, client, admin_client, time_machine):
    time_machine.move_to(case.now)
    traject, bestuur = _build(case)
    progress = Traject.objects.with_progress().get(pk=traject.pk).voortgang
    assert (progress.staat, progress.label, progress.samenvatting) == (
        case.staat,
        case.label,
        case.sentence,
    )
    assert progress.achter_op_planning == case.behind

    for name, html in _html_outputs(client, traject, bestuur).items():
        assert escape(case.label) in html, name
        if name not in {"zoeken", "vergelijking"}:  # they show the label only
            assert escape(case.sentence, quote=False) in html, name
        assert ("Achter op planning" in html) == case.behind, name
        if case.now == AFTER:
            assert ">Gepland<" not in html and "achter op planning" not in html.lower(), name

    rows = list(csv.DictReader(io.StringIO(_get(client, "portaal:open_data_csv"))))
    row = next(r for r in rows if r["titel"] == TITLE)
    assert (row["status"], row["status_tekst"], row["voortgang"]) == (
        case.staat,
        case.label,
        case.sentence,
    )
    assert row["achter_op_planning"] == ("true" if case.behind else "false")
    data = json.loads(_get(client, "portaal:open_data_json"))
    item = next(r for r in data["rijen"] if r["titel"] == TITLE)
    assert (item["status"], item["status_tekst"], item["achter_op_planning"]) == (
        case.staat,
        case.label,
        case.behind,
    )

    admin = admin_client.get(reverse("admin:trajecten_traject_changelist")).content.decode()
    assert escape(f"{case.label}: {case.sentence}", quote=False) in admin
    filtered = admin_client.get(
        reverse("admin:trajecten_traject_changelist"), {"voortgang": case.staat}
    )
    assert TITLE in filtered.content.decode()

    feed = client.get(reverse("volgen:programma_atom")).content.decode()
    assert ("Traject afgerond" in feed) == (case.staat == TrajectStaat.AFGEROND)

    calendar = client.get(reverse("volgen:kalender")).content.decode()
    for moment, moment_progress in progress.momenten:
        if moment.gepland_op is not None:
            assert escape(moment_progress.label) in calendar


def _get(client, name: str) -> str:
    return client.get(reverse(name, args=["trajecten"])).content.decode()
