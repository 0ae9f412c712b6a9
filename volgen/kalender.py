"""The calendar of dated workshops and coaching moments, as iCalendar and as a page."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.parser import Contentlines

from lokaal import fragmenten
from trajecten.models import Deelname, Traject
from workshops.models import Coachingsmoment, Workshop
from workshops.nieuws import tag_authority

BRUSSELS = ZoneInfo("Europe/Brussels")
# The portal records when a moment starts, not when it ends: calendars get an indicative length.
WORKSHOP_LENGTH = timedelta(hours=3)
COACHING_LENGTH = timedelta(hours=1)
PAST_ON_PAGE = 30
# The page lists the soonest dates; the calendar file holds them all.
UPCOMING_ON_PAGE = 40

_FIELDS = [
    "id",
    "traject",
    "gepland_op",
    "status",
    "gepubliceerd",
    "verslag_html",
    "bijgewerkt_op",
    "versie",
    "is_demo",
    "traject__id",
    "traject__slug",
    "traject__titel",
    "traject__ronde__id",
    "traject__ronde__start",
    "traject__ronde__einde",
    "traject__ronde__afgesloten_op",
    "traject__gestopt",
]


# Whether a trajectory is an unfilled place (never behind plan) reads its participants.
_DEELNAMES = Prefetch("traject__deelnames", queryset=Deelname.objects.only("id", "traject"))
_DEELNAMES_OF = Prefetch("deelnames", queryset=Deelname.objects.only("id", "traject"))


def dated_workshops(traject_filter: Q) -> QuerySet:
    return (
        Workshop.objects.filter(traject_filter, gepland_op__isnull=False)
        .select_related("traject__ronde")
        .prefetch_related(_DEELNAMES)
        .only(*_FIELDS, "volgnummer", "titel", "thema", "plaats")
        .order_by("gepland_op", "pk")
    )


def dated_coaching(traject_filter: Q) -> QuerySet:
    return (
        Coachingsmoment.objects.filter(traject_filter, gepland_op__isnull=False)
        .select_related("traject__ronde")
        .prefetch_related(_DEELNAMES)
        .only(*_FIELDS, "onderwerp", "vorm")
        .order_by("gepland_op", "pk")
    )


def calendar_moments(traject_filter: Q | None = None) -> list:
    """Every dated workshop and coaching moment, in time order: two queries."""
    traject_filter = traject_filter or Q()
    moments = [*dated_workshops(traject_filter), *dated_coaching(traject_filter)]
    return sorted(moments, key=lambda m: (m.gepland_op, m.kind_order, m.pk))


def _brussels_vtimezone() -> Timezone:
    """Europe/Brussels as calendar clients expect it: the EU summer-time rule since 1996."""
    tz = Timezone()
    tz.add("tzid", "Europe/Brussels")
    tz.add("x-lic-location", "Europe/Brussels")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1996, 3, 31, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


# Stands in for a workshop's number when its address is reversed once per trajectory.
_NUMBER_STAND_IN = 987654321


class _EventBuilder:
    """One icalendar `Event` per workshop or coaching moment of a feed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.authority = tag_authority()
        self.traject_urls: dict[int, tuple[str, str, str]] = {}

    def _urls(self, traject) -> tuple[str, str, str]:
        """The trajectory's address, and its workshops' in two parts around the number.

        reverse() costs more than the rest of an event together; a trajectory has several
        dated moments, so each trajectory's addresses are reversed once per feed.
        """
        urls = self.traject_urls.get(traject.pk)
        if urls is None:
            workshop = reverse("workshops:detail", args=[traject.slug, _NUMBER_STAND_IN])
            # The number comes after the slug, so the last occurrence is the number's.
            before, after = workshop.rsplit(str(_NUMBER_STAND_IN), 1)
            urls = self.traject_urls[traject.pk] = (
                f"{self.base_url}{traject.get_absolute_url()}",
                f"{self.base_url}{before}",
                after,
            )
        return urls

    def event(self, moment) -> "EventFields":
        traject = moment.traject
        traject_url, workshop_before, workshop_after = self._urls(traject)
        is_workshop = moment.kind == "workshop"
        if is_workshop:
            summary = f"Workshop {moment.volgnummer}: {moment.titel} – {traject.titel}"
            url = f"{workshop_before}{moment.volgnummer}{workshop_after}"
        else:
            summary = f"Coachingsmoment: {moment.onderwerp} – {traject.titel}"
            url = f"{traject_url}#coachingsmoment-{moment.pk}"
        if moment.is_demo:
            summary = f"[demo] {summary}"
        start = moment.gepland_op.astimezone(BRUSSELS)
        lines = []
        if moment.is_demo:
            lines.append("Demo-inhoud: illustratief, dit is geen echte afspraak.")
        lines.append(f"Stand: {moment.voortgang.label.lower()}.")
        if is_workshop and moment.thema:
            lines.append(f"Thema: {moment.thema}")
        lines.append("Het einduur is een richtwaarde; het portaal houdt enkel het beginuur bij.")
        lines.append(f"Meer over dit traject, de laatste stand en de volgende stap: {traject_url}")
        return EventFields(
            summary=summary,
            start=start,
            end=start + (WORKSHOP_LENGTH if is_workshop else COACHING_LENGTH),
            changed=moment.bijgewerkt_op.astimezone(UTC),
            uid=f"{moment.kind}-{moment.pk}@{self.authority}",
            sequence=max(moment.versie - 1, 0),
            description="\n\n".join(lines),
            location=getattr(moment, "plaats", "")
            or (moment.get_vorm_display() if not is_workshop else ""),
            status="CANCELLED" if moment.is_cancelled else "CONFIRMED",
            url=url,
        )


