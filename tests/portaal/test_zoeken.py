"""Search: forgiving, public only, ranked and paged; bad queries get a plain answer, never a 500.

The table of real queries runs on the database of the run (SQLite by default; PostgreSQL with
DATABASE_URL), so both give the same answers.
"""

import pytest

from besturen.models import Bestuur
from portaal.zoeken import PAGE_SIZE, snippet
from programma.bulk import SECRET, add_activity, load_bulk
from tests import factories
from trajecten.models import Beleidsactie, LopendInitiatief, Partner, Pilotkandidaat, Traject
from workshops.models import Workshop

URL = "/zoeken/"
QUERIES = 10  # one per kind of object, plus the memberships of besturen


def _search(client, q, **params):
    return client.get(URL, {"q": q, **params})


def _titles(response) -> list[str]:
    return [hit.title for hit in response.context["page"]]


@pytest.fixture
def published(programme):
    """Public text and results of the kinds the programme data has none of."""
    halle = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(
        halle.workshops.get(volgnummer=2),
        "We bezochten het Repair Café, de kringloopwinkel & de bouw-materialenbank van Halle.",
    )
    factories.make_update(halle, titel="B&W keurt ‘zero waste’-plan goed", tekst="Het **plan**.")
    LopendInitiatief.objects.create(
        traject=halle, naam="Bouwmaterialenbank Halle", eigenaar="OCMW", gepubliceerd=True
    )
    LopendInitiatief.objects.create(traject=halle, naam="Concept bouwmaterialenbank")
    Beleidsactie.objects.create(
        traject=halle, titel="Circulaire aankoopcriteria", gepubliceerd=True
    )
    Pilotkandidaat.objects.create(traject=halle, naam="Textielhub Zennevallei", gepubliceerd=True)
    Partner.objects.create(
        traject=halle, naam="Kringwinkel Zennevallei", rol="Inzamelaar", gepubliceerd=True
    )
    # The same kinds on a trajectory without anything published stay out of the search.
    turnhout = Traject.objects.get(slug="strategie-turnhout")
    LopendInitiatief.objects.create(
        traject=turnhout, naam="Verborgen bouwmaterialenbank", gepubliceerd=True
    )
    return halle


@pytest.mark.parametrize(
    ("q", "found", "kind"),
    [
        ("zero waste", "Een zero-wasteproject bij Intradura", "Traject"),
        ("zero waste", "B&W keurt ‘zero waste’-plan goed", "Update"),
        ('"zero waste"', "Een zero-wasteproject bij Intradura", "Traject"),
        ("ZERO-WASTE", "Een zero-wasteproject bij Intradura", "Traject"),
        ("sint niklaas", "Stad Sint-Niklaas", "Bestuur"),
        ("sint niklaas", "Een kenniscentrum circulaire economie voor het Waasland", "Traject"),
        ("Sint-Niklaas", "Stad Sint-Niklaas", "Bestuur"),
        ("repaircafe", "Workshop 2: Lopende initiatieven in kaart", "Verslag"),
        ("repair café", "Workshop 2: Lopende initiatieven in kaart", "Verslag"),
        ("Imog", "Imog", "Bestuur"),
        ("Imog", "Circulaire strategie Imog en gemeentevennoten", "Traject"),
        ("imog", "Zwevegem", "Bestuur"),  # a member municipality of Imog
        ("deelfabriek", "De Deelfabriek van Kortrijk versterken", "Traject"),
        ("Deelfabriek & Kortrijk", "De Deelfabriek van Kortrijk versterken", "Traject"),
        ("bouwmaterialenbank", "Bouwmaterialenbank Halle", "Lopend initiatief"),
        ("bouwmaterialenbank", "Workshop 2: Lopende initiatieven in kaart", "Verslag"),
        ("B&W", "B&W keurt ‘zero waste’-plan goed", "Update"),
        ("kringloopwinkel & bouw", "Workshop 2: Lopende initiatieven in kaart", "Verslag"),
        ("aankoopcriteria", "Circulaire aankoopcriteria", "Beleidsactie"),
        ("textielhub", "Textielhub Zennevallei", "Kandidaat-pilootproject"),
        ("inzamelaar", "Kringwinkel Zennevallei", "Partner"),
        ("23027", "Stad Halle", "Bestuur"),  # a NIS code
    ],
)
def test_real_queries_find_what_a_reader_means(published, client, q, found, kind):
    response = _search(client, q)
    assert response.status_code == 200
    hits = {(hit.title, hit.kind) for hit in response.context["page"]}
    assert (found, kind) in hits


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("Imog", "Imog"),
        ("sint niklaas", "Stad Sint-Niklaas"),
        ("deelfabriek", "De Deelfabriek van Kortrijk versterken"),
        ("bouwmaterialenbank", "Bouwmaterialenbank Halle"),
    ],
)
def test_a_name_match_ranks_first(published, client, q, first):
    assert _titles(_search(client, q))[0] == first


def test_results_of_a_trajectory_without_public_content_are_not_found(published, client):
    html = _search(client, "bouwmaterialenbank").content.decode()
    assert "Verborgen bouwmaterialenbank" not in html


def test_a_concept_result_is_not_found(published, client):
    """A result the coach has not published stays out, even on a trajectory with public content."""
    html = _search(client, "bouwmaterialenbank").content.decode()
    assert "Concept bouwmaterialenbank" not in html


