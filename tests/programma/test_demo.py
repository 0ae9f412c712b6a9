"""The demo's structured results say what its reports say, and everything from it is marked."""

import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from trajecten.models import GekozenModule, Traject

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(programme, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 10, tzinfo=UTC))
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("strategie-halle", ["circulair bouwen", "deel- en hersteleconomie", "voedselketen"]),
        ("pilootproject-deelfabriek-kortrijk", ["businessmodel", "communicatieplan", "kpi's"]),
    ],
)
def test_demo_results_match_the_demo_reports(demo, slug, words):
    traject = Traject.objects.get(slug=slug)
    report = traject.workshops.get(volgnummer=1).verslag.lower()
    if traject.soort == Traject.Soort.STRATEGIE:
        chosen = [d.naam.lower() for d in traject.prioritaire_actiedomeinen.all()]
    else:
        chosen = [m.module.naam.lower() for m in traject.modules.all()]
        assert all(m.is_demo for m in GekozenModule.objects.filter(traject=traject))
    for word in words:
        assert word in report
        assert any(name.startswith(word.split()[0]) for name in chosen), word


def test_comparison_marks_what_comes_from_demo_content(demo, client):
    html = client.get("/vergelijk/").content.decode()
    assert "Nog geen enkel traject heeft prioritaire actiedomeinen vastgelegd" not in html
    for name in ["Halle", "Kortrijk", "Roeselare"]:
        row = re.search(rf">{name}</a>(.*?)</tr>", html, flags=re.S).group(1)
        assert "badge-demo" in row, name
    turnhout = re.search(r">Turnhout</a>(.*?)</tr>", html, flags=re.S).group(1)
    assert "badge-demo" not in turnhout


def test_cards_from_demo_content_carry_the_mark(demo, client):
    html = client.get("/").content.decode()
    halle = html[html.index(">Halle</a>") - 1500 : html.index(">Halle</a>") + 1500]
    assert "badge-demo" in halle
