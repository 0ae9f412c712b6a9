"""One voice: every public and coach page says "u", and writes months in lower case.

Walks one sample of every public and coach URL of the catalogue, with the programme, the demo
content and a fully filled trajectory, and reads the text a person sees.
"""

import html
import re

import pytest
from django.test import Client

from tests import url_catalogue as catalogue

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)
MONTHS = (
    "Jan|Feb|Mrt|Apr|Mei|Jun|Jul|Aug|Sep|Okt|Nov|Dec|Januari|Februari|Maart|April|Juni|Juli"
    "|Augustus|September|Oktober|November|December"
)
CAPITALISED_MONTH = re.compile(rf"\b\d{{1,2}} ({MONTHS})\b")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def _visible_text(page: str) -> str:
    page = _HIDDEN.sub(" ", page)
    attributes = " ".join(re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


@pytest.fixture
def world(coach):
    return catalogue.build_world(coach)


def _html_pages(client, routes, world):
    def is_html_page(path):
        response = client.get(path)
        return response.status_code == 200 and response["Content-Type"].startswith("text/html")

    for route in routes:
        path = catalogue.first_path(route, world, is_html_page)
        if path:
            yield path, client.get(path).content.decode()


def _problems(pages) -> dict[str, list[str]]:
    found = {}
    for path, page in pages:
        text = _visible_text(page)
        problems = INFORMAL.findall(text) + CAPITALISED_MONTH.findall(text)
        if problems:
            found[path] = sorted(set(problems))
    return found


def test_public_pages_say_u_and_write_months_in_lower_case(world):
    pages = list(_html_pages(Client(), catalogue.routes_in(catalogue.PUBLIC), world))
    assert len(pages) > 10
    assert _problems(pages) == {}


def test_coach_pages_say_u_and_write_months_in_lower_case(world):
    client = Client()
    client.force_login(world.coach)
    pages = list(_html_pages(client, catalogue.protected_routes(), world))
    assert len(pages) > 10
    assert _problems(pages) == {}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("U kunt ook downloaden", False),
        ("kan je ook downloaden", True),
        ("Jouw naam", True),
        ("15 feb 2023", False),
        ("15 Feb 2023", True),
        ("31 Mrt 2023", True),
        ("3 Januari", True),
        ("Projectje", False),
    ],
)
def test_the_checks_themselves(text, found):
    assert bool(INFORMAL.search(text) or CAPITALISED_MONTH.search(text)) is found
