"""The one news stream: published reports, published updates and newly planned workshops.

The home page's "Laatste nieuws", the Atom/RSS feeds and the e-mail digests read this same list,
newest first by publication time, so what a page, a feed reader and an e-mail say never
disagree. It lives in `workshops` so that both `volgen` and `portaal` may import it. Every
source is one query whatever the amount of data, and `interne_notities` is never even loaded
from the database.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from trajecten.models import Traject, Update
from workshops.models import Coachingsmoment, Workshop

VERSLAG = "verslag"
UPDATE = "update"
GEPLAND = "gepland"
MIJLPAAL = "mijlpaal"

# Fields of the report models a public item may read; `interne_notities` is not among them.
_MOMENT_FIELDS = [
    "id",
    "traject",
    "gepland_op",
    "status",
    "verslag_html",
    "gepubliceerd",
    "gepubliceerd_op",
    "is_demo",
    "bijgewerkt_op",
]
_TRAJECT_FIELDS = ["traject__id", "traject__slug", "traject__titel", "traject__soort"]


def tag_authority() -> str:
    """The authority of the entries' tag: URIs, fixed once in settings so ids never change."""
    configured = settings.VOLGEN_TAG_AUTHORITY
    return configured or (urlsplit(settings.SITE_URL).hostname or "localhost")


def tag_uri(specific: str) -> str:
    # RFC 4151: tag:<authority>,<date>:<specific>. The date is the programme's first year.
    return f"tag:{tag_authority()},2022:{specific}"


@dataclass(frozen=True)
class Nieuwsitem:
    """One entry of a feed or a digest."""

    soort: str
    guid: str
    titel: str
    html: str
    samenvatting: str
    link: str
    gepubliceerd_op: datetime
    bijgewerkt_op: datetime
    traject: Traject
    is_demo: bool


def local_datetime_text(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "l j F Y \\o\\m H.i \\u\\u\\r")


def _demo_note(is_demo: bool) -> str:
    if not is_demo:
        return ""
    return "<p><strong>Demo-inhoud:</strong> illustratief, dit beschrijft geen echte workshop.</p>"


def _prefix(is_demo: bool) -> str:
    return "[demo] " if is_demo else ""


def _published(item, *, soort: str, guid: str, titel: str, html: str, **fields) -> Nieuwsitem:
    """A published report or update: demo marks, and its times from its publication."""
    published = item.gepubliceerd_op or item.bijgewerkt_op
    return Nieuwsitem(
        soort=soort,
        guid=tag_uri(guid),
        titel=f"{_prefix(item.is_demo)}{titel}",
        html=_demo_note(item.is_demo) + html,
        gepubliceerd_op=published,
        bijgewerkt_op=max(published, item.bijgewerkt_op),
        traject=item.traject,
        is_demo=item.is_demo,
        **fields,
    )


def _workshop_report(workshop: Workshop) -> Nieuwsitem:
    traject = workshop.traject
    return _published(
        workshop,
        soort=VERSLAG,
        guid=f"workshop/{workshop.pk}/verslag",
        titel=f"Verslag workshop {workshop.volgnummer}: {workshop.titel} ({traject.titel})",
        html=workshop.verslag_html,
        samenvatting=f"Verslag van workshop {workshop.volgnummer}: {workshop.titel}",
        link=reverse("workshops:detail", args=[traject.slug, workshop.volgnummer]),
    )


def _coaching_report(moment: Coachingsmoment) -> Nieuwsitem:
    traject = moment.traject
    return _published(
        moment,
        soort=VERSLAG,
        guid=f"coachingsmoment/{moment.pk}/verslag",
        titel=f"Verslag coachingsmoment: {moment.onderwerp} ({traject.titel})",
        html=moment.verslag_html,
        samenvatting=f"Verslag van het coachingsmoment {moment.onderwerp}",
        link=f"{traject.get_absolute_url()}#coachingsmoment-{moment.pk}",
    )


def _update(update: Update) -> Nieuwsitem:
    traject = update.traject
    return _published(
        update,
        soort=UPDATE,
        guid=f"update/{update.pk}",
        titel=f"{update.titel} ({traject.titel})",
        html=update.tekst_html,
        samenvatting=update.titel,
        link=f"{traject.get_absolute_url()}#update-{update.pk}",
    )


def _planned_workshop(workshop: Workshop) -> Nieuwsitem:
    traject = workshop.traject
    when = local_datetime_text(workshop.gepland_op)
    cancelled = workshop.status == Workshop.Status.GEANNULEERD
    verb = "geannuleerd" if cancelled else "gepland"
    place = format_html(", in {}", workshop.plaats) if workshop.plaats else ""
    html = format_html(
        "<p>Workshop {} van het traject {} {} op {}{}.</p>",
        workshop.volgnummer,
        traject.titel,
        "werd geannuleerd; hij stond gepland" if cancelled else "staat gepland",
        when,
        place,
    )
    if workshop.thema:
        html += format_html("<p>Thema: {}</p>", workshop.thema)
    return Nieuwsitem(
        soort=GEPLAND,
        guid=tag_uri(f"workshop/{workshop.pk}/gepland"),
        titel=f"Workshop {workshop.volgnummer} {verb}: {workshop.titel} ({traject.titel})",
        html=html,
        samenvatting=f"Workshop {workshop.volgnummer} {verb} op {when}",
        link=reverse("workshops:detail", args=[traject.slug, workshop.volgnummer]),
        gepubliceerd_op=workshop.aangekondigd_op,
        bijgewerkt_op=max(workshop.aangekondigd_op, workshop.bijgewerkt_op),
        traject=traject,
        is_demo=False,
    )