def test_snippets_mark_matches_and_cut_at_word_boundaries(published, client):
    response = _search(client, "kringloopwinkel")
    hit = next(h for h in response.context["page"] if h.kind == "Verslag")
    assert "<mark>kringloopwinkel</mark>" in hit.fragment
    assert "&amp; de bouw-materialenbank" in hit.fragment  # the plain text, escaped once
    long_text = " ".join(["afvalintercommunale"] * 30 + ["deelfabriek"] + ["kringloop"] * 30)
    fragment = snippet(long_text, ["deelfabriek"])
    words = fragment.strip("…").replace("<mark>", "").replace("</mark>", "").split()
    assert set(words) <= {"afvalintercommunale", "deelfabriek", "kringloop"}
    assert fragment.startswith("…") and fragment.endswith("…")


def test_accents_in_the_text_are_marked_for_a_query_without_them(published, client):
    hit = next(h for h in _search(client, "repaircafe").context["page"] if h.kind == "Verslag")
    assert "<mark>Repair Café</mark>" in hit.fragment


def test_it_never_shows_drafts_or_internal_text(programme, client):
    for traject in Traject.objects.all():
        add_activity(traject)
    response = _search(client, SECRET)
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "zoekresultaten" not in response.content.decode()
    # Public text of the same trajectories is found, so the search itself works.
    assert _search(client, "openbaar").context["total"] > 0


def test_internal_notes_of_a_published_report_are_not_searched(programme, client):
    workshop = Traject.objects.get(slug="strategie-halle").workshops.get(volgnummer=1)
    factories.publish_report(workshop, "Publiek verslag.", internal="Vertrouwelijk-xyz")
    workshop.aanwezigen = "Vertrouwelijk-xyz"
    workshop.save()
    assert _search(client, "Vertrouwelijk-xyz").context["total"] == 0


def test_an_edited_draft_of_a_published_report_is_not_searched(programme, client):
    workshop = Traject.objects.get(slug="strategie-halle").workshops.get(volgnummer=1)
    factories.publish_report(workshop, "Publieke tekst.")
    Workshop.objects.filter(pk=workshop.pk).update(verslag="Nieuwe ontwerptekst-abc")
    assert _search(client, "ontwerptekst-abc").context["total"] == 0


@pytest.mark.parametrize("q", ["strong", "amp", "href"])
def test_tags_and_entities_in_stored_html_do_not_match(programme, client, q):
    traject = Traject.objects.get(slug="strategie-halle")
    factories.publish_report(
        traject.workshops.get(volgnummer=1), "Een **vet** woord & [een link](https://example.org)."
    )
    hits = _search(client, q).context["page"]
    assert not [h for h in hits if h.kind == "Verslag"]


def test_a_query_that_finds_nothing_suggests_the_nearest_names(programme, client):
    response = _search(client, "kortrijck")
    assert response.status_code == 200
    assert response.context["total"] == 0
    names = [name for name, _ in response.context["suggestions"]]
    assert "Stad Kortrijk" in names
    assert "Bedoelt u misschien" in response.content.decode()


def test_results_are_paged(programme, client):
    load_bulk(scale=4, own_besturen=True, every_state=True)
    first = _search(client, "strategie")
    total = first.context["total"]
    assert total > PAGE_SIZE
    assert len(first.context["page"]) == PAGE_SIZE
    second = _search(client, "strategie", pagina=2)
    assert not set(_titles(first)) & set(_titles(second)) or total > 2 * PAGE_SIZE
    assert second.context["page"].number == 2
    assert "pagina=2" in first.content.decode()
    # A page number that is not 1-999 is dropped by the canonical-URL rule (lokaal/middleware.py).
    junk = _search(client, "strategie", pagina="x")
    assert junk.status_code == 301 and junk["Location"] == "/zoeken/?q=strategie"


def test_the_query_is_escaped(programme, client):
    html = _search(client, "<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html


def test_no_query_shows_the_form(programme, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_an_empty_query_asks_for_a_word(programme, client):
    response = _search(client, "   ")
    assert response.status_code == 200
    assert "Typ een woord" in response.content.decode()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 1000, "te lang (1000 tekens)"),
        ("zero waste " * 100, "te lang"),
        ("a", "te kort"),
        ("ab\x00cd", "tekens die we niet kunnen zoeken"),
        ("&", "te kort"),
        ("& & & -", "geen woord"),
        ("‘’ “”", "geen woord"),
        ("een twee drie vier vijf zes zeven acht negen", "te veel woorden"),
    ],
)
def test_bad_queries_get_a_400_with_a_message(programme, client, q, message):
    response = _search(client, q)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_post_is_not_allowed(programme, client):
    assert client.post(URL, {"q": "imog"}).status_code == 405


def test_query_count_is_fixed(programme, client, django_assert_num_queries):
    for traject in Traject.objects.all():
        add_activity(traject)
    with django_assert_num_queries(QUERIES):
        response = _search(client, "openbaar")
    assert "Verslag" in {hit.kind for hit in response.context["page"]}
    load_bulk(scale=20, own_besturen=True, every_state=True)
    with django_assert_num_queries(QUERIES):
        response = _search(client, "openbaar")
    assert response.context["total"] > PAGE_SIZE
    assert Bestuur.objects.count() > 100
