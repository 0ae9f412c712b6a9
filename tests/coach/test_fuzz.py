"""Property-based fuzzing of every coach form's POST: whatever is sent, never a 500, and a
refused submission changes nothing. Run with --hypothesis-show-statistics to see what was sent
(the status codes are recorded as events)."""

from collections import Counter
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.coach.conftest import PDF_BYTES, png_bytes
from tests.coach.helpers import snapshot
from tests.coach.uitkomst_helpers import page_data
from trajecten.models import Update
from workshops.models import Bijlage

EXAMPLES = 30
CURRENT = object()  # stands for "the record's current version" in a generated form

chars = st.characters(exclude_categories=("Cs",))  # no lone surrogates: not encodable at all
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<svg onload=alert(1)>",
        "<<script>script>alert(1)<</script>/script>",
        "**vet** <style>body{}</style> <iframe src=//x>",
        "\x00",
        "' OR 1=1 --",
    ]
)
# Each strategy mixes plausible values with hostile ones, so both branches of a form are reached.
TEXT = st.one_of(
    st.sampled_from(["Een gewone zin", "**Markdown** met _nadruk_", "Ja"]),
    st.text(chars, max_size=40),
    HOSTILE,
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "é", "<", "\n", " "]), st.integers(0, 25_000)
    ),
)
NUMBER = st.one_of(
    st.integers(1, 9).map(str),
    st.integers(-(2**40), 2**40).map(str),
    st.text(chars, max_size=6),
    st.just(""),
)
DATE = st.one_of(
    st.dates(date(2022, 11, 1), date(2023, 6, 30)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.text(chars, max_size=12),
    st.sampled_from(["", "2023-02-31", "2023-13-01", "31/01/2023", "9999-12-31", "0001-01-01"]),
)
TIME = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["", "25:00", "12:60", "noon", "-1:00"]),
)
FLAG = st.sampled_from(["", "on", "true", "false", "0", "1"])
VERSION = st.one_of(st.just(CURRENT), st.just(CURRENT), NUMBER)
FILE = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["a.pdf", "b.png", "c.jpg", "d.docx", "e.exe", "f", "g.PNG", "h.svg"]),
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from([PDF_BYTES, png_bytes(), png_bytes()[:50], b"MZ" + b"\x00" * 64]),
        ),
    ),
)


def form(**fields):
    """Every field of the form, plus possibly a field the form does not know."""
    return st.fixed_dictionaries(fields, optional={"onbekend_veld": TEXT})


FORMS = {
    "workshop_nieuw": (
        lambda w: reverse("coach:workshop_nieuw", args=[w.traject.slug]),
        form(volgnummer=NUMBER, titel=TEXT, datum=DATE, uur=TIME, plaats=TEXT, thema=TEXT),
    ),
    "workshop_bewerken": (
        lambda w: reverse("coach:workshop_bewerken", args=[w.traject.slug, w.workshop.pk]),
        form(
            versie=VERSION,
            volgnummer=NUMBER,
            titel=TEXT,
            datum=DATE,
            uur=TIME,
            plaats=TEXT,
            thema=TEXT,
        ),
    ),
    "workshop_uitkomst": (
        lambda w: reverse("coach:workshop_uitkomst", args=[w.traject.slug, w.workshop.pk]),
        form(
            versie=VERSION,
            status=st.sampled_from(["gepland", "gehouden", "geannuleerd", "", "x"]),
            verslag=TEXT,
            aanwezigen=TEXT,
            aantal_aanwezigen=NUMBER,
            beslissingen=TEXT,
            volgende_stappen=TEXT,
            interne_notities=TEXT,
            bestand=st.one_of(st.none(), st.none(), FILE),
            bijlage_titel=st.one_of(st.just(""), st.just(""), TEXT),
            bijlage_publiek=FLAG,
        ),
    ),
    "coachingsmoment_nieuw": (
        lambda w: reverse("coach:coachingsmoment_nieuw", args=[w.pilot_traject.slug]),
        form(onderwerp=TEXT, datum=DATE, uur=TIME, vorm=st.sampled_from(["online", "x", ""])),
    ),
    "coachingsmoment_bewerken": (
        lambda w: reverse(
            "coach:coachingsmoment_bewerken", args=[w.traject.slug, w.coachingsmoment.pk]
        ),
        form(
            versie=VERSION,
            onderwerp=TEXT,
            datum=DATE,
            uur=TIME,
            vorm=st.sampled_from(["ter_plaatse", "telefonisch", "x"]),
        ),
    ),
    "coachingsmoment_uitkomst": (
        lambda w: reverse(
            "coach:coachingsmoment_uitkomst", args=[w.traject.slug, w.coachingsmoment.pk]
        ),
        form(versie=VERSION, status=st.sampled_from(["gehouden", "?"]), verslag=TEXT, bestand=FILE),
    ),
    "workshop_uitkomst_publicatie": (
        lambda w: reverse(
            "coach:workshop_uitkomst_publicatie", args=[w.traject.slug, w.workshop.pk]
        ),
        form(versie=VERSION, actie=st.sampled_from(["publiceren", "depubliceren", "", "x"])),
    ),
    "bijlage_bewerken": (
        lambda w: reverse("coach:bijlage_bewerken", args=[w.traject.slug, w.bijlage.pk]),
        form(titel=TEXT, is_publiek=FLAG),
    ),
    "update_nieuw": (
        lambda w: reverse("coach:update_nieuw", args=[w.traject.slug]),
        form(datum=DATE, titel=TEXT, tekst=TEXT, publiceren=FLAG),
    ),
}
# The outcome page has more parts than the fuzzed fields (planning, result rows): the fuzzed
# fields go on top of what the page shows, so the fuzzing reaches the save itself.
WHOLE_PAGE = {"workshop_uitkomst", "coachingsmoment_uitkomst"}


def _post_data(data: dict, world, name: str) -> dict:
    result = {}
    for key, value in data.items():
        if value is CURRENT:
            target = world.coachingsmoment if name.startswith("coaching") else world.workshop
            target.refresh_from_db()
            value = str(target.versie)
        if key == "bestand":
            if value is None:
                continue
            name, content = value
            value = SimpleUploadedFile(name, content)
        result[key] = value
    return result


@pytest.mark.parametrize("name", sorted(FORMS))
def test_fuzzed_post_never_fails_and_refusals_change_nothing(coach_client, world, name):
    url_for, strategy = FORMS[name]
    url = url_for(world)
    world.coachingsmoment  # noqa: B018 - every form's target exists before fuzzing
    world.bijlage  # noqa: B018
    statuses = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(data=strategy)
    def check(data):
        base = page_data(coach_client.get(url)) if name in WHOLE_PAGE else {}
        before = snapshot()
        response = coach_client.post(url, {**base, **_post_data(data, world, name)})
        event(f"{name}: HTTP {response.status_code}")
        statuses[response.status_code] += 1
        assert response.status_code in {200, 302, 400, 409}, response.status_code
        if response.status_code != 302:
            assert snapshot() == before
        for bijlage in Bijlage.objects.all():
            assert bijlage.grootte > 0 and bijlage.mime_type
        for update in Update.objects.all():
            assert "<script" not in update.tekst_html.lower()
        world.workshop.refresh_from_db()
        assert "<script" not in world.workshop.verslag_html.lower()
        assert "javascript:" not in world.workshop.verslag_html.lower()

    check()
    # Shown with `pytest -s`: what the fuzzing sent and how the form answered.
    print(
        f"\nfuzz {name}: {sum(statuses.values())} posts, statuses {dict(sorted(statuses.items()))}"
    )
    assert statuses, "hypothesis sent nothing"
