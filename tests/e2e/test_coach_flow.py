"""A coach logs in, logs a workshop outcome with a photo, publishes it; the public sees it."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from tests import factories
from workshops.models import Bijlage

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "coach-wachtwoord-1"


def photo_bytes() -> bytes:
    image = Image.new("RGB", (480, 320), (246, 243, 234))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 440, 280), outline=(31, 111, 67), width=8)
    draw.ellipse((180, 100, 300, 220), fill=(31, 111, 67))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def trajectory(db):
    bestuur = factories.make_bestuur(naam="Stad Voorbeeld", korte_naam="Voorbeeld")
    today = timezone.localdate()
    # A running round: only there can a moment be "achter op planning".
    ronde = factories.make_ronde(
        start=today - timedelta(days=200), einde=today + timedelta(days=200)
    )
    traject = factories.make_traject(
        besturen=[bestuur],
        titel="Circulaire strategie Voorbeeld",
        ronde=ronde,
        gepland_start=ronde.start,
        gepland_einde=ronde.einde,
    )
    now = timezone.now()
    factories.make_workshop(
        traject, volgnummer=1, titel="Prioriteiten", gepland_op=now - timedelta(days=20)
    )
    factories.make_workshop(
        traject, volgnummer=2, titel="Initiatieven in kaart", gepland_op=now + timedelta(days=30)
    )
    factories.make_coachingsmoment(
        traject, onderwerp="Tussentijds overleg", gepland_op=now + timedelta(days=12)
    )
    coach = factories.make_coach("coach", traject)
    coach.first_name, coach.last_name = "Coach", "Test"
    coach.save()
    return traject


def log_in(page, live_server):
    page.goto(live_server.url + "/coach/")
    assert "/account/login/" in page.url
    page.fill("input[name=username]", "coach")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/coach/")


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_coach_logs_and_publishes_a_workshop_with_a_photo(
    trajectory, live_server, page, screenshot_dir
):
    log_in(page, live_server)
    assert "Achter op planning" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "coach-dashboard-desktop.png", full_page=True)

    page.get_by_role("link", name=trajectory.titel).click()
    page.screenshot(path=screenshot_dir / "coach-traject-desktop.png", full_page=True)
    page.get_by_role("link", name="Verslag", exact=True).first.click()
    page.select_option("select[name=status]", "gehouden")
    page.fill("textarea[name=verslag]", "## Wat we deden\n\nWe kozen **bouw** als eerste domein.")
    page.fill("textarea[name=interne_notities]", "Enkel voor ons: budget nog onzeker.")
    page.fill("input[name=aantal_aanwezigen]", "11")
    page.set_input_files(
        "input[name=bestand]",
        files=[{"name": "flip-over.png", "mimeType": "image/png", "buffer": photo_bytes()}],
    )
    page.fill("input[name=bijlage_titel]", "Foto van de flip-over")
    page.check("input[name=bijlage_publiek]")
    page.screenshot(path=screenshot_dir / "coach-verslag-desktop.png", full_page=True)
    page.click("main form.coach-form button[type=submit]")
    assert "opgeslagen als klad" in page.inner_text("body")

    page.get_by_role("button", name="Publiceren").click()
    assert "is gepubliceerd" in page.inner_text("body")

    bijlage = Bijlage.objects.get()
    public = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    visitor = public.new_page()
    visitor.goto(live_server.url + trajectory.get_absolute_url())
    text = visitor.inner_text("main")
    assert "We kozen bouw als eerste domein." in text
    assert "budget nog onzeker" not in visitor.content()
    image = visitor.locator(f'img[src="{bijlage.get_absolute_url()}"]')
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 480
    visitor.screenshot(path=screenshot_dir / "coach-publiek-traject-desktop.png", full_page=True)
    public.close()


def test_coach_pages_fit_a_phone(trajectory, live_server, phone_page, screenshot_dir):
    log_in(phone_page, live_server)
    phone_page.screenshot(path=screenshot_dir / "coach-dashboard-phone.png", full_page=True)
    assert overflow(phone_page) <= 0
    workshop = trajectory.workshops.get(volgnummer=1)
    phone_page.goto(
        f"{live_server.url}/coach/trajecten/{trajectory.slug}/workshops/{workshop.pk}/uitkomst/"
    )
    phone_page.fill("textarea[name=verslag]", "Een kort verslag.")
    assert overflow(phone_page) <= 0
    phone_page.goto(f"{live_server.url}/coach/trajecten/{trajectory.slug}/workshops/nieuw/")
    phone_page.screenshot(path=screenshot_dir / "coach-planning-phone.png", full_page=True)
    assert overflow(phone_page) <= 0
    phone_page.goto(
        f"{live_server.url}/coach/trajecten/{trajectory.slug}/workshops/{workshop.pk}/uitkomst/"
    )
    phone_page.fill("textarea[name=verslag]", "Een kort verslag.")
    phone_page.screenshot(path=screenshot_dir / "coach-verslag-phone.png", full_page=True)
    assert overflow(phone_page) <= 0


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # the check really ran
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_coach_pages_pass_the_accessibility_check(trajectory, live_server, page):
    workshop = trajectory.workshops.get(volgnummer=1)
    base = f"{live_server.url}/coach/trajecten/{trajectory.slug}"
    page.goto(live_server.url + "/account/login/")
    found = {"login": serious_violations(page)}
    log_in(page, live_server)
    for name, url in {
        "dashboard": live_server.url + "/coach/",
        "traject": f"{base}/",
        "uitkomst": f"{base}/workshops/{workshop.pk}/uitkomst/",
        "planning": f"{base}/workshops/{workshop.pk}/",
        "nieuwe workshop": f"{base}/workshops/nieuw/",
        "coachingsmoment": f"{base}/coachingsmomenten/nieuw/",
        "update": f"{base}/updates/nieuw/",
        "geschiedenis": f"{base}/workshops/{workshop.pk}/geschiedenis/",
        "verwijderen": f"{base}/workshops/{workshop.pk}/verwijderen/",
        "wachtwoord": live_server.url + "/account/password_change/",
    }.items():
        page.goto(url)
        found[name] = serious_violations(page)
    assert not any(found.values()), found


def test_second_coach_sees_what_changed_and_keeps_their_text(
    trajectory, live_server, browser, screenshot_dir, django_user_model
):
    colleague = factories.make_coach("collega", trajectory)
    colleague.set_password(PASSWORD)
    colleague.save()
    workshop = trajectory.workshops.get(volgnummer=1)
    url = f"{live_server.url}/coach/trajecten/{trajectory.slug}/workshops/{workshop.pk}/uitkomst/"
    pages = []
    for username in ("coach", "collega"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(url)
        pages.append(page)
    first, second = pages
    first.fill("textarea[name=verslag]", "Tekst van de eerste coach.")
    first.click("main form.coach-form button[type=submit]")
    second.fill("textarea[name=verslag]", "Tekst van de tweede coach.")
    second.click("main form.coach-form button[type=submit]")
    text = second.inner_text("main")
    assert "Niet opgeslagen" in text and "Tekst van de eerste coach." in text
    assert second.input_value("textarea[name=verslag]") == "Tekst van de tweede coach."
    second.screenshot(path=screenshot_dir / "coach-conflict-desktop.png", full_page=True)

    second.goto(url.replace("/uitkomst/", "/geschiedenis/"))
    assert "Gewijzigd" in second.inner_text("main")
    second.screenshot(path=screenshot_dir / "coach-geschiedenis-desktop.png", full_page=True)
    for page in pages:
        page.context.close()


def test_lockout_page_after_repeated_wrong_passwords(
    trajectory, live_server, phone_page, screenshot_dir, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        phone_page.goto(live_server.url + "/account/login/")
        phone_page.fill("input[name=username]", "coach")
        phone_page.fill("input[name=password]", "verkeerd")
        phone_page.click("main button[type=submit]")
    assert "tijdelijk geblokkeerd" in phone_page.inner_text("main")
    phone_page.screenshot(path=screenshot_dir / "account-geblokkeerd-phone.png", full_page=True)