@dataclass(frozen=True, slots=True)
class EventFields:
    """Everything one calendar event says, as plain values."""

    summary: str
    start: datetime
    end: datetime
    changed: datetime
    uid: str
    sequence: int
    description: str
    location: str
    status: str
    url: str

    def to_event(self) -> Event:
        event = Event()
        event.add("summary", self.summary)
        event.add("dtstart", self.start)
        event.add("dtend", self.end)
        event.add("dtstamp", self.changed)
        event.add("uid", self.uid)
        event.add("sequence", self.sequence)
        event.add("description", self.description)
        event.add("last-modified", self.changed)
        if self.location:
            event.add("location", self.location)
        event.add("status", self.status)
        event.add("transp", "TRANSPARENT")
        event.add("url", self.url)
        return event


# icalendar serialises an event in about a millisecond (it folds lines character by
# character): several hundred per feed. An event's text depends only on its fields, so each
# process keeps the text of the events it has written; after a change only the changed events
# are serialised again. About 0.7 kB an event.
@lru_cache(maxsize=8192)
def event_ical(fields: EventFields) -> bytes:
    return fields.to_event().to_ical()


def _calendar(name: str) -> Calendar:
    """The calendar's own properties and time zone, without events."""
    calendar = Calendar()
    calendar.add("prodid", "-//Lokaal Circulair//Kalender van de begeleidingstrajecten//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    # Subscribed calendars refresh at most this often; workshops move rarely.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    calendar.add_component(_brussels_vtimezone())
    return calendar


def calendar_chunks(*, name: str, moments: list, base_url: str = "") -> Iterator[bytes]:
    """The iCalendar text in pieces: the calendar's opening, one piece per event, its end.

    Links start with `base_url` (the site's address, no slash). Each event is serialised on
    its own, so a feed of hundreds of events never holds them all as components at once.
    """
    calendar = _calendar(name)
    builder = _EventBuilder(base_url or settings.SITE_URL)
    # icalendar writes a component as its BEGIN line, its properties, its subcomponents and
    # its END line; the events go between the time zone and the END line.
    # (content_lines() ends with an empty entry that stands for the final line break).
    lines = calendar.content_lines()
    yield Contentlines(lines[:-2]).to_ical()
    for moment in moments:
        yield event_ical(builder.event(moment))
    yield Contentlines(lines[-2:]).to_ical()


def _ics_response(chunks: Iterator[bytes], filename: str) -> HttpResponse:
    # Joined into one response rather than streamed, so the page cache can keep it.
    response = HttpResponse(chunks, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def programme_ics(request):
    """The whole programme's calendar, kept whole under the generation of all content and the
    site's address until a date in it passes (lokaal/fragmenten.py): several hundred events
    cost ~70 ms to write even with each event's text known."""
    base_url = _base_url(request)
    site = hashlib.blake2b(base_url.encode(), digest_size=8).hexdigest()

    def build():
        moments = calendar_moments()
        chunks = calendar_chunks(name="Lokaal Circulair", moments=moments, base_url=base_url)
        return b"".join(chunks), fragmenten.moments_until(moments)

    body = fragmenten.kept(f"ics:programma:{site}", [fragmenten.INHOUD], build)
    return _ics_response(iter([body]), "lokaal-circulair.ics")


@require_safe
def traject_ics(request, slug):
    traject = get_object_or_404(Traject.objects.only("id", "slug", "titel"), slug=slug)
    chunks = calendar_chunks(
        name=f"Lokaal Circulair: {traject.titel}",
        moments=calendar_moments(Q(traject=traject)),
        base_url=_base_url(request),
    )
    return _ics_response(chunks, f"{traject.slug}.ics")


def _nearest(traject_filter: Q, *, descending: bool, limit: int) -> list:
    """The `limit` dated moments nearest in time on one side of now: limited in the database,
    so the page costs the same whatever the number of dates."""
    order = ("-gepland_op", "-pk") if descending else ("gepland_op", "pk")
    moments = [
        *dated_workshops(traject_filter).prefetch_related(None).order_by(*order)[:limit],
        *dated_coaching(traject_filter).prefetch_related(None).order_by(*order)[:limit],
    ]
    moments.sort(key=lambda m: (m.gepland_op, m.kind_order, m.pk), reverse=descending)
    return moments[:limit]


def _with_participants(*lists: list) -> None:
    """Whether each moment's trajectory is an unfilled place: one query for all the lists."""
    prefetch_related_objects([m.traject for moments in lists for m in moments], _DEELNAMES_OF)


def _dates_html() -> tuple[str, datetime | None]:
    """The soonest upcoming and the latest past dates, and until when they read the same."""
    now = timezone.now()
    upcoming = _nearest(Q(gepland_op__gte=now), descending=False, limit=UPCOMING_ON_PAGE + 1)
    past = _nearest(Q(gepland_op__lt=now), descending=True, limit=PAST_ON_PAGE)
    _with_participants(upcoming, past)
    html = render_to_string(
        "volgen/_kalender_data.html",
        {
            "upcoming": upcoming[:UPCOMING_ON_PAGE],
            "meer_komend": len(upcoming) > UPCOMING_ON_PAGE,
            "past": past,
        },
    )
    # The first upcoming date passing moves it to the past.
    return html, fragmenten.moments_until([*upcoming, *past], now)


def _per_traject_html() -> tuple[str, None]:
    """Every trajectory's own calendar: the address reversed once, not once per trajectory."""
    before, after = reverse("volgen:traject_ics", args=["slug-stand-in"]).rsplit("slug-stand-in", 1)
    trajecten = [
        (f"{before}{slug}{after}", titel)
        for slug, titel in Traject.objects.order_by("soort", "titel").values_list("slug", "titel")
    ]
    return render_to_string("volgen/_kalender_per_traject.html", {"trajecten": trajecten}), None


@require_safe
def kalender(request):
    """The soonest upcoming and the latest past dates, and how to subscribe. Both lists are
    kept under the generation of all content (lokaal/fragmenten.py), the dates until the
    first of them passes."""
    data = fragmenten.kept("kalender-data", [fragmenten.INHOUD], _dates_html)
    per_traject = fragmenten.kept("kalender-per-traject", [fragmenten.INHOUD], _per_traject_html)
    feed_url = request.build_absolute_uri(reverse("volgen:kalender_ics"))
    return render(
        request,
        "volgen/kalender.html",
        {
            "data": mark_safe(data),  # rendered by our own templates, autoescaped
            "per_traject": mark_safe(per_traject),
            "ics_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )
