"""Property-based fuzzing of every results form's POST.

Whatever is posted, the answer is a redirect (saved) or a 200 re-render with errors (nothing
saved) — never a 500 — and whatever was saved passes the model's own validation. Each example
runs in a transaction that is rolled back, so examples do not see each other's rows.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.forms_resultaten import EARLIEST_MEASUREMENT
from tests import factories
from tests.coach.resultaten_data import count_results
from trajecten.models import (
    Actiedomein,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Traject,
)

EXAMPLES = 40
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Posted values as a browser (or an attacker) could send them: always strings.
hostile = st.sampled_from(
    [
        "",
        "   ",
        "x" * 201,
        "y" * 5001,
        "<script>alert(1)</script>",
        "nul\x00byte",
        "'; DROP TABLE trajecten_kpi; --",
        "١٢٣",  # Arabic-Indic digits
        "ｘ",
    ]
)
# Each strategy starts with plausible values, so that saving is exercised as well as refusing.
text = st.one_of(st.text(min_size=1, max_size=60), st.text(max_size=250), hostile)
number = st.one_of(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2).map(str),
    st.integers(min_value=-(10**16), max_value=10**16).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(
        lambda d: str(d).replace(".", ",")
    ),
    st.text(max_size=12),
)
posted_date = st.one_of(
    st.dates(min_value=date(2000, 1, 1), max_value=date.today()).map(date.isoformat),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).map(
        lambda d: d.strftime("%d-%m-%Y")
    ),
    st.text(max_size=12),
)


def reference(ids: list[int]):
    """A real id, an id that does not exist, or anything else."""
    return st.one_of(
        st.sampled_from([str(i) for i in ids]),
        st.integers(min_value=-5, max_value=10**12).map(str),
        st.text(max_size=8),
    )


def choice(values: list[str]):
    return st.one_of(st.sampled_from(values), st.text(max_size=15))


# What a browser posts with every form, whatever the coach typed (the test client does not
# check the CSRF token, but a form view tells an empty POST from a submitted form by it).
BROWSER_FIELDS = {"csrfmiddlewaretoken": "token"}


def form_data(fields: dict):
    """Every field or any subset of them, each with a fuzzed value."""
    return st.one_of(st.fixed_dictionaries(fields), st.fixed_dictionaries({}, optional=fields))


@pytest.fixture
def world(db, client):
    strategie = factories.make_traject(soort=Traject.Soort.STRATEGIE)
    pilot = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT)
    client.force_login(factories.make_coach("fuzzcoach", strategie, pilot))
    domeinen = [
        Actiedomein.objects.create(naam=f"Domein {i}", slug=f"domein-{i}").pk for i in range(3)
    ]
    instrumenten = [
        Beleidsinstrument.objects.create(naam=f"Instrument {i}", slug=f"instrument-{i}").pk
        for i in range(3)
    ]
    modules = [
        Ondersteuningsmodule.objects.create(naam=f"Module {i}", slug=f"module-{i}").pk
        for i in range(3)
    ]
    GekozenModule.objects.create(traject=pilot, module_id=modules[0])  # chosen already
    definities = [
        KpiDefinitie.objects.create(naam=f"KPI {i}", slug=f"kpi-{i}", eenheid="stuks").pk
        for i in range(2)
    ]
    kpi = Kpi.objects.create(traject=pilot, naam="Bezoekers", eenheid="per jaar")
    Meting.objects.create(kpi=kpi, datum=date(2023, 1, 1), waarde=5)
    return {
        "client": client,
        "strategie": strategie,
        "pilot": pilot,
        "domeinen": domeinen,
        "instrumenten": instrumenten,
        "modules": modules,
        "definities": definities,
        "trajecten": [strategie.pk, pilot.pk],
        "kpi": kpi,
        "outcomes": Counter(),
    }


def post_and_check(world, url: str, data: dict) -> None:
    """POST in a rolled-back transaction; check the answer and what was (not) saved."""
    with transaction.atomic():
        before = count_results()
        response = world["client"].post(url, {**BROWSER_FIELDS, **data})
        assert response.status_code in (400, 302), response.status_code
        if response.status_code == 400:
            assert response.context["form"].errors
            assert count_results() == before
            world["outcomes"]["refused"] += 1
        else:
            assert count_results() != before
            world["outcomes"]["saved"] += 1
            for model in (LopendInitiatief, GekozenModule, Partner, Kpi, Meting):
                for item in model.objects.all():
                    item.full_clean()
            for meting in Meting.objects.all():
                assert EARLIEST_MEASUREMENT <= meting.datum <= timezone.localdate()
        transaction.set_rollback(True)


def _report(world, name):
    print(f"\nfuzz {name}: {dict(world['outcomes'])}")  # shown with pytest -s
    assert sum(world["outcomes"].values()) >= 1


def test_fuzz_priorities(world):
    url = reverse("coach:resultaten_prioriteiten", args=[world["strategie"].slug])

    @fuzz
    @given(
        form_data(
            {
                "actiedomeinen": st.lists(reference(world["domeinen"]), max_size=4),
                "beleidsinstrumenten": st.lists(reference(world["instrumenten"]), max_size=4),
            }
        )
    )
    def run(data):
        with transaction.atomic():
            data = {**BROWSER_FIELDS, "versie": str(world["strategie"].versie), **data}
            response = world["client"].post(url, data)
            assert response.status_code in (400, 302)
            if response.status_code == 400:
                assert response.context["form"].errors
            world["outcomes"]["saved" if response.status_code == 302 else "refused"] += 1
            transaction.set_rollback(True)

    run()
    _report(world, "prioriteiten")


def _fuzz_create(world, key: str, traject: Traject, fields: dict) -> None:
    url = reverse(f"coach:resultaten_{key}_nieuw", args=[traject.slug])

    @fuzz
    @given(form_data(fields))
    def run(data):
        post_and_check(world, url, data)

    run()
    _report(world, key)


def test_fuzz_initiative(world):
    _fuzz_create(
        world,
        "initiatief",
        world["strategie"],
        {
            "naam": text,
            "actiedomein": reference(world["domeinen"]),
            "eigenaar": text,
            "status": choice([c for c, _ in LopendInitiatief.Status.choices]),
        },
    )


def test_fuzz_policy_action(world):
    _fuzz_create(
        world,
        "beleidsactie",
        world["strategie"],
        {
            "titel": text,
            "omschrijving": text,
            "actiedomein": reference(world["domeinen"]),
            "beleidsinstrument": reference(world["instrumenten"]),
        },
    )


def test_fuzz_pilot_candidate(world):
    _fuzz_create(
        world,
        "pilotkandidaat",
        world["strategie"],
        {
            "naam": text,
            "omschrijving": text,
            "stakeholders": text,
            "vervolgtraject": reference(world["trajecten"]),
        },
    )


def test_fuzz_module(world):
    _fuzz_create(
        world,
        "module",
        world["pilot"],
        {
            "module": reference(world["modules"]),
            "status": choice([c for c, _ in GekozenModule.Status.choices]),
            "resultaat": text,
        },
    )


def test_fuzz_partner(world):
    _fuzz_create(
        world,
        "partner",
        world["pilot"],
        {"naam": text, "rol": text, "status": choice([c for c, _ in Partner.Status.choices])},
    )


def test_fuzz_kpi(world):
    _fuzz_create(
        world,
        "kpi",
        world["pilot"],
        {
            "definitie": reference(world["definities"]),
            "naam": text,
            "eenheid": text,
            "nulwaarde": number,
            "streefwaarde": number,
        },
    )


def test_fuzz_measurement(world):
    kpi = world["kpi"]
    url = reverse("coach:resultaten_meting_nieuw", args=[world["pilot"].slug, kpi.pk])

    @fuzz
    @given(form_data({"datum": posted_date, "waarde": number, "toelichting": text}))
    def run(data):
        post_and_check(world, url, data)

    run()
    _report(world, "meting")


def test_fuzz_kpi_catalogue_pick(world):
    url = reverse("coach:resultaten_kpi_nieuw", args=[world["pilot"].slug])

    @fuzz
    @given(st.one_of(reference(world["definities"]), text))
    def run(value):
        assert world["client"].get(url, {"definitie": value}).status_code == 200

    run()
