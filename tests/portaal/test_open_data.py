"""Open data: documented, stable columns; CSV and JSON parse back; nothing unpublished leaks."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from portaal.opendata import DATASETS
from programma.bulk import SECRET, add_activity, load_bulk
from tests import factories
from trajecten.models import (
    Beleidsactie,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
)

# The published contract: changing a name here breaks everyone who reuses the data.
COLUMNS = {
    "besturen": "slug naam korte_naam soort provincie nis_code website breedtegraad "
    "lengtegraad lid_van trajecten url",
    "lidmaatschappen": "intercommunale lid lid_naam lid_nis_code geverifieerd toelichting",
    "trajecten": "slug titel ronde soort status samenvatting ambitie open_plaats trekkers "
    "partners gepland_start gepland_einde prioritaire_actiedomeinen beleidsinstrumenten "
    "workshops_gepland workshops_gehouden achter_op_planning laatst_bijgewerkt url "
    "ronde_stand status_tekst voortgang is_demo coaching",
    "workshops": "traject volgnummer titel thema gepland_op plaats status verslag_gepubliceerd "
    "gepubliceerd_op verslag_html aantal_aanwezigen beslissingen volgende_stappen is_demo url",
    "coachingsmomenten": "traject gepland_op vorm onderwerp status verslag_gepubliceerd "
    "gepubliceerd_op verslag_html is_demo",
    "updates": "traject datum titel tekst_html gepubliceerd_op is_demo",
    "lopende-initiatieven": "traject naam actiedomein eigenaar status",
    "beleidsacties": "traject titel omschrijving actiedomein beleidsinstrument",
    "pilotkandidaten": "traject naam omschrijving stakeholders vervolgtraject",
    "modules": "traject module status resultaat is_demo",
    "partners": "traject naam rol status",
    "kpis": "id traject naam eenheid nulwaarde streefwaarde catalogus",
    "metingen": "kpi traject kpi_naam eenheid datum waarde toelichting",
}
SLUGS = [dataset.slug for dataset in DATASETS]


def _csv(client, slug) -> list[list[str]]:
    response = client.get(f"/open-data/{slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def _json(client, slug) -> dict:
    response = client.get(f"/open-data/{slug}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


@pytest.fixture
def activity(programme):
    """Every programme trajectory with activity, plus one with results but nothing published."""
    for traject in Traject.objects.all():
        add_activity(traject)
    hidden = factories.make_traject(soort=Traject.Soort.PILOOTPROJECT, titel="Stil traject")
    # Published results of a trajectory without public content stay out all the same.
    pub = {"gepubliceerd": True}
    LopendInitiatief.objects.create(traject=hidden, naam=f"Initiatief {SECRET}", **pub)
    Beleidsactie.objects.create(traject=hidden, titel=f"Actie {SECRET}", **pub)
    Pilotkandidaat.objects.create(traject=hidden, naam=f"Kandidaat {SECRET}", **pub)
    GekozenModule.objects.create(
        traject=hidden, module=Ondersteuningsmodule.objects.first(), resultaat=SECRET, **pub
    )
    Partner.objects.create(traject=hidden, naam=f"Partner {SECRET}", **pub)
    kpi = Kpi.objects.create(traject=hidden, naam=f"KPI {SECRET}", eenheid="ton", **pub)
    Meting.objects.create(kpi=kpi, datum=date(2023, 1, 1), waarde=1, toelichting=SECRET, **pub)
    return hidden


def test_every_dataset_has_its_documented_columns():
    assert {d.slug: d.column_names for d in DATASETS} == {
        slug: names.split() for slug, names in COLUMNS.items()
    }


def test_the_page_documents_every_column_and_the_licence(programme, client):
    html = client.get("/open-data/").content.decode()
    assert "CC BY 4.0" in html
    assert "publieke bronnen" in html
    for dataset in DATASETS:
        section = html.split(f'id="dataset-{dataset.slug}"', 1)[1].split("</article>", 1)[0]
        assert re.findall(r"<code>([^<]+)</code>", section) == dataset.column_names
        assert f"/open-data/{dataset.slug}.csv" in section
        assert f"/open-data/{dataset.slug}.json" in section


def test_csv_parses_back_with_the_documented_header(activity, client):
    for slug in SLUGS:
        rows = _csv(client, slug)
        assert rows[0] == COLUMNS[slug].split(), slug
        assert len(rows) > 1, slug
        assert all(len(row) == len(rows[0]) for row in rows), slug


def test_json_parses_back_with_the_documented_keys(activity, client):
    for slug in SLUGS:
        body = _json(client, slug)
        assert body["kolommen"] == COLUMNS[slug].split(), slug
        assert body["licentie"] == "CC BY 4.0"
        assert body["rijen"], slug
        assert all(list(row) == body["kolommen"] for row in body["rijen"]), slug


def test_no_dataset_carries_internal_or_unpublished_text(activity, client):
    for slug in SLUGS:
        for fmt in ("csv", "json"):
            body = client.get(f"/open-data/{slug}.{fmt}").content.decode()
            assert SECRET not in body, f"{slug}.{fmt}"


def test_published_content_and_results_are_in(activity, client):
    workshops = _json(client, "workshops")["rijen"]
    published = [w for w in workshops if w["verslag_gepubliceerd"]]
    assert published and all("Openbaar verslag" in w["verslag_html"] for w in published)
    assert all(w["verslag_html"] is None for w in workshops if not w["verslag_gepubliceerd"])
    kandidaten = {row["traject"] for row in _json(client, "pilotkandidaten")["rijen"]}
    assert "strategie-halle" in kandidaten
    assert activity.slug not in {row["traject"] for row in _json(client, "kpis")["rijen"]}
    metingen = _json(client, "metingen")["rijen"]
    assert {m["waarde"] for m in metingen} == {1350, 1500, 1650, 1800, 1950}


def test_values_have_stable_machine_readable_forms(activity, client):
    halle = next(r for r in _json(client, "besturen")["rijen"] if r["slug"] == "halle")
    assert halle["breedtegraad"] == 50.73385
    assert halle["lid_van"] == ["intradura"]
    header, *rows = _csv(client, "besturen")
    row = dict(zip(header, next(r for r in rows if r[0] == "halle"), strict=True))
    assert row["breedtegraad"] == "50.73385"
    assert row["lid_van"] == "intradura"
    oostende = next(
        r for r in _json(client, "trajecten")["rijen"] if r["slug"] == "strategie-oostende"
    )
    assert oostende["trekkers"] == ["economisch-huis-oostende"]
    assert oostende["partners"] == ["oostende"]
    assert oostende["gepland_start"] == "2022-11-01"
    # The round is long past: nothing is "behind", what is known is said in words.
    assert oostende["achter_op_planning"] is False
    assert oostende["ronde_stand"] == "voorbij"


def test_csv_defuses_spreadsheet_formulas(activity, client):
    Partner.objects.filter(traject__slug="pilootproject-deelfabriek-kortrijk").update(
        naam="=HYPERLINK(1)"
    )
    header, *rows = _csv(client, "partners")
    names = [dict(zip(header, row, strict=True))["naam"] for row in rows]
    assert "'=HYPERLINK(1)" in names
    assert "=HYPERLINK(1)" in [r["naam"] for r in _json(client, "partners")["rijen"]]


def test_unknown_dataset_is_404(programme, client):
    assert client.get("/open-data/geheimen.csv").status_code == 404
    assert client.get("/open-data/geheimen.json").status_code == 404


QUERIES = {"besturen": 3, "trajecten": 8, "workshops": 3, "coachingsmomenten": 3}


def test_every_dataset_has_a_fixed_query_count(activity, client, django_assert_num_queries):
    def check():
        for slug in SLUGS:
            for fmt in ("csv", "json"):
                with django_assert_num_queries(QUERIES.get(slug, 1)):
                    assert client.get(f"/open-data/{slug}.{fmt}").status_code == 200
        with django_assert_num_queries(2):  # the datasets, and the rounds to filter on
            assert client.get("/open-data/").status_code == 200

    check()
    load_bulk(scale=20, own_besturen=True, every_state=True)
    check()
    assert len(_json(client, "metingen")["rijen"]) > 20 * 5 * 3


def test_kpi_measurement_decimals_survive(activity, client):
    kpi = Kpi.objects.filter(traject__slug="pilootproject-deelfabriek-kortrijk").first()
    Meting.objects.create(
        kpi=kpi, datum=date(2024, 1, 1), waarde=Decimal("12.75"), gepubliceerd=True
    )
    assert 12.75 in {m["waarde"] for m in _json(client, "metingen")["rijen"]}
    header, *rows = _csv(client, "metingen")
    assert "12.75" in {dict(zip(header, r, strict=True))["waarde"] for r in rows}
