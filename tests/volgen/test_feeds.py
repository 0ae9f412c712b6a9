from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from workshops.nieuws import public_items

pytestmark = pytest.mark.django_db

SECRET = "GEHEIM-INTERN-7f3a"
DRAFT = "ONGEPUBLICEERD-KLAD-91bc"
DRAFT_UPDATE = "KLADUPDATE-33de"


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def story():
    """One trajectory of one bestuur with published, unpublished and internal content."""
    bestuur = factories.make_bestuur(naam="Stad Markerstad", slug="markerstad")
    traject = factories.make_traject(besturen=[bestuur], titel="Traject Marker", slug="marker")
    held = factories.make_workshop(traject, titel="Eerste workshop")
    factories.publish_report(held, "VERSLAG-PUBLIEK-1a2b", internal=SECRET)
    draft = factories.make_workshop(traject, titel="Tweede workshop")
    draft.verslag = DRAFT
    draft.verslag_html = f"<p>{DRAFT}</p>"
    draft.interne_notities = SECRET
    draft.save()  # written but not published
    moment = factories.make_coachingsmoment(traject, onderwerp="Tussenstap")
    factories.publish_report(moment, "COACHING-PUBLIEK-5e6f", internal=SECRET)
    update = factories.make_update(traject, titel="Nieuws-ABC", tekst="UPDATE-PUBLIEK-9d8c")
    factories.make_update(traject, titel=DRAFT_UPDATE, tekst=DRAFT_UPDATE, gepubliceerd=False)
    planned = factories.make_workshop(
        traject,
        titel="Derde workshop",
        plaats="Stadhuis Markerstad",
        gepland_op=timezone.now() + timedelta(days=30),
    )
    other = factories.make_traject(titel="Ander traject", slug="ander")
    other_update = factories.make_update(other, titel="Elders-XYZ")
    return {
        "bestuur": bestuur,
        "traject": traject,
        "held": held,
        "moment": moment,
        "update": update,
        "planned": planned,
        "other_update": other_update,
    }


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_trajectory_feed_has_exactly_the_published_items(client, story, kind):
    url = reverse(f"volgen:traject_{kind}", args=["marker"])
    response, feed = _parse(client, url)
    body = response.content.decode()
    expected = {
        f"workshop/{story['held'].pk}/verslag",
        f"coachingsmoment/{story['moment'].pk}/verslag",
        f"update/{story['update'].pk}",
        f"workshop/{story['planned'].pk}/gepland",
    }
    assert {entry.id.rsplit(":", 1)[1] for entry in feed.entries} == expected
    for marker in ["VERSLAG-PUBLIEK-1a2b", "COACHING-PUBLIEK-5e6f", "UPDATE-PUBLIEK-9d8c"]:
        assert marker in body
    for hidden in [SECRET, DRAFT, DRAFT_UPDATE, "Elders-XYZ", "Tweede workshop"]:
        assert hidden not in body
    planned = next(e for e in feed.entries if e.id.endswith("/gepland"))
    assert "Workshop 3 gepland: Derde workshop" in planned.title
    assert "Stadhuis Markerstad" in planned.summary
    assert planned.link.endswith(reverse("workshops:detail", args=["marker", 3]))
    assert feed.feed.link.endswith(reverse("trajecten:detail", args=["marker"]))


def test_entry_ids_are_tag_uris_that_survive_edits(client, story):
    url = reverse("volgen:traject_atom", args=["marker"])
    _, before = _parse(client, url)
    held = story["held"]
    held.titel = "Een nieuwe titel"
    held.verslag_html = "<p>VERSLAG-BIJGEWERKT</p>"
    held.save()
    story["update"].titel = "Andere titel"
    story["update"].save()
    _, after = _parse(client, url)
    assert {e.id for e in before.entries} == {e.id for e in after.entries}
    assert all(e.id.startswith("tag:") for e in after.entries)
    assert "VERSLAG-BIJGEWERKT" in next(
        e.summary for e in after.entries if e.id.endswith("/verslag") and "workshop/" in e.id
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_bestuur_feed_covers_its_trajectories_only(client, story, kind):
    response, feed = _parse(client, reverse(f"volgen:bestuur_{kind}", args=["markerstad"]))
    assert len(feed.entries) == 4
    assert "Elders-XYZ" not in response.content.decode()
    assert SECRET not in response.content.decode()


def test_programme_feed_has_everything_public(client, story):
    response, feed = _parse(client, reverse("volgen:programma_atom"))
    body = response.content.decode()
    assert len(feed.entries) == 5
    assert "Elders-XYZ" in body
    assert SECRET not in body and DRAFT not in body and DRAFT_UPDATE not in body


@pytest.mark.parametrize(
    "name",
    ["volgen:traject_rss", "volgen:traject_atom", "volgen:bestuur_rss", "volgen:bestuur_atom"],
)
def test_unknown_slug_gets_404(client, db, name):
    assert client.get(reverse(name, args=["bestaat-niet"])).status_code == 404


def test_workshop_dated_only_after_it_took_place_is_not_announced(db):
    traject = factories.make_traject()
    logged_afterwards = factories.make_workshop(
        traject, gepland_op=timezone.now() - timedelta(days=3)
    )
    items = public_items(traject_filter=None)
    assert not any(item.guid.endswith(f"workshop/{logged_afterwards.pk}/gepland") for item in items)


def test_cancelled_announced_workshop_says_so(client, story):
    planned = story["planned"]
    planned.status = planned.Status.GEANNULEERD
    planned.save()
    _, feed = _parse(client, reverse("volgen:traject_atom", args=["marker"]))
    entry = next(e for e in feed.entries if e.id.endswith("/gepland"))
    assert "geannuleerd" in entry.title


def test_demo_content_is_labelled(client, db):
    traject = factories.make_traject(slug="demo-traject")
    factories.make_update(traject, titel="Demo-update", is_demo=True)
    _, feed = _parse(client, reverse("volgen:traject_rss", args=["demo-traject"]))
    assert feed.entries[0].title.startswith("[demo]")
    assert "Demo-inhoud" in feed.entries[0].summary


def _grow(times: int):
    """`times` extra trajectories with a bestuur, reports, updates and planned workshops."""
    for _ in range(times):
        bestuur = factories.make_bestuur()
        traject = factories.make_traject(besturen=[bestuur])
        workshop = factories.make_workshop(traject)
        factories.publish_report(workshop, "Verslag", internal=SECRET)
        factories.make_workshop(traject, gepland_op=timezone.now() + timedelta(days=9))
        factories.publish_report(factories.make_coachingsmoment(traject), "Coaching")
        factories.make_update(traject)


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        # Reports (2), updates, announced workshops and the "traject afgerond" milestones;
        # the programme's items are then kept under a generation (lokaal/fragmenten.py).
        ("volgen:programma_atom", [], 5),
        ("volgen:programma_rss", [], 5),
        ("volgen:traject_atom", ["marker"], 6),
        ("volgen:bestuur_rss", ["markerstad"], 6),
    ],
)
def test_feed_query_count_is_fixed(client, story, django_assert_num_queries, name, args, queries):
    url = reverse(name, args=args)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _grow(20)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert SECRET not in response.content.decode()
