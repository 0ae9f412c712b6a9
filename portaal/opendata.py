"""Open data: the portal's public facts as CSV and JSON, with documented, stable columns.

Every dataset is built from public fields only. Reports appear only once published, internal
notes and attendance names never; structured results only for trajectories with published
content (`Traject.objects.openbaar()`). Progress columns come from trajecten/voortgang.py, the
same code every page reads. Each dataset issues a fixed number of queries.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from besturen.models import Bestuur, Lidmaatschap
from trajecten.models import (
    Beleidsactie,
    Deelname,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
    Update,
)
from trajecten.voortgang import MomentStaat, TrajectStaat
from workshops.models import Coachingsmoment, Workshop

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"
LICENCE_URI = "https://creativecommons.org/licenses/by/4.0/"  # the licence itself, for DCAT
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable
    datatype: str = "string"  # the CSVW / XML Schema datatype


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], QuerySet[Any]]
    # The lookup from a row to its round, for `?ronde=`; None when rows belong to no round.
    ronde_pad: str | None = None
    themes: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def records(self, ronde: Ronde | None = None) -> list[dict]:
        rows = self.rows()
        if ronde is not None and self.ronde_pad:
            rows = rows.filter(**{self.ronde_pad: ronde}).distinct()
        return [{c.name: c.value(obj) for c in self.columns} for obj in rows]


def _url(obj) -> str:
    return settings.SITE_URL + obj.get_absolute_url()


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _public_report(moment) -> str | None:
    return moment.verslag_html if moment.is_public else None


def _public_trajecten():
    return Traject.objects.openbaar()


def _besturen():
    return Bestuur.objects.prefetch_related(
        Prefetch("deelnames", queryset=Deelname.objects.select_related("traject")),
        Prefetch("lid_van", queryset=Lidmaatschap.objects.select_related("intercommunale")),
    ).order_by("slug")


def _trajecten():
    return (
        Traject.objects.with_progress()
        .with_coaches()
        .prefetch_related("prioritaire_actiedomeinen", "beleidsinstrumenten")
        .order_by("slug")
    )


def _workshops():
    # A moment's state needs to know whether its trajectory's place is filled (its deelnames).
    return (
        Workshop.objects.select_related("traject__ronde")
        .prefetch_related("traject__deelnames__bestuur")
        .order_by("traject__slug", "volgnummer")
    )


def _coachingsmomenten():
    return (
        Coachingsmoment.objects.select_related("traject__ronde")
        .prefetch_related("traject__deelnames__bestuur")
        .order_by("traject__slug", "gepland_op", "pk")
    )


def _updates():
    return (
        Update.objects.openbaar().select_related("traject").order_by("traject__slug", "datum", "pk")
    )


def _results(model, *related: str, order: tuple[str, ...] = ("pk",)):
    def rows():
        return (
            model.objects.openbaar()
            .select_related("traject", *related)
            .order_by("traject__slug", *order)
        )

    return rows


def _metingen():
    return (
        Meting.objects.openbaar()
        .select_related("kpi__traject")
        .order_by("kpi__traject__slug", "kpi__naam", "kpi_id", "datum")
    )


TRAJECT = Column("traject", "De slug van het traject (zie trajecten).", lambda o: o.traject.slug)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "besturen",
        "Besturen",
        "Alle besturen op het portaal: deelnemers, besturen die als deelnemer genoemd worden "
        "en de gemeentevennoten van de deelnemende intercommunales.",
        (
            Column("slug", "Vaste sleutel van het bestuur.", lambda b: b.slug),
            Column("naam", "Officiële naam.", lambda b: b.naam),
            Column("korte_naam", "Naam in lijsten en op de kaart.", lambda b: b.korte_naam),
            Column("soort", "stad, gemeente, intercommunale of andere (code).", lambda b: b.soort),
            Column(
                "provincie",
                "Provincie (code), leeg als niet van toepassing.",
                lambda b: b.provincie,
            ),
            Column(
                "nis_code", "NIS-code van de gemeente (Statbel), anders leeg.", lambda b: b.nis_code
            ),
            Column("website", "Website, als gekend.", lambda b: b.website),
            Column(
                "breedtegraad", "Breedtegraad (WGS84) van het centrum.", lambda b: b.breedtegraad
            ),
            Column("lengtegraad", "Lengtegraad (WGS84) van het centrum.", lambda b: b.lengtegraad),
            Column(
                "lid_van",
                "Slugs van de intercommunales waarvan het bestuur gemeentevennoot is.",
                lambda b: [m.intercommunale.slug for m in b.lid_van.all()],
            ),
            Column(
                "trajecten",
                "Slugs van de trajecten waarin het bestuur deelneemt.",
                lambda b: [d.traject.slug for d in b.deelnames.all()],
            ),
            Column("url", "De pagina van het bestuur op dit portaal.", _url),
        ),
        _besturen,
        ronde_pad="deelnames__traject__ronde",
        themes=("GOVE", "REGI"),
    ),
    Dataset(
        "lidmaatschappen",
        "Gemeentevennoten van intercommunales",
        "Welke gemeente lid is van welke intercommunale, en of dat lidmaatschap nagegaan is.",
        (
            Column(
                "intercommunale", "Slug van de intercommunale.", lambda m: m.intercommunale.slug
            ),
            Column("lid", "Slug van de gemeente.", lambda m: m.lid.slug),
            Column("lid_naam", "Naam van de gemeente.", lambda m: m.lid.naam),
            Column("lid_nis_code", "NIS-code van de gemeente.", lambda m: m.lid.nis_code),
            Column(
                "geverifieerd",
                "true als bevestigd is dat het lidmaatschap vandaag nog geldt.",
                lambda m: m.geverifieerd,
            ),
            Column("toelichting", "Wat over het lidmaatschap geweten is.", lambda m: m.toelichting),
        ),
        lambda: Lidmaatschap.objects.select_related("intercommunale", "lid").order_by(
            "intercommunale__slug", "lid__slug"
        ),
        themes=("GOVE", "REGI"),
    ),
    Dataset(
        "trajecten",
        "Trajecten",
        "Alle begeleidingstrajecten, met hun deelnemers, gekozen actiedomeinen en voortgang. "
        "De voortgang is berekend op het moment van downloaden.",
        (
            Column("slug", "Vaste sleutel van het traject.", lambda t: t.slug),
            Column("titel", "Titel.", lambda t: t.titel),
            Column("ronde", "Slug van de ronde van het programma.", lambda t: t.ronde.slug),
            Column("soort", "strategie of pilootproject.", lambda t: t.soort),
            Column(
                "status",
                "De voortgang zoals het portaal ze toont (code): "
                + ", ".join(TrajectStaat.values)
                + ".",
                lambda t: t.voortgang.staat.value,
            ),
            Column("samenvatting", "Publieke samenvatting.", lambda t: t.samenvatting),
            Column("ambitie", "Publieke ambitie.", lambda t: t.ambitie),
            Column(
                "open_plaats",
                "Voor een plaats waarvan het bestuur nog niet gekend is: wat er wel geweten is.",
                lambda t: t.open_plaats,
            ),
            Column(
                "trekkers",
                "Slugs van de besturen die het traject trekken.",
                lambda t: [
                    d.bestuur.slug for d in t.deelnames.all() if d.rol == Deelname.Rol.TREKKER
                ],
            ),
            Column(
                "partners",
                "Slugs van de besturen die als partner deelnemen.",
                lambda t: [
                    d.bestuur.slug for d in t.deelnames.all() if d.rol == Deelname.Rol.PARTNER
                ],
            ),
            Column("gepland_start", "Geplande start (JJJJ-MM-DD).", lambda t: t.gepland_start),
            Column("gepland_einde", "Gepland einde (JJJJ-MM-DD).", lambda t: t.gepland_einde),
            Column(
                "prioritaire_actiedomeinen",
                "Namen van de gekozen prioritaire actiedomeinen.",
                lambda t: [d.naam for d in t.prioritaire_actiedomeinen.all()],
            ),
            Column(
                "beleidsinstrumenten",
                "Namen van de gekozen beleidsinstrumenten.",
                lambda t: [b.naam for b in t.beleidsinstrumenten.all()],
            ),
            Column(
                "workshops_gepland",
                "Aantal workshops, zonder de geannuleerde.",
                lambda t: t.voortgang.workshops_totaal,
            ),
            Column(
                "workshops_gehouden",
                "Aantal workshops die als gehouden vastgelegd zijn.",
                lambda t: t.voortgang.workshops_gehouden,
            ),
            Column(
                "achter_op_planning",
                "true enkel binnen een lopende ronde, als de datum van een moment meer dan "
                f"{settings.BEHIND_PLAN_GRACE_DAYS} dagen voorbij is zonder dat het als "
                "gehouden of geannuleerd vastgelegd is.",
                lambda t: t.voortgang.achter_op_planning,
            ),
            Column(
                "laatst_bijgewerkt", "Laatste wijziging of publicatie.", lambda t: t.last_updated
            ),
            Column("url", "De pagina van het traject op dit portaal.", _url),
            # Added later, so at the end: the columns before them keep their place.
            Column(
                "ronde_stand",
                "komend, lopend, voorbij of afgesloten: de stand van de ronde vandaag.",
                lambda t: t.voortgang.fase.value,
            ),
            Column("status_tekst", "De voortgang in woorden.", lambda t: t.voortgang.label),
            Column(
                "voortgang",
                "Wat er over de voortgang van het traject bekend is, in één zin.",
                lambda t: t.voortgang.samenvatting,
            ),
            Column(
                "is_demo",
                "true als de voortgang (mee) volgt uit illustratieve demo-inhoud.",
                lambda t: t.voortgang.is_demo,
            ),
            Column(
                "coaching",
                "Wie coacht: het adviesbureau, met de naam van een coach enkel als die daarvoor "
                "koos.",
                lambda t: t.coaching_tekst,
            ),
        ),
        _trajecten,
        "ronde",
    ),
    Dataset(
        "workshops",
        "Workshops",
        "Alle workshops, ook de geplande. Het verslag staat er enkel in als het gepubliceerd is.",
        (
            TRAJECT,
            Column(
                "volgnummer",
                "Nummer van de workshop in het traject (1 tot 3).",
                lambda w: w.volgnummer,
            ),
            Column("titel", "Titel.", lambda w: w.titel),
            Column("thema", "Thema.", lambda w: w.thema),
            Column(
                "gepland_op", "Datum en uur (ISO 8601, tijd van Brussel).", lambda w: w.gepland_op
            ),
            Column("plaats", "Locatie of 'online'.", lambda w: w.plaats),
            Column(
                "status",
                "De stand zoals het portaal ze toont (code): "
                + ", ".join(MomentStaat.values)
                + ".",
                lambda w: w.voortgang.staat.value,
            ),
            Column(
                "verslag_gepubliceerd",
                "true als er een publiek verslag is.",
                lambda w: w.is_public,
            ),
            Column(
                "gepubliceerd_op",
                "Wanneer het verslag gepubliceerd werd.",
                lambda w: w.gepubliceerd_op if w.is_public else None,
            ),
            Column(
                "verslag_html", "Het gepubliceerde verslag (HTML), anders leeg.", _public_report
            ),
            Column(
                "aantal_aanwezigen",
                "Hoeveel mensen er waren, bij een gepubliceerd verslag (geen namen).",
                lambda w: w.aantal_aanwezigen if w.is_public else None,
            ),
            Column(
                "beslissingen",
                "De beslissingen uit het gepubliceerde verslag, anders leeg.",
                lambda w: w.beslissingen if w.is_public else None,
            ),
            Column(
                "volgende_stappen",
                "De volgende stappen uit het gepubliceerde verslag, anders leeg.",
                lambda w: w.volgende_stappen if w.is_public else None,
            ),
            Column(
                "is_demo",
                "true voor illustratieve demo-inhoud die geen echte workshop beschrijft.",
                lambda w: w.is_demo and w.is_public,
            ),
            Column("url", "De pagina van de workshop op dit portaal.", _url),
        ),
        _workshops,
        "traject__ronde",
    ),
    Dataset(
        "coachingsmomenten",
        "Coachingsmomenten",
        "De tussentijdse coachingsmomenten van de pilootprojecten. Het verslag staat er enkel "
        "in als het gepubliceerd is.",
        (
            TRAJECT,
            Column(
                "gepland_op", "Datum en uur (ISO 8601, tijd van Brussel).", lambda c: c.gepland_op
            ),
            Column("vorm", "ter_plaatse, online of telefonisch.", lambda c: c.vorm),
            Column("onderwerp", "Onderwerp.", lambda c: c.onderwerp),
            Column(
                "status",
                "De stand zoals het portaal ze toont (code): "
                + ", ".join(MomentStaat.values)
                + ".",
                lambda c: c.voortgang.staat.value,
            ),
            Column(
                "verslag_gepubliceerd", "true als er een publiek verslag is.", lambda c: c.is_public
            ),
            Column(
                "gepubliceerd_op",
                "Wanneer het verslag gepubliceerd werd.",
                lambda c: c.gepubliceerd_op if c.is_public else None,
            ),
            Column(
                "verslag_html", "Het gepubliceerde verslag (HTML), anders leeg.", _public_report
            ),
            Column(
                "is_demo",
                "true voor illustratieve demo-inhoud.",
                lambda c: c.is_demo and c.is_public,
            ),
        ),
        _coachingsmomenten,
        "traject__ronde",
    ),
    Dataset(
        "updates",
        "Updates",
        "De gepubliceerde nieuwsberichten op de tijdlijn van de trajecten.",
        (
            TRAJECT,
            Column("datum", "Datum van de update.", lambda u: u.datum),
            Column("titel", "Titel.", lambda u: u.titel),
            Column("tekst_html", "De tekst (HTML).", lambda u: u.tekst_html),
            Column(
                "gepubliceerd_op",
                "Wanneer de update gepubliceerd werd.",
                lambda u: u.gepubliceerd_op,
            ),
            Column("is_demo", "true voor illustratieve demo-inhoud.", lambda u: u.is_demo),
        ),
        _updates,
        "traject__ronde",
    ),
    Dataset(
        "lopende-initiatieven",
        "Lopende initiatieven (strategie)",
        "De initiatieven die een strategietraject in zijn prioritaire actiedomeinen in kaart "
        "bracht.",
        (
            TRAJECT,
            Column("naam", "Naam van het initiatief.", lambda i: i.naam),
            Column(
                "actiedomein",
                "Naam van het actiedomein, als gekend.",
                lambda i: i.actiedomein.naam if i.actiedomein else None,
            ),
            Column("eigenaar", "Wie het initiatief trekt.", lambda i: i.eigenaar),
            Column("status", "idee, lopend of afgerond.", lambda i: i.status),
        ),
        _results(LopendInitiatief, "actiedomein", order=("naam", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "beleidsacties",
        "Verkende beleidsacties (strategie)",
        "De beleidsacties die een strategietraject verkende.",
        (
            TRAJECT,
            Column("titel", "Titel van de beleidsactie.", lambda a: a.titel),
            Column("omschrijving", "Omschrijving.", lambda a: a.omschrijving),
            Column(
                "actiedomein",
                "Naam van het actiedomein, als gekend.",
                lambda a: a.actiedomein.naam if a.actiedomein else None,
            ),
            Column(
                "beleidsinstrument",
                "Naam van het beleidsinstrument, als gekend.",
                lambda a: a.beleidsinstrument.naam if a.beleidsinstrument else None,
            ),
        ),
        _results(Beleidsactie, "actiedomein", "beleidsinstrument", order=("titel", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "pilotkandidaten",
        "Kandidaat-pilootprojecten (strategie)",
        "De pilootprojecten die een strategietraject samen met lokale stakeholders naar voren "
        "schoof.",
        (
            TRAJECT,
            Column("naam", "Naam van de kandidaat.", lambda p: p.naam),
            Column("omschrijving", "Omschrijving.", lambda p: p.omschrijving),
            Column("stakeholders", "Met wie de kandidaat bepaald werd.", lambda p: p.stakeholders),
            Column(
                "vervolgtraject",
                "Slug van het pilootprojecttraject dat eruit volgde, als dat er is.",
                lambda p: p.vervolgtraject.slug if p.vervolgtraject else None,
            ),
        ),
        _results(Pilotkandidaat, "vervolgtraject", order=("naam", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "modules",
        "Gekozen ondersteuningsmodules (pilootproject)",
        "Welke modules uit de menukaart elk pilootproject koos, met hun stand en resultaat.",
        (
            TRAJECT,
            Column("module", "Naam van de module.", lambda m: m.module.naam),
            Column("status", "gekozen, bezig of afgerond.", lambda m: m.status),
            Column("resultaat", "Wat de module opleverde.", lambda m: m.resultaat),
            Column("is_demo", "true voor illustratieve demo-inhoud.", lambda m: m.is_demo),
        ),
        _results(GekozenModule, "module", order=("module__volgorde", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "partners",
        "Partners (pilootproject)",
        "De partners die een pilootproject zoekt of al aan boord heeft.",
        (
            TRAJECT,
            Column("naam", "Naam van de partner.", lambda p: p.naam),
            Column("rol", "Rol in het project.", lambda p: p.rol),
            Column("status", "gezocht, in_gesprek of aan_boord.", lambda p: p.status),
        ),
        _results(Partner, order=("naam", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "kpis",
        "KPI's (pilootproject)",
        "De indicatoren die een pilootproject volgt, met nulwaarde en streefwaarde.",
        (
            Column("id", "Vaste sleutel van de KPI (zie metingen).", lambda k: k.pk),
            TRAJECT,
            Column("naam", "Naam van de KPI.", lambda k: k.naam),
            Column("eenheid", "Eenheid.", lambda k: k.eenheid),
            Column("nulwaarde", "Waarde bij de start.", lambda k: k.nulwaarde),
            Column("streefwaarde", "Waarde die het project nastreeft.", lambda k: k.streefwaarde),
            Column(
                "catalogus",
                "Slug van de KPI in de catalogus, leeg voor een eigen KPI.",
                lambda k: k.definitie.slug if k.definitie else None,
            ),
        ),
        _results(Kpi, "definitie", order=("naam", "pk")),
        "traject__ronde",
    ),
    Dataset(
        "metingen",
        "KPI-metingen (pilootproject)",
        "Elke gemeten waarde van een KPI.",
        (
            Column("kpi", "Id van de KPI (zie kpis).", lambda m: m.kpi_id),
            Column("traject", "De slug van het traject.", lambda m: m.kpi.traject.slug),
            Column("kpi_naam", "Naam van de KPI.", lambda m: m.kpi.naam),
            Column("eenheid", "Eenheid.", lambda m: m.kpi.eenheid),
            Column("datum", "Datum van de meting.", lambda m: m.datum),
            Column("waarde", "Gemeten waarde.", lambda m: m.waarde),
            Column("toelichting", "Toelichting bij de meting.", lambda m: m.toelichting),
        ),
        _metingen,
        "kpi__traject__ronde",
    ),
)
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, date | datetime):
        return _iso(value)
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, date | datetime):
        return _iso(value) or ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def dataset_or_404(slug: str) -> Dataset:
    dataset = BY_SLUG.get(slug)
    if dataset is None:
        raise Http404("Deze dataset bestaat niet.")
    return dataset


def _ronde(request) -> Ronde | None:
    """The round of `?ronde=<slug>`; an unknown slug raises UnknownRonde."""
    slug = request.GET.get("ronde")
    if slug is None:
        return None
    ronde = Ronde.objects.filter(slug=slug).first()
    if ronde is None:
        raise UnknownRonde(slug)
    return ronde


class UnknownRonde(Exception):
    def response(self) -> HttpResponseBadRequest:
        return HttpResponseBadRequest(
            f"De ronde ‘{str(self)[:60]}’ bestaat niet. Laat ?ronde= weg voor alle rondes.",
            content_type="text/plain; charset=utf-8",
        )


@require_safe
def open_data(request):
    return render(
        request,
        "portaal/open_data.html",
        {
            "datasets": DATASETS,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "rondes": Ronde.objects.all(),
        },
    )


def _download_headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def dataset_csv(request, slug: str):
    dataset = dataset_or_404(slug)
    try:
        ronde = _ronde(request)
    except UnknownRonde as unknown:
        return unknown.response()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(dataset.column_names)
    for record in dataset.records(ronde):
        writer.writerow([_csv_value(value) for value in record.values()])
    return _download_headers(response, f"lokaal-circulair-{dataset.slug}.csv")


@require_safe
def dataset_json(request, slug: str):
    dataset = dataset_or_404(slug)
    try:
        ronde = _ronde(request)
    except UnknownRonde as unknown:
        return unknown.response()
    body = {
        "dataset": dataset.slug,
        "titel": dataset.title,
        "licentie": LICENCE,
        "licentie_url": LICENCE_URL,
        "bron": settings.SITE_URL + request.path,
        "gemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "ronde": ronde.slug if ronde else None,
        "kolommen": dataset.column_names,
        "rijen": [
            {key: _json_value(value) for key, value in record.items()}
            for record in dataset.records(ronde)
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    return _download_headers(response, f"lokaal-circulair-{dataset.slug}.json")
