"""Search across everything public: besturen, trajectories, reports, updates and results.

Forgiving on both databases: case, accents, hyphens and spaces do not matter ("sint niklaas"
finds Sint-Niklaas, "repaircafe" finds repaircafés, "zero waste" finds zero-wasteproject), through
the `fold` lookups of `portaal.folding`. PostgreSQL adds full-text search with the Dutch
configuration (so "deelfabrieken" finds "Deelfabriek") and trigram similarity for names, and ranks
with both. Only the visible text of stored HTML is searched, never tags, drafts or internal notes.
"""

import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from besturen.models import Bestuur
from portaal.folding import PlainHtml, fold, fold_char, plain
from trajecten.models import (
    Beleidsactie,
    LopendInitiatief,
    Partner,
    Pilotkandidaat,
    Traject,
    Update,
)
from workshops.models import Coachingsmoment, Workshop

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_TERMS = 8
PAGE_SIZE = 20
CAP = 200  # hits read per kind; more than that and the query is too broad to page through
SNIPPET = 80
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchField:
    path: str
    weight: str = "B"  # A for names and titles, B for the rest (PostgreSQL's ranking weights)
    is_html: bool = False
    in_vector: bool = True  # fields across a join are matched but kept out of the ranking vector


@dataclass(frozen=True)
class Source:
    """One kind of public object the search finds, and how a hit on it reads."""

    label: str
    queryset: Callable[[], QuerySet]
    fields: tuple[SearchField, ...]
    title: Callable
    url: Callable
    context: Callable
    body: Callable


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    context: str
    fragment: SafeString | str = ""
    score: float = 0.0
    order: int = 0


@dataclass
class Outcome:
    hits: list[Hit] = field(default_factory=list)
    capped: bool = False


def public_results(model) -> QuerySet:
    """Published structured results of a trajectory with public content (`openbaar()`)."""
    return model.objects.openbaar().select_related("traject")


def _on_traject(anchor: str) -> Callable:
    return lambda obj: f"{obj.traject.get_absolute_url()}#{anchor}"


def _bestuur_context(bestuur: Bestuur) -> str:
    parts = [bestuur.get_soort_display()]
    names = [i.korte_naam for i in bestuur.intercommunales.all()]
    if names:
        parts.append("lid van " + ", ".join(names))
    return " · ".join(parts)


def _joined(*texts: str) -> str:
    return " ".join(t for t in texts if t)


SOURCES: tuple[Source, ...] = (
    Source(
        "Bestuur",
        lambda: Bestuur.objects.prefetch_related("intercommunales"),
        (
            SearchField("naam", "A"),
            SearchField("korte_naam", "A"),
            SearchField("nis_code"),
            SearchField("beschrijving"),
            SearchField("intercommunales__naam", in_vector=False),  # members under their name
        ),
        title=lambda b: b.naam,
        url=lambda b: b.get_absolute_url(),
        context=_bestuur_context,
        body=lambda b: b.beschrijving,
    ),
    Source(
        "Traject",
        lambda: Traject.objects.with_progress(),
        (
            SearchField("titel", "A"),
            SearchField("samenvatting"),
            SearchField("ambitie"),
            SearchField("open_plaats"),
            SearchField("besturen__naam", in_vector=False),
        ),
        title=lambda t: t.titel,
        url=lambda t: t.get_absolute_url(),
        # The same progress words as the trajectory's card (trajecten/voortgang.py).
        context=lambda t: f"{t.get_soort_display()} · {t.voortgang.kort}",
        body=lambda t: _joined(t.samenvatting, t.ambitie, t.open_plaats),
    ),
    Source(
        "Verslag",
        lambda: Workshop.objects.openbaar().select_related("traject"),
        (
            SearchField("titel", "A"),
            SearchField("thema"),
            SearchField("verslag_html", is_html=True),
        ),
        title=lambda w: f"Workshop {w.volgnummer}: {w.titel}",
        url=lambda w: w.get_absolute_url(),
        context=lambda w: w.traject.titel,
        body=lambda w: plain(w.verslag_html),
    ),
    Source(
        "Verslag",
        lambda: Coachingsmoment.objects.openbaar().select_related("traject"),
        (SearchField("onderwerp", "A"), SearchField("verslag_html", is_html=True)),
        title=lambda c: f"Coachingsmoment: {c.onderwerp}",
        url=lambda c: f"{c.traject.get_absolute_url()}#coachingsmoment-{c.pk}",
        context=lambda c: c.traject.titel,
        body=lambda c: plain(c.verslag_html),
    ),
    Source(
        "Update",
        lambda: Update.objects.openbaar().select_related("traject"),
        (SearchField("titel", "A"), SearchField("tekst_html", is_html=True)),
        title=lambda u: u.titel,
        url=lambda u: f"{u.traject.get_absolute_url()}#update-{u.pk}",
        context=lambda u: u.traject.titel,
        body=lambda u: plain(u.tekst_html),
    ),
    Source(
        "Lopend initiatief",
        lambda: public_results(LopendInitiatief),
        (SearchField("naam", "A"), SearchField("eigenaar")),
        title=lambda i: i.naam,
        url=_on_traject("kop-resultaten"),
        context=lambda i: i.traject.titel,
        body=lambda i: i.eigenaar,
    ),
    Source(
        "Beleidsactie",
        lambda: public_results(Beleidsactie),
        (SearchField("titel", "A"), SearchField("omschrijving")),
        title=lambda a: a.titel,
        url=_on_traject("kop-resultaten"),
        context=lambda a: a.traject.titel,
        body=lambda a: a.omschrijving,
    ),
    Source(
        "Kandidaat-pilootproject",
        lambda: public_results(Pilotkandidaat),
        (SearchField("naam", "A"), SearchField("omschrijving"), SearchField("stakeholders")),
        title=lambda k: k.naam,
        url=_on_traject("kop-resultaten"),
        context=lambda k: k.traject.titel,
        body=lambda k: _joined(k.omschrijving, k.stakeholders),
    ),
    Source(
        "Partner",
        lambda: public_results(Partner),
        (SearchField("naam", "A"), SearchField("rol")),
        title=lambda p: p.naam,
        url=_on_traject("kop-resultaten"),
        context=lambda p: p.traject.titel,
        body=lambda p: p.rol,
    ),
)


