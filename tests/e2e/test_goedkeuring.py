"""Sign-off by the participant, end to end: submit, the contact's link, approve or send back."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories
from tests.e2e.test_coach_flow import log_in, overflow, serious_violations
from trajecten.models import Deelname

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trajectory(db):
    today = timezone.localdate()
    ronde = factories.make_ronde(
        start=today - timedelta(days=200),
        einde=today + timedelta(days=200),
        goedkeuring_vereist=True,
    )
    bestuur = factories.make_bestuur(naam="Stad Voorbeeld", korte_naam="Voorbeeld")
    traject = factories.make_traject(
        besturen=[bestuur],
        titel="Circulaire strategie Voorbeeld",
        ronde=ronde,
        gepland_start=ronde.start,
        gepland_einde=ronde.einde,
    )
    Deelname.objects.filter(traject=traject).update(
        contact_naam="An Peeters", contact_email="an.peeters@voorbeeld.example"
    )
    factories.make_workshop(
        traject,
        volgnummer=1,
        titel="Prioriteiten",
        gepland_op=timezone.now() - timedelta(days=5),
    )
    coach = factories.make_coach("coach", traject)
    coach.first_name, coach.last_name = "Coach", "Test"
    coach.save()
    return traject


def _link(live_server) -> str:
    """The link in the newest mail, on the test server's address."""
    link = re.search(r"https?://\S+/goedkeuring/\S+/", mail.outbox[-1].body).group(0)
    return live_server.url + "/goedkeuring/" + link.split("/goedkeuring/", 1)[1]


def _open_outcome(page, live_server, trajectory) -> None:
    """From the dashboard to the workshop's one outcome page."""
    page.goto(live_server.url + "/coach/")
    page.get_by_role("link", name=trajectory.titel).click()
    page.get_by_role("link", name="Verslag", exact=True).first.click()
    assert "/uitkomst/" in page.url


def _write_and_submit(page, live_server, trajectory, text: str) -> None:
    """Write the report on the outcome page and put it before the contact from that page."""
    _open_outcome(page, live_server, trajectory)
    # The round requires sign-off: the page offers the submission, not "Publiceren".
    assert page.get_by_role("button", name="Publiceren", exact=True).count() == 0
    page.select_option("select[name=status]", "gehouden")
    page.fill("textarea[name=verslag]", text)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    assert "opgeslagen als klad" in page.inner_text("body")
    page.get_by_role("button", name="Ter goedkeuring voorleggen").click()
    assert "/uitkomst/" in page.url  # back on the outcome page
    body = page.inner_text("body")
    assert "ligt ter goedkeuring bij An Peeters" in body
    assert "Ter nalezing bij An Peeters" in body


def _contact_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    return context, context.new_page()


def test_contact_approves_and_the_report_is_public(
    trajectory, live_server, page, browser, screenshot_dir
):
    log_in(page, live_server)
    _write_and_submit(page, live_server, trajectory, "We kozen **textiel** als eerste domein.")
    # Until the answer there is nothing to publish with: the page says where it is.
    assert page.get_by_role("button", name="Publiceren", exact=True).count() == 0
    assert not serious_violations(page)

    context, contact = _contact_page(browser)
    contact.goto(_link(live_server))
    text = contact.inner_text("main")
    assert "We kozen textiel als eerste domein." in text
    assert not serious_violations(contact)
    contact.screenshot(path=screenshot_dir / "goedkeuring-verzoek-desktop.png", full_page=True)
    contact.get_by_role("button", name="Goedkeuren").click()
    assert "Het staat nu op het publieke portaal" in contact.inner_text("main")
    assert not serious_violations(contact)
    # The same link again: used, and it says so.
    contact.goto(_link(live_server))
    assert "al gebruikt" in contact.inner_text("main")
    assert not serious_violations(contact)
    context.close()

    visitor_context, visitor = _contact_page(browser)
    visitor.goto(live_server.url + trajectory.get_absolute_url())
    assert "We kozen textiel als eerste domein." in visitor.inner_text("main")
    visitor_context.close()

    _open_outcome(page, live_server, trajectory)
    text = page.inner_text("main")
    assert "Goedgekeurd door An Peeters" in text and "Gepubliceerd" in text
    page.get_by_role("link", name="geschiedenis", exact=True).click()
    history = page.inner_text("main")
    assert "Goedgekeurd en gepubliceerd door contactpersoon An Peeters" in history
    assert "Ter goedkeuring voorgelegd aan contactpersoon An Peeters" in history


def test_send_back_edit_resubmit_approve(trajectory, live_server, page, browser, phone_page):
    log_in(page, live_server)
    _write_and_submit(page, live_server, trajectory, "Eerste versie van het verslag.")

    context, contact = _contact_page(browser)
    first_link = _link(live_server)
    contact.goto(first_link)
    contact.get_by_role("button", name="Terugsturen met opmerking").click()
    assert "Schrijf kort wat de coach moet aanpassen" in contact.inner_text("main")
    assert not serious_violations(contact)
    contact.fill("textarea[name=opmerking]", "De naam van de schepen ontbreekt.")
    contact.get_by_role("button", name="Terugsturen met opmerking").click()
    assert "stuurde het verslag terug" in contact.inner_text("main")

    page.goto(live_server.url + "/coach/")
    assert "De naam van de schepen ontbreekt." in page.inner_text("main")
    assert "Teruggestuurd" in page.inner_text("main")
    # The comment is on the outcome page too, where the coach edits; it fits a phone.
    page.get_by_role("link", name="Workshop 1: Prioriteiten").first.click()
    assert "/uitkomst/" in page.url
    text = page.inner_text("main")
    assert "Teruggestuurd door An Peeters" in text
    assert "De naam van de schepen ontbreekt." in text
    assert not serious_violations(page)
    log_in(phone_page, live_server)
    phone_page.goto(page.url)
    assert "De naam van de schepen ontbreekt." in phone_page.inner_text("main")
    assert overflow(phone_page) <= 0
    _write_and_submit(
        page, live_server, trajectory, "Tweede versie, met schepen Jansen erbij vermeld."
    )
    assert len(mail.outbox) == 2

    contact.goto(_link(live_server))
    assert "schepen Jansen" in contact.inner_text("main")
    contact.get_by_role("button", name="Goedkeuren").click()
    assert "Het staat nu op het publieke portaal" in contact.inner_text("main")
    context.close()

    visitor_context, visitor = _contact_page(browser)
    visitor.goto(live_server.url + trajectory.get_absolute_url())
    text = visitor.inner_text("main")
    assert "Tweede versie, met schepen Jansen erbij vermeld." in text
    assert "Eerste versie" not in text
    visitor_context.close()

    # A forged link: a clear page, nothing changed, and it fits a phone.
    phone_page.goto(live_server.url + "/goedkeuring/vervalst/")
    assert "Deze link werkt niet" in phone_page.inner_text("main")
    assert overflow(phone_page) <= 0
    phone_page.goto(first_link)
    assert "al gebruikt" in phone_page.inner_text("main")
    assert overflow(phone_page) <= 0
