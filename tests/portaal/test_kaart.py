"""The map page: markers as JSON for Leaflet, and the same facts as a list in the HTML."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from besturen.models import Bestuur
from lokaal.settings import _tile_origin
from programma.bulk import load_bulk

URL = "/kaart/"
QUERIES = 9


def _data(response) -> dict:
    html = response.content.decode()
    raw = re.search(r'<script id="kaart-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(raw.group(1))


def test_every_located_participant_has_a_marker(programme, client):
    data = _data(client.get(URL))
    names = {b["naam"] for punt in data["punten"] for b in punt["besturen"]}
    participants = Bestuur.objects.filter(deelnames__isnull=False).distinct()
    assert {b.naam for b in participants} <= names
    assert {"Gemeente Kampenhout", "Stad Hasselt"} <= names
    for punt in data["punten"]:
        assert 49 < punt["lat"] < 52 and 2 < punt["lon"] < 6


def test_besturen_at_the_same_spot_share_one_marker(programme, client):
    data = _data(client.get(URL))
    oostende = [
        p for p in data["punten"] if any(b["naam"] == "Stad Oostende" for b in p["besturen"])
    ]
    assert len(oostende) == 1
    assert {b["naam"] for b in oostende[0]["besturen"]} == {
        "Stad Oostende",
        "Economisch Huis Oostende",
    }


def test_intercommunales_show_their_members(programme, client):
    data = _data(client.get(URL))
    entries = {b["naam"]: b for p in data["punten"] for b in p["besturen"]}
    assert len(entries["Imog"]["leden"]) == 11
    assert "Zwevegem" in {lid["naam"] for lid in entries["Imog"]["leden"]}
    assert len(entries["Intradura"]["leden"]) == 19
    assert entries["Intradura"]["leden_toelichting"]


def test_the_list_carries_the_same_information_without_javascript(programme, client):
    html = client.get(URL).content.decode()
    listing = html.split('id="kop-lijst"', 1)[1]
    for naam in ["Stad Halle", "Imog", "Intradura", "Lokaal bestuur Temse", "Stad Hasselt"]:
        assert naam in listing
    assert "Gemeentevennoten (11)" in listing
    assert "Zwevegem" in listing
    assert "De kaart heeft JavaScript nodig" in html


def test_member_with_a_location_gets_its_own_marker(programme, client):
    lid = Bestuur.objects.get(slug="zwevegem")
    lid.breedtegraad, lid.lengtegraad = 50.8126, 3.33869
    lid.save()
    data = _data(client.get(URL))
    assert [m["naam"] for m in data["leden"]] == ["Zwevegem"]


def test_no_inline_script_or_style(programme, client):
    response = client.get(URL)
    html = response.content.decode()
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/js/kaart.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html


def test_tile_host_is_allowed_by_the_csp(programme, client):
    csp = client.get(URL)["Content-Security-Policy"]
    img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src


def test_tile_origin_turns_a_subdomain_placeholder_into_a_wildcard():
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert _tile_origin("http://tiles.example.org:8080/{z}/{x}/{y}.png") == (
        "http://tiles.example.org:8080"
    )
    for bad in ["tiles.example.org/{z}", "ftp://x.org/{z}", "https://a.{s}.org/", "https://"]:
        with pytest.raises(ImproperlyConfigured):
            _tile_origin(bad)


def test_names_are_escaped_in_the_embedded_json(programme, client):
    bestuur = Bestuur.objects.get(slug="halle")
    bestuur.naam = "Stad Halle</script><script>alert(1)</script>"
    bestuur.save()
    html = client.get(URL).content.decode()
    assert "</script><script>alert(1)" not in html
    assert "Stad Halle" in json.dumps(_data(client.get(URL)))


def test_query_count_is_fixed(programme, client, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
    load_bulk(scale=20, own_besturen=True, every_state=True)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert len(_data(response)["punten"]) > 100
