"""The calendar of dated workshops and coaching moments, as iCalendar and as a page."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from trajecten.models import Traject
from volgen.nieuws import tag_authority
from workshops.models import Coachingsmoment, Workshop

BRUSSELS = ZoneInfo("Europe/Brussels")
# The portal records when a moment starts, not when it ends: calendars get an indicative length.
WORKSHOP_LENGTH = timedelta(hours=3)
COACHING_LENGTH = timedelta(hours=1)
PAST_ON_PAGE = 30

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
    "traject__status",
]


def dated_workshops(traject_filter: Q) -> QuerySet:
    return (
        Workshop.objects.filter(traject_filter, gepland_op__isnull=False)
        .select_related("traject")
        .only(*_FIELDS, "volgnummer", "titel", "thema", "plaats")
        .order_by("gepland_op", "pk")
    )


def dated_coaching(traject_filter: Q) -> QuerySet:
    return (
        Coachingsmoment.objects.filter(traject_filter, gepland_op__isnull=False)
        .select_related("traject")
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


def _event(moment, base_url: str) -> Event:
    def _absolute(path: str) -> str:
        return f"{base_url}{path}"

    traject = moment.traject
    event = Event()
    is_workshop = moment.kind == "workshop"
    event.add("uid", f"{moment.kind}-{moment.pk}@{tag_authority()}")
    if is_workshop:
        summary = f"Workshop {moment.volgnummer}: {moment.titel} – {traject.titel}"
        url = _absolute(moment.get_absolute_url())
    else:
        summary = f"Coachingsmoment: {moment.onderwerp} – {traject.titel}"
        url = _absolute(f"{traject.get_absolute_url()}#coachingsmoment-{moment.pk}")
    if moment.is_demo:
        summary = f"[demo] {summary}"
    event.add("summary", summary)
    start = moment.gepland_op.astimezone(BRUSSELS)
    event.add("dtstart", start)
    event.add("dtend", start + (WORKSHOP_LENGTH if is_workshop else COACHING_LENGTH))
    stamp = moment.bijgewerkt_op.astimezone(UTC)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", max(moment.versie - 1, 0))
    event.add("status", "CANCELLED" if moment.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("url", url)
    location = getattr(moment, "plaats", "") or (
        moment.get_vorm_display() if not is_workshop else ""
    )
    if location:
        event.add("location", location)
    lines = []
    if moment.is_demo:
        lines.append("Demo-inhoud: illustratief, dit is geen echte afspraak.")
    if moment.is_cancelled:
        lines.append("Dit moment werd geannuleerd.")
    if is_workshop and moment.thema:
        lines.append(f"Thema: {moment.thema}")
    lines.append("Het einduur is een richtwaarde; het portaal houdt enkel het beginuur bij.")
    lines.append(
        f"Meer over dit traject, de laatste stand en de volgende stap: "
        f"{_absolute(traject.get_absolute_url())}"
    )
    event.add("description", "\n\n".join(lines))
    return event


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
    for moment in moments:
        calendar.add_component(_event(moment, base_url))
    return calendar.to_ical()


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


def kalender(request):
    """Upcoming and recent dates, and how to subscribe: three queries."""
    now = timezone.now()
    moments = calendar_moments()
    upcoming = [m for m in moments if m.gepland_op >= now]
    past = [m for m in moments if m.gepland_op < now][::-1][:PAST_ON_PAGE]
    trajecten = Traject.objects.only("id", "slug", "titel", "soort").order_by("soort", "titel")
    feed_url = request.build_absolute_uri(reverse("volgen:kalender_ics"))
    return render(
        request,
        "volgen/kalender.html",
        {
            "upcoming": upcoming,
            "past": past,
            "trajecten": trajecten,
            "ics_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )
