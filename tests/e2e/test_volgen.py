"""A visitor follows a trajectory by e-mail on a phone and finds the calendar."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from tests import factories
from trajecten.models import Traject
from volgen.models import Volger

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_follow_a_trajectory_by_email_on_a_phone(
    programme, live_server, phone_page, screenshot_dir
):
    traject = Traject.objects.get(slug="strategie-halle")
    phone_page.goto(live_server.url + traject.get_absolute_url())
    box = phone_page.locator(".volg-box")
    assert "We bewaren alleen uw e-mailadres" in box.inner_text()
    assert _overflow(phone_page) <= 0
    assert _serious(phone_page) == []
    box.get_by_role("link", name="Volg per e-mail").click()
    phone_page.wait_for_load_state()
    phone_page.get_by_label("Uw e-mailadres").fill("bezoeker@example.org")
    phone_page.get_by_role("button", name="Volgen").click()
    phone_page.wait_for_load_state()
    assert "Bijna klaar" in phone_page.inner_text("main, [role=status]")
    phone_page.screenshot(path=screenshot_dir / "volgen-traject-phone.png", full_page=True)
    assert len(mail.outbox) == 1
    assert Volger.objects.get().email == "bezoeker@example.org"

    confirm_url = re.search(r"http://\S+/volgen/bevestigen/\S+/", mail.outbox[0].body).group()
    phone_page.goto(live_server.url + urlsplit(confirm_url).path)
    assert _serious(phone_page) == []
    phone_page.get_by_role("button", name="Ja, ik wil dit volgen").click()
    phone_page.wait_for_load_state()
    assert "U volgt Circulaire strategie Halle" in phone_page.inner_text("h1")
    assert Volger.objects.get().is_bevestigd


def test_follow_form_with_a_bad_address_explains_the_error(programme, live_server, page):
    page.goto(live_server.url + "/volgen/besturen/halle/")
    page.get_by_label("Uw e-mailadres").fill("niet-geldig@")
    page.get_by_role("button", name="Volgen").click()
    page.wait_for_load_state()
    assert "Dit is geen geldig e-mailadres" in page.inner_text("main")
    assert _serious(page) == []
    assert not Volger.objects.exists()


def test_calendar_page_works_on_a_phone_without_findings(
    programme, live_server, phone_page, page, screenshot_dir
):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.make_workshop(
        traject, volgnummer=9, titel="Komende workshop", gepland_op=timezone.now() + timedelta(7)
    )
    for browser_page, name in ((phone_page, "phone"), (page, "desktop")):
        browser_page.goto(live_server.url + "/kalender/")
        assert "Komende workshop" in browser_page.inner_text("main")
        assert _overflow(browser_page) <= 0
        assert _serious(browser_page) == []
        browser_page.screenshot(path=screenshot_dir / f"kalender-{name}.png", full_page=True)
