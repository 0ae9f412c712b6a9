"""The calendar of dated workshops and coaching moments, as iCalendar and as a page."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

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


def _text(value: str) -> str:
    """TEXT escaping (RFC 5545, 3.3.11), replaced in the same order as icalendar's `vText`.

    Written out here because icalendar's own public helper (`parser.escape_char`) is deprecated.
    """
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _stamp(moment: datetime) -> str:
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


# Stands in for a workshop's number when its address is reversed once per trajectory.
_NUMBER_STAND_IN = 987654321

# icalendar folds a content line before it would reach 75 octets.
_FOLD_AT = 74


def _content_line(line: str) -> bytes:
    """One content line, folded exactly as icalendar folds it (RFC 5545, 3.1).

    Never inside a UTF-8 character, and never right after a backslash or caret, so an escape
    stays on one line. Working on the encoded bytes is what makes the feed cheap to build:
    icalendar measures every character on its own.
    """
    data = line.encode()
    if len(data) <= _FOLD_AT:
        return data + b"\r\n"
    parts = []
    start = 0
    while len(data) - start > _FOLD_AT:
        end = start + _FOLD_AT
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the character starts earlier
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


class _EventWriter:
    """VEVENTs written directly, in icalendar's canonical form.

    A feed holds hundreds of events; building each through icalendar's components and
    serialising them took most of the feed's time. The text is the same, property for property
    (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE first, the rest alphabetically), which
    `Calendar.from_ical(feed).to_ical() == feed` in the tests keeps true.
    """

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

    def event(self, moment) -> bytes:
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
        end = start + (WORKSHOP_LENGTH if is_workshop else COACHING_LENGTH)
        stamp = _stamp(moment.bijgewerkt_op.astimezone(UTC)) + "Z"
        location = getattr(moment, "plaats", "") or (
            moment.get_vorm_display() if not is_workshop else ""
        )
        lines = []
        if moment.is_demo:
            lines.append("Demo-inhoud: illustratief, dit is geen echte afspraak.")
        lines.append(f"Stand: {moment.voortgang.label.lower()}.")
        if is_workshop and moment.thema:
            lines.append(f"Thema: {moment.thema}")
        lines.append("Het einduur is een richtwaarde; het portaal houdt enkel het beginuur bij.")
        lines.append(f"Meer over dit traject, de laatste stand en de volgende stap: {traject_url}")
        properties = [
            f"SUMMARY:{_text(summary)}",
            f"DTSTART;TZID=Europe/Brussels:{_stamp(start)}",
            f"DTEND;TZID=Europe/Brussels:{_stamp(end)}",
            f"DTSTAMP:{stamp}",
            f"UID:{_text(f'{moment.kind}-{moment.pk}@{self.authority}')}",
            f"SEQUENCE:{max(moment.versie - 1, 0)}",
            "DESCRIPTION:" + _text("\n\n".join(lines)),
            f"LAST-MODIFIED:{stamp}",
        ]
        if location:
            properties.append(f"LOCATION:{_text(location)}")
        properties.append(f"STATUS:{'CANCELLED' if moment.is_cancelled else 'CONFIRMED'}")
        properties.append("TRANSP:TRANSPARENT")
        properties.append(f"URL:{url}")
        return b"".join([b"BEGIN:VEVENT\r\n", *map(_content_line, properties), b"END:VEVENT\r\n"])


def build_calendar(*, name: str, moments: list, base_url: str = "") -> bytes:
    """The iCalendar text; links start with `base_url` (the site's address, no slash)."""
    base_url = base_url or settings.SITE_URL
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
    # The calendar's own lines come from icalendar; the events are written in the same form.
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    writer = _EventWriter(base_url)
    return b"".join([head[: -len(end)], *(writer.event(m) for m in moments), end])


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def programme_ics(request):
    content = build_calendar(
        name="Lokaal Circulair", moments=calendar_moments(), base_url=_base_url(request)
    )
    return _ics_response(content, "lokaal-circulair.ics")


def traject_ics(request, slug):
    traject = get_object_or_404(Traject.objects.only("id", "slug", "titel"), slug=slug)
    content = build_calendar(
        name=f"Lokaal Circulair: {traject.titel}",
        moments=calendar_moments(Q(traject=traject)),
        base_url=_base_url(request),
    )
    return _ics_response(content, f"{traject.slug}.ics")


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


def kalender(request):
    """The soonest upcoming and the latest past dates, and how to subscribe."""
    now = timezone.now()
    upcoming = _nearest(Q(gepland_op__gte=now), descending=False, limit=UPCOMING_ON_PAGE + 1)
    past = _nearest(Q(gepland_op__lt=now), descending=True, limit=PAST_ON_PAGE)
    _with_participants(upcoming, past)
    # Every trajectory's own calendar: the address reversed once, not once per trajectory.
    before, after = reverse("volgen:traject_ics", args=["slug-stand-in"]).rsplit("slug-stand-in", 1)
    trajecten = [
        (f"{before}{slug}{after}", titel)
        for slug, titel in Traject.objects.order_by("soort", "titel").values_list("slug", "titel")
    ]
    feed_url = request.build_absolute_uri(reverse("volgen:kalender_ics"))
    return render(
        request,
        "volgen/kalender.html",
        {
            "upcoming": upcoming[:UPCOMING_ON_PAGE],
            "meer_komend": len(upcoming) > UPCOMING_ON_PAGE,
            "past": past,
            "trajecten": trajecten,
            "ics_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )
