"""Search across besturen, trajectories and published reports; never internal or draft text."""

import html
import re
from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import render
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

from besturen.models import Bestuur
from trajecten.models import Traject, Update
from workshops.models import Coachingsmoment, Workshop

MIN_LENGTH = 2
MAX_LENGTH = 100
LIMIT = 50
SNIPPET = 90


@dataclass
class Treffer:
    titel: str
    url: str
    context: str
    fragment: SafeString | str


def plain(text: str) -> str:
    """Visible text of stored HTML, with whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


def snippet(text: str, query: str) -> SafeString | str:
    """A short piece of text around the first match, with the match marked."""
    index = text.lower().find(query.lower())
    if index < 0:
        return text[: SNIPPET * 2] + ("…" if len(text) > SNIPPET * 2 else "")
    start, end = max(0, index - SNIPPET), min(len(text), index + len(query) + SNIPPET)
    return format_html(
        "{}{}<mark>{}</mark>{}{}",
        "…" if start else "",
        text[start:index],
        text[index : index + len(query)],
        text[index + len(query) : end],
        "…" if end < len(text) else "",
    )


def _contains(query: str, *fields: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
    return condition


def _report_hits(moments, query: str, titel) -> list[Treffer]:
    hits = []
    for moment in moments:
        body = plain(moment.verslag_html)
        fields = [titel(moment), getattr(moment, "thema", ""), body]
        # The database matched the stored HTML; keep only what a reader can see matched.
        if not any(query.lower() in field.lower() for field in fields):
            continue
        hits.append(
            Treffer(
                titel(moment),
                moment.get_absolute_url()
                if hasattr(moment, "volgnummer")
                else f"{moment.traject.get_absolute_url()}#coachingsmoment-{moment.pk}",
                moment.traject.titel,
                snippet(body, query),
            )
        )
    return hits


def search(query: str) -> dict[str, list[Treffer]]:
    besturen = Bestuur.objects.filter(
        _contains(query, "naam", "korte_naam", "beschrijving", "nis_code")
    )[:LIMIT]
    trajecten = Traject.objects.filter(
        _contains(query, "titel", "samenvatting", "ambitie", "open_plaats")
    ).with_progress()[:LIMIT]
    workshops = (
        Workshop.objects.openbaar()
        .filter(_contains(query, "titel", "thema", "verslag_html"))
        .select_related("traject")[:LIMIT]
    )
    coaching = (
        Coachingsmoment.objects.openbaar()
        .filter(_contains(query, "onderwerp", "verslag_html"))
        .select_related("traject")[:LIMIT]
    )
    updates = (
        Update.objects.openbaar()
        .filter(_contains(query, "titel", "tekst_html"))
        .select_related("traject")[:LIMIT]
    )
    return {
        "besturen": [
            Treffer(
                b.naam,
                b.get_absolute_url(),
                b.get_soort_display(),
                snippet(b.beschrijving, query) if b.beschrijving else "",
            )
            for b in besturen
        ],
        "trajecten": [
            Treffer(
                t.titel,
                t.get_absolute_url(),
                # The same progress words as the trajectory's card (trajecten/voortgang.py).
                f"{t.get_soort_display()} · {t.voortgang.kort}",
                snippet(" ".join(filter(None, [t.samenvatting, t.ambitie, t.open_plaats])), query),
            )
            for t in trajecten
        ],
        "verslagen": [
            *_report_hits(workshops, query, lambda w: f"Workshop {w.volgnummer}: {w.titel}"),
            *_report_hits(coaching, query, lambda c: f"Coachingsmoment: {c.onderwerp}"),
        ],
        "updates": [
            Treffer(
                u.titel,
                f"{u.traject.get_absolute_url()}#update-{u.pk}",
                u.traject.titel,
                snippet(plain(u.tekst_html), query),
            )
            for u in updates
            if query.lower() in f"{u.titel} {plain(u.tekst_html)}".lower()
        ],
    }


def zoeken(request):
    raw = request.GET.get("q")
    query = " ".join((raw or "").split())
    context = {"q": query[:MAX_LENGTH], "limiet": LIMIT}
    if raw is None or not query:
        context["melding"] = "Typ een woord of een naam om te zoeken." if raw is not None else ""
        return render(request, "portaal/zoeken.html", context)
    if len(query) > MAX_LENGTH:
        context["fout"] = f"Je zoekterm is te lang: gebruik hoogstens {MAX_LENGTH} tekens."
        return render(request, "portaal/zoeken.html", context, status=400)
    if any(ord(char) < 32 for char in query):
        context["q"] = ""
        context["fout"] = "Je zoekterm bevat tekens die we niet kunnen zoeken."
        return render(request, "portaal/zoeken.html", context, status=400)
    if len(query) < MIN_LENGTH:
        context["fout"] = f"Je zoekterm is te kort: gebruik minstens {MIN_LENGTH} tekens."
        return render(request, "portaal/zoeken.html", context, status=400)
    groepen = search(query)
    context.update(
        {
            "groepen": [
                ("Besturen", groepen["besturen"]),
                ("Trajecten", groepen["trajecten"]),
                ("Verslagen", groepen["verslagen"]),
                ("Updates", groepen["updates"]),
            ],
            "aantal": sum(len(v) for v in groepen.values()),
        }
    )
    return render(request, "portaal/zoeken.html", context)
