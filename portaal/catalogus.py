"""The open data as harvesters read it: a DCAT-AP (Vlaanderen) catalogue and CSVW metadata.

The catalogue (`/open-data/catalogus.jsonld`, and the same graph as Turtle) lists every dataset
of `portaal.opendata` with its licence, publisher, themes, modification date (taken from the
data) and its distributions: CSV, JSON, and the CSVW metadata file that names the CSV's
columns and their types (`/open-data/<slug>.csv-metadata.json`).
"""

import json
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from rdflib import Graph

from portaal.opendata import DATASETS, LICENCE_URI, Dataset, dataset_or_404

EU = "http://publications.europa.eu/resource/authority"
THEMES = {
    "GOVE": f"{EU}/data-theme/GOVE",  # government and public sector
    "ENVI": f"{EU}/data-theme/ENVI",  # environment: the circular economy
    "REGI": f"{EU}/data-theme/REGI",  # regions and cities
}
FORMATS = {
    "csv": ("text/csv", f"{EU}/file-type/CSV", "CSV"),
    "json": ("application/json", f"{EU}/file-type/JSON", "JSON"),
    "csvw": ("application/csvm+json", f"{EU}/file-type/JSON", "CSVW-metadata (JSON-LD)"),
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
PUBLISHER_NAME = "Lokaal Circulair (Vlaanderen Circulair)"


def _absolute(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _text(value: str) -> dict:
    return {"@value": value, "@language": "nl"}


def _moment(value: datetime) -> dict:
    return {
        "@value": timezone.localtime(value).isoformat(timespec="seconds"),
        "@type": "xsd:dateTime",
    }


def modified(dataset: Dataset) -> datetime | None:
    """When the data of a dataset last changed: its rows' own stamp, else their history."""
    rows = dataset.rows()
    model = rows.model
    if any(f.name == "bijgewerkt_op" for f in model._meta.fields):
        return rows.aggregate(last=Max("bijgewerkt_op"))["last"]
    history = getattr(model, "history", None)
    if history is not None:
        return history.filter(id__in=rows.values("pk")).aggregate(last=Max("history_date"))["last"]
    return None


def _publisher() -> dict:
    return {
        "@id": settings.SITE_URL + reverse("portaal:open_data") + "#uitgever",
        "@type": "foaf:Agent",
        "foaf:name": _text(PUBLISHER_NAME),
        "foaf:homepage": {"@id": settings.SITE_URL + "/"},
    }


def _distribution(dataset: Dataset, kind: str, url: str, changed: datetime | None) -> dict:
    media_type, file_type, label = FORMATS[kind]
    distribution = {
        "@id": f"{url}#distributie",
        "@type": "dcat:Distribution",
        "dct:title": _text(f"{dataset.title} ({label})"),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media_type}"},
        "dct:format": {"@id": file_type},
        "dct:license": {"@id": LICENCE_URI},
    }
    if changed:
        distribution["dct:modified"] = _moment(changed)
    return distribution


def catalogue() -> dict:
    """The DCAT-AP catalogue as a JSON-LD document."""
    page = settings.SITE_URL + reverse("portaal:open_data")
    publisher = _publisher()
    datasets, stamps = [], []
    for dataset in DATASETS:
        changed = modified(dataset)
        stamps += [changed] if changed else []
        csv_url = _absolute("portaal:open_data_csv", dataset.slug)
        entry = {
            "@id": f"{page}#dataset-{dataset.slug}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.slug,
            "dct:title": _text(dataset.title),
            "dct:description": _text(dataset.description),
            "dct:publisher": {"@id": publisher["@id"]},
            "dct:license": {"@id": LICENCE_URI},
            "dct:language": {"@id": f"{EU}/language/NLD"},
            "dcat:theme": [{"@id": THEMES[t]} for t in dataset.themes or ("GOVE", "ENVI")],
            "dcat:keyword": [_text("circulaire economie"), _text("lokale besturen")],
            "dcat:landingPage": {"@id": f"{page}#dataset-{dataset.slug}"},
            "dcat:contactPoint": {
                "@type": "vcard:Organization",
                "vcard:fn": PUBLISHER_NAME,
                "vcard:hasURL": {"@id": page},
            },
            "dcat:distribution": [
                _distribution(dataset, "csv", csv_url, changed),
                _distribution(
                    dataset, "json", _absolute("portaal:open_data_json", dataset.slug), changed
                ),
                _distribution(
                    dataset, "csvw", _absolute("portaal:open_data_csvw", dataset.slug), changed
                ),
            ],
        }
        if changed:
            entry["dct:modified"] = _moment(changed)
        datasets.append(entry)
    document = {
        "@context": CONTEXT,
        "@id": _absolute("portaal:open_data_catalogue_jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": _text("Open data van het Lokaal Circulair-trajectportaal"),
        "dct:description": _text(
            "De deelnemers, trajecten, workshops, verslagen en resultaten van het "
            "begeleidingsprogramma Lokaal Circulair."
        ),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URI},
        "dct:language": {"@id": f"{EU}/language/NLD"},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }
    if stamps:
        document["dct:modified"] = _moment(max(stamps))
    return document


def _csvw_datatype(values: list) -> str:
    sample = next((v for v in values if v is not None and v != []), None)
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int):
        return "integer"
    if isinstance(sample, Decimal | float):
        return "decimal"
    if isinstance(sample, datetime):
        return "datetime"
    if isinstance(sample, date):
        return "date"
    return "string"


def csv_metadata(dataset: Dataset) -> dict:
    """CSVW metadata for a dataset's CSV: its columns, their meaning and their types."""
    records = dataset.records()
    columns = []
    for column in dataset.columns:
        values = [record[column.name] for record in records]
        is_list = any(isinstance(v, list) for v in values)
        items = [item for v in values if isinstance(v, list) for item in v] if is_list else values
        description = {
            "name": column.name,
            "titles": column.name,
            "dc:description": column.description,
            "datatype": "anyURI" if column.name in {"url", "website"} else _csvw_datatype(items),
            "required": all(v not in (None, "", []) for v in values) and bool(values),
        }
        if is_list:
            description["separator"] = ";"
        columns.append(description)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "url": _absolute("portaal:open_data_csv", dataset.slug),
        "dc:title": dataset.title,
        "dc:description": dataset.description,
        "dc:license": {"@id": LICENCE_URI},
        "dialect": {"header": True, "delimiter": ",", "encoding": "utf-8"},
        "tableSchema": {"columns": columns},
    }


def _answer(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def catalogue_jsonld(request):
    return _answer(json.dumps(catalogue(), ensure_ascii=False, indent=1), "application/ld+json")


@require_safe
def catalogue_turtle(request):
    graph = Graph().parse(data=json.dumps(catalogue()), format="json-ld")
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    return _answer(graph.serialize(format="turtle"), "text/turtle")


@require_safe
def dataset_csv_metadata(request, slug: str):
    metadata = csv_metadata(dataset_or_404(slug))
    return _answer(json.dumps(metadata, ensure_ascii=False, indent=1), "application/csvm+json")