def search_terms(query: str) -> list[str]:
    """The folded words of a query, each once, in order; single letters say too little."""
    terms: list[str] = []
    for word in _WORD.findall(query):
        term = fold(word)
        if len(term) >= MIN_LENGTH and term not in terms:
            terms.append(term)
    if not terms and len(fold(query)) >= MIN_LENGTH:  # "B&W": letters that only mean together
        terms.append(fold(query))
    return terms


def matching(fields, terms: list[str]) -> Q:
    """Every term occurs, folded, in one of the fields (the admin's search boxes use it too)."""
    condition = Q()
    for term in terms:
        either = Q()
        for search_field in fields:
            lookup = "fold_html" if search_field.is_html else "fold"
            either |= Q(**{f"{search_field.path}__{lookup}": term})
        condition &= either
    return condition


def _text_search(queryset: QuerySet, source: Source, terms: list[str], query: str):
    """PostgreSQL: the Dutch full-text search next to the fold match, ranked with trigrams too.

    Trigram similarity only ranks: a typo gets the same "did you mean" as on SQLite.
    """
    parts = []
    for f in source.fields:
        if not f.in_vector:
            continue
        expression: Func
        if f.is_html:
            expression = PlainHtml(F(f.path))
        else:
            expression = Coalesce(F(f.path), Value(""), output_field=TextField())
        parts.append(SearchVector(expression, config="dutch", weight=f.weight))
    vector = reduce(operator.add, parts)
    tsquery = SearchQuery(" & ".join(f"{t}:*" for t in terms), config="dutch", search_type="raw")
    title = source.fields[0].path
    return queryset.annotate(
        text_rank=SearchRank(vector, tsquery),
        similarity=TrigramWordSimilarity(query, title),
        text_match=vector,
    ).filter(Q(text_match=tsquery) | matching(source.fields, terms))


def _score(hit_title: str, terms: list[str], query: str, database_rank: float) -> float:
    title = fold(hit_title)
    in_title = sum(1 for t in terms if t in title)
    score = 3 * in_title + (5 if in_title == len(terms) else 0) + 10 * database_rank
    if fold(query) == title or (title.endswith(fold(query)) and in_title == len(terms)):
        score += 10
    return score


def search(query: str) -> Outcome:
    """Ranked hits for a query, one database query per kind of object."""
    terms = search_terms(query)
    outcome = Outcome()
    if not terms:
        return outcome
    postgres = connection.vendor == "postgresql"
    for order, source in enumerate(SOURCES):
        queryset = source.queryset()
        if postgres:
            queryset = _text_search(queryset, source, terms, query)
        else:
            queryset = queryset.filter(matching(source.fields, terms))
        seen = set()
        rows = list(queryset[: CAP + 1])
        outcome.capped |= len(rows) > CAP
        for obj in rows[:CAP]:
            if obj.pk in seen:  # a join (a trajectory's besturen) can repeat a row
                continue
            seen.add(obj.pk)
            rank = float(getattr(obj, "text_rank", 0) or 0) + float(
                getattr(obj, "similarity", 0) or 0
            )
            title = source.title(obj)
            outcome.hits.append(
                Hit(
                    kind=source.label,
                    title=title,
                    url=source.url(obj),
                    context=source.context(obj),
                    fragment=snippet(source.body(obj) or "", terms),
                    score=_score(title, terms, query, rank),
                    order=order,
                )
            )
    outcome.hits.sort(key=lambda h: (-h.score, h.order, h.title))
    return outcome


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    chars, positions = [], []
    for index, char in enumerate(text):
        for folded in fold_char(char):
            chars.append(folded)
            positions.append(index)
    return "".join(chars), positions


