"""One page per workshop outcome, in a browser: the whole outcome of a workshop logged,
previewed and published in at most four page loads from the dashboard; axe and a phone."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from tests import factories
from tests.e2e.test_coach_flow import log_in, overflow, serious_violations
from trajecten.models import (
    Actiedomein,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    Ondersteuningsmodule,
    Partner,
    Traject,
)
from workshops.models import Bijlage

pytestmark = pytest.mark.django_db(transaction=True)

MAX_PAGE_LOADS = 4


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (31, 111, 67)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def programme(db):
    today = timezone.localdate()
    ronde = factories.make_ronde(
        start=today - timedelta(days=200), einde=today + timedelta(days=200)
    )
    period = {"ronde": ronde, "gepland_start": ronde.start, "gepland_einde": ronde.einde}
    strategie = factories.make_traject(titel="Circulaire strategie Voorbeeld", **period)
    pilot = factories.make_traject(
        titel="Pilootproject Deelfabriek", soort=Traject.Soort.PILOOTPROJECT, **period
    )
    # Workshop 1 of the strategy track has no date yet: the usual case.
    factories.make_workshop(strategie, volgnummer=1, titel="Prioriteiten")
    factories.make_workshop(
        pilot, volgnummer=1, titel="Businessmodel", gepland_op=timezone.now() - timedelta(days=6)
    )
    for i, naam in enumerate(["Bouw", "Textiel", "Voeding", "Kunststoffen"]):
        Actiedomein.objects.create(naam=naam, slug=f"domein-{i}", volgorde=i)
    for i, naam in enumerate(["Aankoopbeleid", "Subsidies", "Regelgeving"]):
        Beleidsinstrument.objects.create(naam=naam, slug=f"instrument-{i}", volgorde=i)
    for i, naam in enumerate(["Businessmodel uitwerken", "Partners zoeken"]):
        Ondersteuningsmodule.objects.create(naam=naam, slug=f"module-{i}", volgorde=i)
    factories.make_coach("coach", strategie, pilot)
    return {"strategie": strategie, "pilot": pilot}


class PageLoads:
    """Counts the documents the browser loads in the main frame (a redirect chain is one)."""

    def __init__(self, page):
        self.urls = []
        page.on("load", lambda: self.urls.append(page.url))

    def __len__(self):
        return len(self.urls)

    def check(self, live_server):
        """At most MAX_PAGE_LOADS, counted from the dashboard to the published outcome page."""
        assert self.urls[0] == live_server.url + "/coach/", self.urls  # the counting works
        assert self.urls[-1].endswith("/uitkomst/"), self.urls
        assert len(self.urls) <= MAX_PAGE_LOADS, self.urls


def _open_from_dashboard(page, live_server, traject, link_name) -> PageLoads:
    log_in(page, live_server)
    loads = PageLoads(page)
    page.goto(live_server.url + "/coach/")  # page load 1: the dashboard
    card = page.locator(".card-traject", has_text=traject.titel)
    card.get_by_role("link", name=link_name).click()  # page load 2: the outcome page
    page.wait_for_load_state()
    assert "/uitkomst/" in page.url
    return loads


def test_strategy_workshop_1_logged_and_published_in_four_page_loads(
    programme, live_server, page, screenshot_dir
):
    traject = programme["strategie"]
    loads = _open_from_dashboard(page, live_server, traject, "Workshop 1: Prioriteiten")
    assert "Datum nog niet bekend" in page.inner_text("main")

    page.fill("input[name=datum]", (timezone.localdate() - timedelta(days=3)).isoformat())
    page.fill("input[name=uur]", "14:00")
    page.fill("input[name=plaats]", "Stadhuis, raadzaal")
    page.select_option("select[name=status]", "gehouden")
    page.fill("textarea[name=aanwezigen]", "Milieudienst, dienst economie")
    page.fill("textarea[name=verslag]", "## Verloop\n\nWe kozen **drie** actiedomeinen.")
    page.fill("textarea[name=beslissingen]", "Bouw gaat eerst.")
    page.fill("textarea[name=volgende_stappen]", "Initiatieven in kaart brengen.")
    page.fill("textarea[name=interne_notities]", "Budget nog onzeker.")
    for naam in ["Bouw", "Textiel", "Voeding"]:
        page.get_by_label(naam, exact=True).check()
    for naam in ["Aankoopbeleid", "Subsidies"]:
        page.get_by_label(naam, exact=True).check()
    page.set_input_files(
        "input[name=bestand]",
        files=[{"name": "flip-over.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.fill("input[name=bijlage_titel]", "Foto van de flip-over")
    page.check("input[name=bijlage_publiek]")
    page.screenshot(path=screenshot_dir / "coach-uitkomst-ws1-desktop.png", full_page=True)

    page.get_by_role("button", name="Opslaan en voorbeeld").click()  # page load 3: preview
    page.wait_for_load_state()
    preview = page.inner_text("main")
    assert "Voorbeeld" in preview and "We kozen drie actiedomeinen." in preview
    assert "Textiel" in preview and "Subsidies" in preview
    assert "Budget nog onzeker" not in page.content()
    page.screenshot(path=screenshot_dir / "coach-uitkomst-voorbeeld-desktop.png", full_page=True)

    page.get_by_role("button", name="Publiceren").click()  # page load 4: back, published
    page.wait_for_load_state()
    assert "is gepubliceerd" in page.inner_text("body")
    loads.check(live_server)

    workshop = traject.workshops.get()
    assert workshop.gepubliceerd and workshop.plaats == "Stadhuis, raadzaal"
    assert traject.prioritaire_actiedomeinen.count() == 3
    assert traject.beleidsinstrumenten.count() == 2
    bijlage = Bijlage.objects.get(workshop=workshop)
    visitor = page.context.browser.new_page()
    visitor.goto(live_server.url + traject.get_absolute_url())
    text = visitor.inner_text("main")
    assert "We kozen drie actiedomeinen." in text and "Voeding" in text
    assert "Budget nog onzeker" not in visitor.content()
    assert visitor.locator(f'img[src="{bijlage.get_absolute_url()}"]').count() == 1
    visitor.close()


def test_pilot_workshop_with_module_partner_kpi_and_measurement_in_four_page_loads(
    programme, live_server, page, screenshot_dir
):
    traject = programme["pilot"]
    loads = _open_from_dashboard(page, live_server, traject, "Workshop 1: Businessmodel")

    page.select_option("select[name=status]", "gehouden")
    page.fill("textarea[name=verslag]", "Het businessmodel kreeg vorm.")
    page.select_option("select[name=modules-0-module]", label="Businessmodel uitwerken")
    page.select_option("select[name=modules-0-status]", "bezig")
    page.fill("input[name=partners-0-naam]", "Kringwinkel Zuid")
    page.select_option("select[name=partners-0-status]", "aan_boord")
    page.fill("input[name=kpis-0-naam]", "Hergebruikte materialen")
    page.fill("input[name=kpis-0-eenheid]", "kg per maand")
    page.fill("input[name=kpis-0-nulwaarde]", "120")
    page.fill("input[name=kpis-0-streefwaarde]", "450,5")
    page.fill(
        "input[name=kpis-0-meting_datum]", (timezone.localdate() - timedelta(days=2)).isoformat()
    )
    page.fill("input[name=kpis-0-meting_waarde]", "180")

    page.get_by_role("button", name="Opslaan en voorbeeld").click()  # page load 3
    page.wait_for_load_state()
    preview = page.inner_text("main")
    assert "Kringwinkel Zuid" in preview and "Hergebruikte materialen" in preview
    assert "180" in preview

    page.get_by_role("button", name="Publiceren").click()  # page load 4
    page.wait_for_load_state()
    assert "is gepubliceerd" in page.inner_text("body")
    loads.check(live_server)

    assert GekozenModule.objects.get(traject=traject).status == "bezig"
    assert Partner.objects.get(traject=traject).status == "aan_boord"
    kpi = Kpi.objects.get(traject=traject)
    assert (str(kpi.nulwaarde), str(kpi.streefwaarde)) == ("120.00", "450.50")
    assert kpi.metingen.get().waarde == 180

    # The page with its rows passes axe, and so does the preview.
    found = {"uitkomst": serious_violations(page)}
    page.goto(page.url + "voorbeeld/")
    found["voorbeeld"] = serious_violations(page)
    assert not any(found.values()), found


def test_outcome_page_and_preview_fit_a_phone(programme, live_server, phone_page, screenshot_dir):
    traject = programme["pilot"]
    workshop = traject.workshops.get()
    kpi = Kpi.objects.create(traject=traject, naam="Bezoekers van de deelfabriek", eenheid="pers")
    kpi.metingen.create(datum=timezone.localdate() - timedelta(days=4), waarde=35)
    Partner.objects.create(traject=traject, naam="Sociale economie Kortrijk en omstreken")
    log_in(phone_page, live_server)
    base = f"{live_server.url}/coach/trajecten/{traject.slug}/workshops/{workshop.pk}/uitkomst/"
    for name, url in {"uitkomst": base, "voorbeeld": base + "voorbeeld/"}.items():
        phone_page.goto(url)
        phone_page.screenshot(path=screenshot_dir / f"coach-{name}-phone.png", full_page=True)
        assert overflow(phone_page) <= 0, f"{name} scrolls sideways at 360px"
