from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests import factories

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
SECRET = "INTERN-KALENDER-4c4c"


@pytest.fixture
def agenda():
    traject = factories.make_traject(titel="Traject Agenda", slug="agenda")
    # 14.00 Brussels time in winter (UTC+1) and in summer (UTC+2).
    winter = factories.make_workshop(
        traject,
        titel="Winterworkshop",
        plaats="Zaal De Markt",
        gepland_op=datetime(2030, 1, 15, 14, 0, tzinfo=BRUSSELS),
        interne_notities=SECRET,
    )
    summer = factories.make_workshop(
        traject, titel="Zomerworkshop", gepland_op=datetime(2030, 7, 2, 14, 0, tzinfo=BRUSSELS)
    )
    cancelled = factories.make_workshop(
        traject,
        titel="Geschrapte workshop",
        gepland_op=datetime(2030, 3, 3, 10, 0, tzinfo=BRUSSELS),
        status="geannuleerd",
    )
    undated = factories.make_workshop(traject, titel="Zonder datum")
    coaching = factories.make_coachingsmoment(
        traject,
        onderwerp="Tussentijds gesprek",
        gepland_op=datetime(2030, 2, 1, 9, 30, tzinfo=BRUSSELS),
        interne_notities=SECRET,
    )
    other = factories.make_traject(titel="Ander", slug="ander")
    elsewhere = factories.make_workshop(
        other, titel="Elders", gepland_op=datetime(2030, 5, 5, 14, 0, tzinfo=BRUSSELS)
    )
    return locals()