def completed_trajectories(traject_filter: Q) -> list[Nieuwsitem]:
    """A milestone per trajectory whose workshops were all held: "traject afgerond".

    Its time is when the last of its workshops was first recorded as held (from the change
    history). One query: the workshops of the trajectories asked for, grouped here.
    """
    first_held = (
        Workshop.history.filter(id=OuterRef("pk"), status=Workshop.Status.GEHOUDEN)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    # A trajectory with a workshop still planned, or stopped, has no milestone: leaving it out
    # in the database spares the history lookup of every workshop of a running round.
    still_planned = Workshop.objects.filter(status=Workshop.Status.GEPLAND).values("traject")
    rows = (
        Workshop.objects.filter(traject_filter)
        .exclude(status=Workshop.Status.GEANNULEERD)
        .exclude(traject__in=still_planned)
        .exclude(traject__gestopt=True)
        .select_related("traject")
        .only(*_MOMENT_FIELDS, *_TRAJECT_FIELDS, "traject__gestopt", "volgnummer")
        .annotate(gehouden_sinds=Coalesce(Subquery(first_held), F("bijgewerkt_op")))
        .order_by("traject_id", "volgnummer")
    )
    by_traject: dict[int, list[Workshop]] = {}
    for workshop in rows:
        by_traject.setdefault(workshop.traject_id, []).append(workshop)
    items = []
    for workshops in by_traject.values():
        traject = workshops[0].traject
        if traject.gestopt or not all(w.is_held for w in workshops):
            continue
        when = max(w.gehouden_sinds for w in workshops)
        is_demo = any(w.is_demo for w in workshops)
        items.append(
            Nieuwsitem(
                soort=MIJLPAAL,
                guid=tag_uri(f"traject/{traject.pk}/afgerond"),
                titel=f"{_prefix(is_demo)}Traject afgerond: {traject.titel}",
                html=_demo_note(is_demo)
                + format_html(
                    "<p>Alle {} workshops van het traject {} zijn gehouden.</p>",
                    len(workshops),
                    traject.titel,
                ),
                samenvatting=f"Traject afgerond: alle {len(workshops)} workshops gehouden",
                link=traject.get_absolute_url(),
                gepubliceerd_op=when,
                bijgewerkt_op=when,
                traject=traject,
                is_demo=is_demo,
            )
        )
    return items


def _published_moments(model, traject_filter: Q) -> QuerySet:
    own_fields = ["volgnummer", "titel"] if model is Workshop else ["onderwerp"]
    return (
        model.objects.openbaar()
        .filter(traject_filter)
        .select_related("traject")
        .only(*_MOMENT_FIELDS, *_TRAJECT_FIELDS, *own_fields)
        .annotate(tijdstip=Coalesce("gepubliceerd_op", "bijgewerkt_op"))
    )


def planned_workshops() -> QuerySet:
    """Workshops announced with a date before they took place, with when that happened.

    The announcement time is the first saved version that carried a date (from the change
    history), so editing the workshop later never makes it "new" again. A workshop entered
    only after its date (a report logged afterwards) was never announced and is left out.
    """
    first_dated = (
        Workshop.history.filter(id=OuterRef("pk"), gepland_op__isnull=False)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return (
        Workshop.objects.filter(gepland_op__isnull=False)
        .select_related("traject")
        .only(*_MOMENT_FIELDS, *_TRAJECT_FIELDS, "volgnummer", "titel", "thema", "plaats")
        .annotate(aangekondigd_op=Coalesce(Subquery(first_dated), F("bijgewerkt_op")))
        .filter(aangekondigd_op__lt=F("gepland_op"))
    )


def public_items(
    *,
    traject_filter: Q | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 50,
) -> list[Nieuwsitem]:
    """The newest public items, newest first: five queries, whatever the amount of data.

    `traject_filter` is a Q on the item's `traject` (for example `Q(traject__slug=...)`);
    `since`/`until` bound the publication time (since exclusive, until inclusive).
    """
    traject_filter = traject_filter or Q()
    sources = [
        (_published_moments(Workshop, traject_filter), "tijdstip", _workshop_report),
        (_published_moments(Coachingsmoment, traject_filter), "tijdstip", _coaching_report),
        (
            Update.objects.openbaar()
            .filter(traject_filter)
            .select_related("traject")
            .annotate(tijdstip=Coalesce("gepubliceerd_op", "bijgewerkt_op")),
            "tijdstip",
            _update,
        ),
        (planned_workshops().filter(traject_filter), "aangekondigd_op", _planned_workshop),
    ]
    items = []
    for queryset, time_field, build in sources:
        if since is not None:
            queryset = queryset.filter(**{f"{time_field}__gt": since})
        if until is not None:
            queryset = queryset.filter(**{f"{time_field}__lte": until})
        queryset = queryset.order_by(f"-{time_field}", "-pk")
        if limit is not None:
            queryset = queryset[:limit]
        items.extend(build(row) for row in queryset)
    for milestone in completed_trajectories(traject_filter):
        if (since is None or milestone.gepubliceerd_op > since) and (
            until is None or milestone.gepubliceerd_op <= until
        ):
            items.append(milestone)
    items.sort(key=lambda item: item.gepubliceerd_op, reverse=True)
    return items[:limit] if limit is not None else items
