"""axe-core over every public page and every coach page; phone width; the printed summary.

The pages come from walking the URL configuration (tests/url_catalogue.py), with real
slugs from the programme data, so pages added later are checked without changing this file.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from tests import url_catalogue as catalogue

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"serious", "critical"}
PUBLIC_PAGES = [
    r for r in catalogue.routes_in(catalogue.PUBLIC) if r.name not in catalogue.NOT_HTML
]
COACH_PAGES = [
    r
    for r in catalogue.routes_in(
        catalogue.COACH_WIDE | catalogue.PER_TRAJECT | catalogue.MANAGER_ONLY
    )
    if r.name not in catalogue.NOT_HTML
]


@pytest.fixture
def world(coach):
    return catalogue.build_world(coach)


def _public_path(route, world) -> str:
    client = Client()
    path = catalogue.first_path(route, world, lambda p: client.get(p).status_code == 200)
    assert path, f"No sample arguments give 200 for {route.name}."
    return path


def _blocking_violations(page, impacts=BLOCKING) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {len(v['nodes'])}x, e.g. "
        f"{v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def _record(screenshot_dir, line: str) -> None:
    with open(screenshot_dir.parent / "accessibility.txt", "a") as out:
        out.write(line + "\n")


@pytest.mark.parametrize("route", PUBLIC_PAGES, ids=lambda r: r.name)
def test_public_page_has_no_accessibility_findings_at_all(
    live_server, page, world, route, screenshot_dir
):
    paths = [_public_path(route, world)]
    if route.name == "trajecten:detail":  # the pilot page has results, KPIs and charts
        paths.append(world.pilot.get_absolute_url())
    found = []
    for path in paths:
        page.goto(live_server.url + path)
        found += [f"{path} {v}" for v in _blocking_violations(page, impacts=None)]
        _record(screenshot_dir, f"{route.name} {path}: {len(found)} findings of any impact")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("route", COACH_PAGES, ids=lambda r: r.name)
def test_coach_page_has_no_serious_accessibility_findings(
    live_server, browser, world, route, screenshot_dir
):
    owner = Client()
    owner.force_login(catalogue.signed_in_user(route, world))
    path = catalogue.first_path(route, world, lambda p: owner.get(p).status_code == 200)
    if path is None:
        pytest.skip(f"{route.name} has no page to show (POST only)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    host = re.sub(r"^https?://|:\d+$", "", live_server.url)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": owner.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + path)
    assert "login" not in page.url
    found = _blocking_violations(page)
    context.close()
    _record(screenshot_dir, f"{route.name} {path}: {len(found)} serious/critical")
    assert not found, f"{path}:\n" + "\n".join(found)


@pytest.mark.parametrize("route", PUBLIC_PAGES, ids=lambda r: r.name)
def test_public_page_on_a_phone_has_no_horizontal_scroll(
    live_server, phone_page, world, route, screenshot_dir
):
    path = _public_path(route, world)
    phone_page.goto(live_server.url + path)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        phone_page.screenshot(
            path=screenshot_dir / f"phone-{route.name.replace(':', '-')}.png", full_page=True
        )
    assert overflow <= 0, f"{path} scrolls {overflow}px sideways at 360px"


def test_a_trajectory_prints_as_a_clean_one_page_summary(live_server, page, world, screenshot_dir):
    page.goto(live_server.url + world.traject.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", "form"]:
        for element in page.query_selector_all(hidden):
            assert not element.is_visible(), f"{hidden} shows in print"
    assert page.locator("main h1").is_visible()
    page.screenshot(path=screenshot_dir / "traject-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=False)
    (screenshot_dir / "traject-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the printed summary takes {pages} pages"
