"""Fuzzing the one page per workshop outcome: the page as shown, with any of its fields (the
formsets' counts, row ids, versions and delete flags included) replaced by plausible or hostile
values. Whatever is sent: never a 500; a refusal (400, 409) changes nothing; and no save ever
touches another trajectory."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.coach.test_fuzz import DATE, FILE, FLAG, NUMBER, TEXT, TIME
from tests.coach.uitkomst_helpers import make_references, page_data, snapshot, uitkomst_url
from trajecten.models import Kpi, Meting, Partner, Traject

EXAMPLES = 40


def _fields(prefix: str, names: list[str], rows: int = 2) -> list[str]:
    return [f"{prefix}-{i}-{name}" for i in range(rows) for name in names] + [
        f"{prefix}-TOTAL_FORMS",
        f"{prefix}-INITIAL_FORMS",
    ]


MOMENT_FIELDS = [
    "versie",
    "datum",
    "uur",
    "status",
    "verslag",
    "plaats",
    "vorm",
    "aantal_aanwezigen",
]
PILOT_FIELDS = (
    MOMENT_FIELDS
    + _fields("modules", ["id", "versie", "module", "status", "resultaat", "DELETE"])
    + _fields("partners", ["id", "versie", "naam", "rol", "status", "DELETE"])
    + _fields(
        "kpis",
        [
            "id",
            "versie",
            "definitie",
            "naam",
            "eenheid",
            "nulwaarde",
            "streefwaarde",
            "meting_datum",
            "meting_waarde",
            "DELETE",
        ],
    )
    + _fields("metingen", ["id", "versie", "datum", "waarde", "toelichting", "DELETE"], rows=1)
)
STRATEGY_FIELDS = [
    *MOMENT_FIELDS,
    "prioriteiten-versie",
    "prioriteiten-actiedomeinen",
    "prioriteiten-beleidsinstrumenten",
]

OTHER_ROW = object()  # stands for a row id of another trajectory
VALUE = st.one_of(TEXT, NUMBER, DATE, TIME, FLAG, st.just(OTHER_ROW), st.just(""))


def changes(fields: list[str]):
    return st.tuples(
        st.dictionaries(st.sampled_from(fields), VALUE, max_size=6),
        st.one_of(st.none(), st.none(), FILE),
    )


@pytest.fixture
def setup(world):
    refs = make_references()
    pilot = world.pilot_traject
    Partner.objects.create(traject=pilot, naam="Kringwinkel")
    kpi = Kpi.objects.create(traject=pilot, naam="Kilo's", eenheid="kg", nulwaarde=1)
    Meting.objects.create(kpi=kpi, datum=timezone.localdate() - timedelta(days=30), waarde=2)
    # Rows of another pilot trajectory, which no save on this page may touch.
    other = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT, titel="Ander pilootproject")
    outsider = Partner.objects.create(traject=other, naam="Van een ander")
    Kpi.objects.create(traject=other, naam="Andere KPI", eenheid="st")
    return {
        "pilot": factories.make_workshop(pilot, volgnummer=1),
        "strategie": factories.make_workshop(world.traject, volgnummer=1),
        "refs": refs,
        "outsider": outsider,
        "other": other,
    }


def _outsiders(other):
    return (
        sorted(str(model_to_dict(p)) for p in Partner.objects.filter(traject=other)),
        sorted(str(model_to_dict(k)) for k in Kpi.objects.filter(traject=other)),
        list(other.prioritaire_actiedomeinen.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize(
    ("which", "fields"), [("pilot", PILOT_FIELDS), ("strategie", STRATEGY_FIELDS)]
)
def test_fuzzed_outcome_page_never_fails_and_refusals_change_nothing(
    coach_client, world, setup, which, fields
):
    moment = setup[which]
    url = uitkomst_url(moment)
    statuses = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(change=changes(fields))
    def check(change):
        overrides, upload = change
        data = page_data(coach_client.get(url))
        for key, value in overrides.items():
            data[key] = str(setup["outsider"].pk) if value is OTHER_ROW else value
        if upload is not None:
            data["bestand"] = SimpleUploadedFile(*upload)
        before, outside = snapshot(), _outsiders(setup["other"])
        response = coach_client.post(url, data)
        event(f"{which}: HTTP {response.status_code}")
        statuses[response.status_code] += 1
        assert response.status_code in {302, 400, 409}, response.status_code
        if response.status_code == 302:
            assert response["Location"] == url
        else:
            assert snapshot() == before
        assert _outsiders(setup["other"]) == outside
        moment.refresh_from_db()
        assert "<script" not in moment.verslag_html.lower()

    check()
    print(f"\nfuzz uitkomst {which}: statuses {dict(sorted(statuses.items()))}")
    assert statuses[302] and (statuses[400] or statuses[409])
