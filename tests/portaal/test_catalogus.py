"""The DCAT-AP catalogue and the CSVW metadata parse as RDF and point at files that answer."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.conf import settings
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

from portaal.opendata import DATASETS, LICENCE_URI
from tests import factories
from trajecten.models import Traject

CSVW = Namespace("http://www.w3.org/ns/csvw#")
# The part of the CSVW context the metadata uses, so parsing it needs no network.
CSVW_CONTEXT = {
    "csvw": str(CSVW),
    "dc": "http://purl.org/dc/terms/",
    "url": {"@id": "csvw:url", "@type": "@id"},
    "tableSchema": "csvw:tableSchema",
    "columns": {"@id": "csvw:column", "@container": "@list"},
    "name": "csvw:name",
    "titles": "csvw:title",
    "datatype": "csvw:datatype",
    "required": "csvw:required",
    "separator": "csvw:separator",
    "dialect": "csvw:dialect",
    "header": "csvw:header",
    "delimiter": "csvw:delimiter",
    "encoding": "csvw:encoding",
}


def _graph(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


@pytest.fixture
def published(programme):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(traject.workshops.get(volgnummer=1), "Een verslag.")
    factories.make_update(traject, titel="Nieuws")
    return traject


@pytest.mark.parametrize(
    ("url", "fmt"),
    [("/open-data/catalogus.jsonld", "json-ld"), ("/open-data/catalogus.ttl", "turtle")],
)
def test_the_catalogue_describes_every_dataset(published, client, url, fmt):
    graph = _graph(client, url, fmt)
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogues) == 1
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(DATASETS)
    for dataset in datasets:
        assert (dataset, DCTERMS.license, URIRef(LICENCE_URI)) in graph
        assert graph.value(dataset, DCTERMS.publisher) is not None
        assert list(graph.objects(dataset, DCAT.theme))
        assert str(graph.value(dataset, DCTERMS.title))
        assert len(list(graph.objects(dataset, DCAT.distribution))) == 3
    assert graph.value(catalogues[0], DCTERMS.modified) is not None


def test_every_distribution_url_answers(published, client):
    graph = _graph(client, "/open-data/catalogus.jsonld", "json-ld")
    urls = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    assert len(urls) == 3 * len(DATASETS)
    for url in urls:
        assert url.startswith(settings.SITE_URL)
        response = client.get(url.removeprefix(settings.SITE_URL))
        assert response.status_code == 200, url


def test_modification_dates_come_from_the_data(published, client):
    graph = _graph(client, "/open-data/catalogus.jsonld", "json-ld")
    updates = next(
        d
        for d in graph.subjects(RDF.type, DCAT.Dataset)
        if str(graph.value(d, DCTERMS.identifier)) == "updates"
    )
    stamp = graph.value(updates, DCTERMS.modified).toPython()
    update = published.updates.get()
    assert abs((stamp - update.bijgewerkt_op).total_seconds()) < 1


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.slug)
def test_csvw_metadata_names_every_column_with_a_type(published, client, dataset):
    response = client.get(f"/open-data/{dataset.slug}.csv-metadata.json")
    assert response.status_code == 200
    metadata = json.loads(response.content)
    columns = metadata["tableSchema"]["columns"]
    header = next(
        csv.reader(io.StringIO(client.get(f"/open-data/{dataset.slug}.csv").content.decode()))
    )
    assert [c["name"] for c in columns] == header
    assert all(c["datatype"] for c in columns)
    assert metadata["@context"][0] == "http://www.w3.org/ns/csvw"
    metadata["@context"][0] = CSVW_CONTEXT
    graph = Graph().parse(data=json.dumps(metadata), format="json-ld")
    names = {str(n) for n in graph.objects(None, CSVW.name)}
    assert names == set(header)


def test_csvw_types_follow_the_values(published, client):
    metadata = json.loads(client.get("/open-data/besturen.csv-metadata.json").content)
    types = {c["name"]: c["datatype"] for c in metadata["tableSchema"]["columns"]}
    assert types["breedtegraad"] == "decimal"
    assert types["url"] == "anyURI"
    separators = {c["name"]: c.get("separator") for c in metadata["tableSchema"]["columns"]}
    assert separators["trajecten"] == ";"
    workshop = published.workshops.get(volgnummer=2)
    workshop.gepland_op = datetime(2023, 2, 15, 14, 0, tzinfo=UTC)
    workshop.save()
    metadata = json.loads(client.get("/open-data/workshops.csv-metadata.json").content)
    types = {c["name"]: c["datatype"] for c in metadata["tableSchema"]["columns"]}
    assert types["gepland_op"] == "datetime"
    assert types["verslag_gepubliceerd"] == "boolean"
    assert types["volgnummer"] == "integer"


def test_an_unknown_dataset_has_no_metadata(client, db):
    assert client.get("/open-data/bestaat-niet.csv-metadata.json").status_code == 404