def _word_start(text: str, index: int) -> int:
    """The start of the word at or after index, so a snippet never begins mid-word."""
    if index <= 0:
        return 0
    space = text.find(" ", index)
    return space + 1 if 0 <= space < len(text) else index


def _word_end(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.rfind(" ", 0, index)
    return space if space > 0 else index


def snippet(text: str, terms: list[str]) -> SafeString | str:
    """A piece of text around the first match, cut at word boundaries, every match marked."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    folded, positions = _folded_with_positions(text)
    found = [(folded.find(t), t) for t in terms if folded.find(t) >= 0]
    if found:
        first = positions[min(found)[0]]
        start = _word_start(text, first - SNIPPET) if first > SNIPPET else 0
    else:
        start = 0
    end = _word_end(text, start + 2 * SNIPPET) if start + 2 * SNIPPET < len(text) else len(text)
    spans = []
    for term in terms:
        at = folded.find(term)
        while at >= 0:
            begin, finish = positions[at], positions[at + len(term) - 1] + 1
            while begin > 0 and text[begin - 1].isalnum():  # mark whole words: "circulaire"
                begin -= 1
            while finish < len(text) and text[finish].isalnum():
                finish += 1
            if begin >= start and finish <= end:
                spans.append((begin, finish))
            at = folded.find(term, at + len(term))
    pieces: list[str] = []
    cursor = start
    for begin, finish in sorted(spans):
        if begin < cursor:  # overlapping marks merge into the one before
            continue
        pieces.append(escape(text[cursor:begin]))
        pieces.append(f"<mark>{escape(text[begin:finish])}</mark>")
        cursor = finish
    pieces.append(escape(text[cursor:end]))
    return mark_safe(  # every piece of text is escaped above
        ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")
    )


def suggestions(query: str, limit: int = 3) -> list[tuple[str, str]]:
    """The names nearest to a query that found nothing: (name, url), best first."""
    wanted = fold(query)
    candidates = [(b.naam, b.korte_naam, b.get_absolute_url()) for b in Bestuur.objects.all()]
    candidates += [(t.titel, "", t.get_absolute_url()) for t in Traject.objects.all()]
    scored = []
    for name, short, url in candidates:
        forms = [fold(name), fold(short), *(fold(w) for w in _WORD.findall(name))]
        ratio = max(difflib.SequenceMatcher(None, wanted, f).ratio() for f in forms if f)
        if ratio >= 0.7:
            scored.append((-ratio, name, url))
    return [(name, url) for _, name, url in sorted(scored)[:limit]]


def _problem(query: str) -> str:
    """What is wrong with a query, in a sentence; empty when it can be searched."""
    if len(query) > MAX_LENGTH:
        return (
            f"Uw zoekterm is te lang ({len(query)} tekens): gebruik hoogstens {MAX_LENGTH} "
            "tekens, bijvoorbeeld een naam of een paar woorden."
        )
    if any(ord(char) < 32 for char in query):
        return "Uw zoekterm bevat tekens die we niet kunnen zoeken."
    if len(query) < MIN_LENGTH:
        return f"Uw zoekterm is te kort: gebruik minstens {MIN_LENGTH} tekens."
    terms = search_terms(query)
    if not terms:
        return "Uw zoekterm bevat geen woord: gebruik letters of cijfers, minstens twee na elkaar."
    if len(terms) > MAX_TERMS:
        return f"Uw zoekterm telt te veel woorden: gebruik er hoogstens {MAX_TERMS}."
    return ""


@require_safe
def zoeken(request):
    raw = request.GET.get("q")
    query = " ".join((raw or "").split())
    context = {"q": query[:MAX_LENGTH], "max_length": MAX_LENGTH}
    if raw is None or not query:
        context["message"] = "Typ een woord of een naam om te zoeken." if raw is not None else ""
        return render(request, "portaal/zoeken.html", context)
    problem = _problem(query)
    if problem:
        context["error"] = problem
        if any(ord(char) < 32 for char in query):
            context["q"] = ""
        return render(request, "portaal/zoeken.html", context, status=400)
    outcome = search(query)
    page = Paginator(outcome.hits, PAGE_SIZE).get_page(request.GET.get("pagina"))
    context.update(
        {
            "searched": True,
            "page": page,
            "total": len(outcome.hits),
            "capped": outcome.capped,
            "suggestions": [] if outcome.hits else suggestions(query),
        }
    )
    return render(request, "portaal/zoeken.html", context)
