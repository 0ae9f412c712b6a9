from datetime import datetime
from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from lokaal import fragmenten
from lokaal.paginering import PAGE_PARAM, InvalidPageNumber, page_number, page_of
from trajecten import services
from trajecten.filters import TrajectFilter
from trajecten.models import Ronde, Traject
from trajecten.templatetags.traject_kaart import cards

# Cards per page of the list: it grows with every round and participant.
TRAJECTEN_PER_PAGE = 24


@require_safe
def traject_list(request):
    filterset = TrajectFilter(request.GET, queryset=Traject.objects.select_related("ronde"))
    try:
        number = page_number(request)
    except InvalidPageNumber as exc:
        return render(
            request,
            "trajecten/traject_list.html",
            {"filter": filterset, "trajecten": [], "ongeldige_pagina": exc.message},
            status=400,
        )
    if not filterset.is_valid():
        # An unknown filter value is answered plainly instead of silently showing everything.
        return render(
            request,
            "trajecten/traject_list.html",
            {"filter": filterset, "trajecten": [], "invalid_filter": True},
            status=400,
        )
    slug = filterset.form.cleaned_data.get("ronde")
    ronde = Ronde.objects.filter(slug=slug).first() if slug else None
    # The query string is canonical here (lokaal.middleware.PublicPages), so the
    # number of keys below is bounded by the filter's choices.
    query = urlencode([(k, v) for k, v in request.GET.items() if k != PAGE_PARAM])
    # Which trajectories match, kept under all content; not with a status, which moves with
    # the clock. The form as shown for this query, kept with the site's reference data.
    if filterset.form.cleaned_data.get("status"):
        pks = list(filterset.qs.values_list("pk", flat=True))
    else:
        pks = fragmenten.kept(
            f"trajecten-lijst:{query}",
            [fragmenten.INHOUD],
            lambda: (list(filterset.qs.values_list("pk", flat=True)), None),
        )
    form = fragmenten.kept(
        f"trajecten-filter:{query}",
        [],
        lambda: (render_to_string("trajecten/_filter.html", {"filter": filterset}), None),
    )
    page = page_of(pks, TRAJECTEN_PER_PAGE, number)
    kaarten = cards(list(page.object_list))
    return render(
        request,
        "trajecten/traject_list.html",
        {
            "filter": filterset,
            "filter_html": mark_safe(form),  # rendered by our own template, autoescaped
            "trajecten": page.object_list,  # their pks
            "kaarten": [kaarten[pk] for pk in page.object_list if pk in kaarten],
            "page": page,
            "ronde": ronde,
        },
    )


@require_safe
def traject_detail(request, slug):
    """A trajectory's public page. Its body (timeline, results, charts, participants, updates)
    is kept as a fragment under the trajectory's generation (lokaal/fragmenten.py) until a
    date in it passes: on a warm fragment the page costs three reads from the cache and no
    query. Per visitor are only the freshness, which moves with the hour, and the
    follow form with its CSRF token, both outside the fragment."""
    # The row too is kept, under all content (an unknown address is asked again each time).
    traject = fragmenten.kept(
        f"traject-rij:{slug}",
        [fragmenten.INHOUD],
        lambda: (Traject.objects.select_related("ronde").filter(slug=slug).first(), None),
    )
    if traject is None:
        raise Http404("Dit traject bestaat niet.")
    html, last_updated = fragmenten.kept(
        f"traject:{traject.pk}",
        [fragmenten.traject_scope(traject.pk)],
        lambda: _traject_inhoud(traject),
    )
    return render(
        request,
        "trajecten/traject_detail.html",
        {
            "traject": traject,
            "inhoud": mark_safe(html),  # rendered by our own template
            "bijgewerkt": {"last_updated": last_updated},
        },
    )


def _traject_inhoud(traject: Traject) -> tuple[tuple[str, object], datetime | None]:
    """The body of the page, rendered without the request, and when it was last updated; and
    until when it reads the same. What it shows is loaded onto the row the page has read."""
    lookups = (
        Traject.objects.with_progress()
        .with_coaches()
        .prefetch_related(
            "prioritaire_actiedomeinen",
            "beleidsinstrumenten",
            # Attachments are reached by name: trajecten does not import workshops.
            "workshops__bijlagen",
            "coachingsmomenten__bijlagen",
        )
        ._prefetch_related_lookups
    )
    prefetch_related_objects([traject], *lookups)
    # Structured results go public with the trajectory's first published content; only then
    # are they loaded (one query per kind of result, whatever their number).
    show_results = traject.is_openbaar
    if show_results:
        services.prefetch_results(traject)
        show_results = services.traject_has_results(traject)
    html = render_to_string(
        "trajecten/_traject_inhoud.html",
        {
            "traject": traject,
            "timeline": traject.voortgang.momenten,
            "toon_resultaten": show_results,
        },
    )
    return (str(html), traject.last_updated), fragmenten.moments_until(traject.momenten)
