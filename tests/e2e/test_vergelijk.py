"""A visitor compares the participants and finds them on the map, with and without JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from programma.bulk import add_activity
from tests import factories
from trajecten.models import Actiedomein, Traject

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(programme):
    """A little published activity, so the pages show more than an empty round."""
    kortrijk = Traject.objects.get(slug="pilootproject-deelfabriek-kortrijk")
    add_activity(kortrijk)
    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(halle.workshops.get(volgnummer=1), "Drie actiedomeinen gekozen.")
    halle.prioritaire_actiedomeinen.add(
        *Actiedomein.objects.filter(slug__in=["circulair-bouwen", "voedselketen"])
    )


def _serious_axe_findings(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_comparison_page_on_desktop_and_phone(story, live_server, page, phone_page, screenshot_dir):
    page.goto(live_server.url + "/vergelijk/")
    assert page.locator("caption").count() == 3
    summary = page.inner_text("#kop-samenvatting + ul")
    assert "Deze ronde telt 9 trajecten" in summary
    row = page.locator("tr", has=page.locator("th", has_text="Kortrijk")).first
    assert "Gehouden" in row.inner_text()
    assert _serious_axe_findings(page) == []
    page.screenshot(path=screenshot_dir / "vergelijk-1280.png", full_page=True)

    phone_page.goto(live_server.url + "/vergelijk/")
    assert _overflow(phone_page) <= 0  # the tables scroll inside their wrappers
    wrapper = phone_page.locator(".tabel-wrapper").first
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")
    phone_page.screenshot(path=screenshot_dir / "vergelijk-360.png", full_page=True)


def test_map_shows_markers_even_when_tiles_fail(
    story, live_server, page, phone_page, screenshot_dir
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.goto(live_server.url + "/kaart/", wait_until="domcontentloaded")
    page.wait_for_selector(".leaflet-marker-icon")
    # Twelve located besturen; Oostende and its economic agency share one marker.
    assert page.locator(".leaflet-marker-icon").count() == 11
    assert not page.locator(".kaart-zonder-js").count()
    page.locator(".leaflet-marker-icon[title='Imog']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Gemeentevennoten (11)" in popup.inner_text()
    assert "Zwevegem" in popup.inner_text()
    assert errors == []
    # Leaflet fades the popup in; axe measures contrast, so wait until it is fully opaque.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    assert _serious_axe_findings(page) == []
    page.screenshot(path=screenshot_dir / "kaart-1280.png", full_page=True)

    phone_page.goto(live_server.url + "/kaart/", wait_until="domcontentloaded")
    phone_page.wait_for_selector(".leaflet-marker-icon")
    assert _overflow(phone_page) <= 0
    phone_page.screenshot(path=screenshot_dir / "kaart-360.png", full_page=True)


def test_map_page_without_javascript_shows_the_list(story, live_server, browser, screenshot_dir):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/kaart/", wait_until="domcontentloaded")
        assert page.locator(".leaflet-marker-icon").count() == 0
        assert "De kaart heeft JavaScript nodig" in page.inner_text("#kaart")
        listing = page.inner_text(".kaart-lijst")
        for naam in ["Stad Halle", "Imog", "Intradura", "Stad Kortrijk", "Lokaal bestuur Temse"]:
            assert naam in listing
        assert "Gemeentevennoten (19)" in listing
        page.screenshot(path=screenshot_dir / "kaart-zonder-js-360.png", full_page=True)
    finally:
        context.close()