def _calendar(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert SECRET.encode() not in response.content
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict:
    return {str(event["summary"]).split(" – ")[0]: event for event in calendar.walk("VEVENT")}


def test_trajectory_calendar_parses_with_brussels_times(client, agenda):
    calendar = _calendar(client, reverse("volgen:traject_ics", args=["agenda"]))
    events = _events(calendar)
    assert set(events) == {
        "Workshop 1: Winterworkshop",
        "Workshop 2: Zomerworkshop",
        "Workshop 3: Geschrapte workshop",
        "Coachingsmoment: Tussentijds gesprek",
    }
    winter = events["Workshop 1: Winterworkshop"]
    assert winter["dtstart"].params["TZID"] == "Europe/Brussels"
    assert winter.decoded("dtstart") == datetime(2030, 1, 15, 14, 0, tzinfo=BRUSSELS)
    assert winter.decoded("dtstart").utcoffset() == timedelta(hours=1)
    summer = events["Workshop 2: Zomerworkshop"]
    assert summer["dtstart"].params["TZID"] == "Europe/Brussels"
    assert summer.decoded("dtstart").utcoffset() == timedelta(hours=2)
    assert str(winter["location"]) == "Zaal De Markt"
    assert str(winter["url"]).endswith(reverse("workshops:detail", args=["agenda", 1]))
    assert reverse("trajecten:detail", args=["agenda"]) in str(winter["description"])
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["tzid"]) for tz in timezones] == ["Europe/Brussels"]
    assert {c.name for c in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_cancelled_workshop_is_marked_cancelled(client, agenda):
    events = _events(_calendar(client, reverse("volgen:traject_ics", args=["agenda"])))
    assert str(events["Workshop 3: Geschrapte workshop"]["status"]) == "CANCELLED"
    assert str(events["Workshop 1: Winterworkshop"]["status"]) == "CONFIRMED"


def test_uids_are_stable_across_edits(client, agenda):
    url = reverse("volgen:kalender_ics")
    before = {str(e["uid"]) for e in _calendar(client, url).walk("VEVENT")}
    workshop = agenda["winter"]
    workshop.gepland_op = workshop.gepland_op + timedelta(days=1)
    workshop.titel = "Verplaatst"
    workshop.save()
    after = {str(e["uid"]) for e in _calendar(client, url).walk("VEVENT")}
    assert before == after
    assert len(after) == 5  # four of this trajectory and one elsewhere; the undated one is out


def test_demo_dates_are_labelled(client, agenda):
    workshop = agenda["summer"]
    workshop.is_demo = True
    workshop.save()
    events = _events(_calendar(client, reverse("volgen:traject_ics", args=["agenda"])))
    event = events["[demo] Workshop 2: Zomerworkshop"]
    assert "Demo-inhoud" in str(event["description"])
    assert "Winterworkshop" in str(events["Workshop 1: Winterworkshop"]["summary"])


def test_unknown_trajectory_calendar_gets_404(client, db):
    assert client.get(reverse("volgen:traject_ics", args=["bestaat-niet"])).status_code == 404


def test_calendar_page_lists_upcoming_and_past_and_explains_subscribing(client, agenda):
    factories.make_workshop(
        agenda["other"], titel="Voorbije workshop", gepland_op=timezone.now() - timedelta(days=40)
    )
    response = client.get(reverse("volgen:kalender"))
    body = response.content.decode()
    assert response.status_code == 200
    upcoming, past = body.split('id="kop-voorbij"')
    assert "Winterworkshop" in upcoming and "Voorbije workshop" in past
    assert "Voorbije workshop" not in upcoming
    assert "webcal://" in body
    assert reverse("volgen:kalender_ics") in body
    assert reverse("volgen:traject_ics", args=["agenda"]) in body
    assert SECRET not in body


def test_calendar_page_and_feed_query_counts_are_fixed(client, agenda, django_assert_num_queries):
    urls = {
        # upcoming and past moments (2 + 2, each limited in the database), their
        # trajectories' participants (1: is it an unfilled place?), trajectories, demo notice
        reverse("volgen:kalender"): 7,
        # the moments (2) and their participants (2)
        reverse("volgen:kalender_ics"): 4,
        reverse("volgen:traject_ics", args=["agenda"]): 5,
    }
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            client.get(url)
    # Kept under the generation of all content (lokaal/fragmenten.py): no query at all.
    with django_assert_num_queries(0):
        client.get(reverse("volgen:kalender_ics"))
    with django_assert_num_queries(0):
        client.get(reverse("volgen:kalender"))
    for n in range(20):
        traject = factories.make_traject()
        for step in range(1, 4):
            factories.make_workshop(traject, gepland_op=timezone.now() + timedelta(days=n + step))
        factories.make_coachingsmoment(traject, gepland_op=timezone.now() - timedelta(days=n))
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_feed_is_written_as_icalendar_itself_would_write_it(client, agenda):
    # The events are serialised one at a time between the calendar's opening and its end;
    # reading the feed back and writing it out again must change nothing.
    # The text is chosen to hit escaping and folding: commas, semicolons, backslashes, carets,
    # line breaks and multi-byte characters at the fold.
    workshop = agenda["winter"]
    workshop.titel = "Één; twee, drie \\ vier ^ vijf " + "é" * 40 + " – " + "x\\" * 30
    workshop.thema = "Regel een\nregel twee\r\nregel drie; met ‘aanhalingstekens’ en 😀" * 3
    workshop.plaats = "Zaal; De Markt, eerste verdieping " * 3
    workshop.is_demo = True
    workshop.save()
    for url in [reverse("volgen:kalender_ics"), reverse("volgen:traject_ics", args=["agenda"])]:
        content = client.get(url).content
        assert Calendar.from_ical(content).to_ical() == content
    event = _events(_calendar(client, reverse("volgen:traject_ics", args=["agenda"])))[
        "[demo] Workshop 1: Één; twee, drie \\ vier ^ vijf " + "é" * 40
    ]
    assert str(event["location"]) == workshop.plaats
    assert str(event["description"]).count("regel twee") == 3
    assert str(event["url"]).endswith(workshop.get_absolute_url())


def test_long_lines_fold_within_75_octets_without_splitting_a_character(client, agenda):
    workshop = agenda["winter"]
    workshop.thema = "Lang thema met € en 😀 en \\; " * 20
    workshop.save()
    content = client.get(reverse("volgen:traject_ics", args=["agenda"])).content
    lines = content.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        assert len(line) <= 75
        line.decode()  # a fold inside a multi-byte character would not decode


def _feed(client) -> bytes:
    response = client.get(reverse("volgen:kalender_ics"))
    assert response.status_code == 200
    return response.content


def test_kept_feed_shows_a_change_on_the_next_request(client, agenda):
    _feed(client)
    workshop = agenda["winter"]
    workshop.titel = "Hernoemde workshop"
    workshop.save()
    assert b"Hernoemde workshop" in _feed(client)
    traject = agenda["traject"]
    traject.titel = "Hernoemd traject"
    traject.save()
    assert b"Hernoemd traject" in _feed(client)
    factories.make_workshop(
        agenda["other"], titel="Nieuwe datum", gepland_op=datetime(2031, 1, 1, 9, tzinfo=BRUSSELS)
    )
    assert b"Nieuwe datum" in _feed(client)
    agenda["elsewhere"].delete()
    assert b"Elders" not in _feed(client)


def test_kept_feed_shows_a_publication_and_a_date_passing(client, agenda, time_machine):
    time_machine.move_to(datetime(2030, 1, 15, 12, 0, tzinfo=BRUSSELS))
    winter = Calendar.from_ical(_feed(client))
    before = {str(e["summary"]): str(e["description"]) for e in winter.walk("VEVENT")}
    time_machine.move_to(datetime(2030, 1, 16, 12, 0, tzinfo=BRUSSELS))
    after = {
        str(e["summary"]): str(e["description"])
        for e in Calendar.from_ical(_feed(client)).walk("VEVENT")
    }
    key = next(k for k in before if "Winterworkshop" in k)
    assert "datum voorbij" not in before[key]
    assert "Stand: datum voorbij, geen verslag." in after[key]
    factories.publish_report(agenda["winter"], "Verslag.")
    published = Calendar.from_ical(_feed(client))
    text = next(
        str(e["description"]) for e in published.walk("VEVENT") if "Winter" in str(e["summary"])
    )
    assert "Stand: datum voorbij" not in text and text != after[key]


def test_kept_feed_follows_the_site_address(client, agenda):
    assert b"http://testserver/" in _feed(client)
    other = client.get(reverse("volgen:kalender_ics"), HTTP_HOST="localhost")
    if other.status_code == 200:
        assert b"http://testserver/" not in other.content


def test_kept_feed_equals_a_fresh_one(client, agenda, settings):
    first = _feed(client)
    assert _feed(client) == first
    settings.FRAGMENT_CACHE_PREFIX = "frag:fresh-feed"
    assert _feed(client) == first
