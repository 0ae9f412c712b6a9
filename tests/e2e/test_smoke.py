"""A visitor opens the home page and one trajectory and finds every participant."""

import pytest

from trajecten.models import Traject

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_and_trajectory_show_every_participant(programme, live_server, page, screenshot_dir):
    page.goto(live_server.url + "/")
    text = page.inner_text("main")
    for traject in Traject.objects.prefetch_related("besturen"):
        for bestuur in traject.besturen.all():
            assert bestuur.korte_naam in text, bestuur.naam
    assert "Open plaats" in text
    page.screenshot(path=screenshot_dir / "home-desktop.png", full_page=True)

    traject = Traject.objects.get(slug="pilootproject-kenniscentrum-waasland")
    page.goto(live_server.url + traject.get_absolute_url())
    text = page.inner_text("main")
    assert "Stad Sint-Niklaas" in text
    assert "Lokaal bestuur Temse" in text
    assert "Workshop 1" in text


def test_home_on_a_phone_has_no_horizontal_scroll(
    programme, live_server, phone_page, screenshot_dir
):
    phone_page.goto(live_server.url + "/")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    phone_page.screenshot(path=screenshot_dir / "home-phone.png", full_page=True)
    assert overflow <= 0
